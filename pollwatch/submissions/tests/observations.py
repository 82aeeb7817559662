"""Helpers for tests that need observers' reports: forms, submissions, corrections, protocols.

Rows are created directly (as intake would leave them), so the tests of aggregates, results
and statements do not depend on a channel.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from pollwatch.checklists.models import Form, FormVersion, Question
from pollwatch.submissions.models import Channel, ObservedProtocol, Submission

ASSESSMENT = [{"name": v, "label": {"en": label}} for v, label in
              [("very_good", "Very good"), ("good", "Good"), ("bad", "Bad"), ("very_bad", "Very bad")]]


def make_form(mission, code: str, *, kind: str | None = None, phase: str = "",
              questions: list[tuple[str, str, list | None]] | None = None, contest=None) -> Form:
    """A form with one published version holding ``questions`` as (name, type, choices)."""
    form = Form.objects.create(mission=mission, code=code, name=code.title(),
                               kind=kind or (phase or Form.Kind.OTHER), phase=phase, contest=contest)
    version = FormVersion.objects.create(form=form, number=1, status=FormVersion.Status.PUBLISHED,
                                         published_at=timezone.now())
    for position, (name, kind_, choices) in enumerate(questions or [], start=1):
        Question.objects.create(version=version, position=position, name=name, type=kind_,
                                label={"en": name.replace("_", " ").capitalize()},
                                choices=choices or [])
    return form


def voting_form(mission) -> Form:
    return make_form(mission, "voting", phase="voting", questions=[
        ("overall", "select_one", ASSESSMENT),
        ("secrecy_ok", "yes_no", None),
        ("problems", "select_multiple", [{"name": "queue"}, {"name": "stuffing"}, {"name": "pressure"}]),
        ("notes", "text", None),
    ])


def observe(mission, form: Form, station, observer=None, answers: dict | None = None, *,
            is_test: bool = False, phase: str | None = None) -> Submission:
    return Submission.objects.create(
        mission=mission, form=form, form_version=form.versions.order_by("-number").first(),
        station=station, phase=form.phase if phase is None else phase, observer=observer,
        channel=Channel.STAFF, key=str(uuid.uuid4()), answers=answers or {},
        received_at=timezone.now(), is_test=is_test)


def correct(submission: Submission, answers: dict) -> Submission:
    """A correction as intake records it: a new revision; the old one stops being current."""
    Submission.objects.filter(pk=submission.pk).update(is_current=False)
    submission.is_current = False
    new = Submission.objects.create(
        mission=submission.mission, form=submission.form, form_version=submission.form_version,
        station=submission.station, phase=submission.phase, observer=submission.observer,
        channel=submission.channel, key=str(uuid.uuid4()), answers={**submission.answers, **answers},
        received_at=timezone.now(), revision=submission.revision + 1, supersedes=submission)
    ObservedProtocol.objects.filter(submission=submission).update(is_current=False)
    return new


def protocol_form(mission, contest) -> Form:
    form = Form.objects.filter(mission=mission, code=f"protocol-{contest.code}").first()
    return form or make_form(mission, f"protocol-{contest.code}", kind=Form.Kind.PROTOCOL,
                             phase="closing", contest=contest)


def observe_protocol(mission, station, contest, observer, figures: dict[str, int],
                     votes: dict[str, int], *, reconciles: bool = True,
                     failures: list[dict[str, Any]] | None = None) -> ObservedProtocol:
    """An observer's copy of a station's result protocol for one contest."""
    submission = observe(mission, protocol_form(mission, contest), station, observer,
                         {**figures, **{f"votes_{k}": v for k, v in votes.items()}})
    return ObservedProtocol.objects.create(
        submission=submission, mission=mission, station=station, contest=contest,
        figures=figures, votes=votes, reconciles=reconciles, failures=failures or [])
