"""Accepting observers' reports: validation, flags, corrections, and what follows from them.

Intake reads a report into a :class:`Draft` (which form version, station, observer and
answers), then calls :func:`prepare_submission` (checks, no writes) and, inside its
transaction, :func:`record_submission` (writes). Those are the only ways a submission is
created, whatever the channel.

A correction is a new revision: the corrected submission stays, with ``is_current=False``;
the new one ``supersedes`` it. A report for a station that is not assigned to the sender's
team is kept, flagged ``not_assigned``. Protocols that do not reconcile are kept, flagged
``protocol_does_not_reconcile``. Each accepted submission updates the station's merged record
(:mod:`pollwatch.submissions.records`).

Submissions are not written to the audit log one by one: their inbound report (channel,
sender, payload, time) is the log of how each arrived. Every human action on them
(re-processing, resolving a conflict, an incident's follow-up, a staff correction) is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from pollwatch.checklists import services as forms
from pollwatch.checklists.models import Form, FormVersion
from pollwatch.elections.models import PollingStation
from pollwatch.missions.models import Mission, Observer

from . import catalog, rows
from .errors import Rejected
from .models import Channel, Evidence, Submission
from .reasons import reason

if TYPE_CHECKING:
    from pollwatch.intake.models import InboundReport

#: Channels whose reports may leave required questions unanswered (an SMS reports a few
#: questions at a time); such a submission is flagged ``incomplete``.
PARTIAL_CHANNELS = {Channel.SMS}
#: Kinds of validation warnings that become flags on the submission (control equations are
#: flagged by the observed protocol instead).
FLAGGED_WARNINGS: set[str] = set()


@dataclass
class Draft:
    """A report as a channel read it, before any check."""

    mission: Mission
    channel: str
    key: str
    form: Form
    version: FormVersion
    answers: dict[str, Any]
    station: PollingStation | None = None
    observer: Observer | None = None
    observed_at: dt.datetime | None = None
    corrects: Submission | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    created_by: Any = None
    received_at: dt.datetime | None = None


@dataclass
class Prepared:
    """A draft that passed the checks: cleaned answers, flags, and the team it counts for."""

    draft: Draft
    cleaned: dict[str, Any]
    flags: list[dict[str, Any]]
    team_id: int | None
    is_test: bool
    warnings: list[dict[str, Any]] = field(default_factory=list)


def _validate(version: FormVersion, answers: dict[str, Any], station: PollingStation | None,
              prior: dict[str, Any] | None = None):
    return forms.validate_answers(version, answers, station=station, prior=prior)


def _has_skip_logic(version: FormVersion) -> bool:
    return any(spec.relevant is not None for spec in forms.schema(version).questions)


def _record_may_matter(version: FormVersion, result: Any) -> bool:
    """Whether the station record could change the judgement of a report checked alone: an
    answer was not saved, a required answer is missing, or a saved answer's skip logic reads a
    question the report does not answer. A complete report costs no extra read."""
    if result.not_saved or any(e.kind == "required" for e in result.errors):
        return True
    compiled = forms.schema(version)
    given = set(result.cleaned)
    for name in given:
        spec = compiled.by_name.get(name)
        if spec is None:
            continue
        owners = [spec, *(compiled.by_name[s] for s in spec.sections if s in compiled.by_name)]
        if any(o.relevant is not None and not o.relevant.fields <= given for o in owners):
            return True
    return False


def prior_answers(draft: Draft) -> dict[str, Any]:
    """What the sender's station record already holds for the draft's form: the observer's own
    newest answers (the record's merge state keeps them per source). Empty for a report
    without an observer or station, a correction (it replaces a report) and a test report."""
    if draft.observer is None or draft.station is None or draft.corrects is not None:
        return {}
    if draft.version.status == FormVersion.Status.DRAFT or not _has_skip_logic(draft.version):
        return {}
    from . import records

    return records.observer_answers(draft.mission.pk, draft.station.pk, draft.form.pk,
                                    draft.observer.pk)


def _station_form(version: FormVersion) -> bool:
    return bool(forms.schema(version).station_question)


def prepare_submission(draft: Draft) -> Prepared:
    """Check a draft against its form version and the sender's assignments; raise
    :class:`Rejected` (with every problem found) when it cannot be accepted."""
    version = draft.version
    is_test = version.status == FormVersion.Status.DRAFT
    if not is_test and not _accepts(version):
        raise Rejected("unknown_form", reason("never_published", version=version.number,
                                              form=draft.form.code))
    if draft.station is None and _station_form(version):
        raise Rejected("unknown_station", reason("station_missing"),
                       [{"question": "station", "code": "", "kind": "required",
                         "message": "station: which polling station?"}])
    result = _validate(version, draft.answers, draft.station)
    prior: dict[str, Any] = {}
    if _record_may_matter(version, result):
        prior = prior_answers(draft)
        if prior:
            result = _validate(version, draft.answers, draft.station, prior)
    errors = [e.to_dict() for e in result.errors
              if not (draft.channel in PARTIAL_CHANNELS and e.kind == "required")]
    if errors:
        shown = "; ".join(e["message"] for e in errors[:5])
        why = (reason("invalid_answers_more", count=len(errors), shown=shown, more=len(errors) - 5)
               if len(errors) > 5 else reason("invalid_answers", count=len(errors), shown=shown))
        raise Rejected("invalid_answers", why, errors)
    missing = [e for e in result.errors if e.kind == "required" and e.question not in prior]
    flags = _flags(draft, missing, result.warnings, result.not_saved)
    team_id = _team_for(draft)
    warnings = [w.to_dict() for w in result.warnings]
    return Prepared(draft, result.cleaned, flags, team_id, is_test, warnings)


def _accepts(version: FormVersion) -> bool:
    accepts = getattr(version, "accepts_submissions", None)
    if accepts is not None:
        return bool(accepts)
    return version.status != FormVersion.Status.DRAFT


def _flags(draft: Draft, missing: list[Any], warnings: list[Any],
           not_saved: list[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    flags: list[dict[str, Any]] = []
    if draft.observer is not None and draft.station is not None:
        duties = [d for d in catalog.duties_of(draft.observer.pk) if d.station_id == draft.station.pk]
        phase = draft.form.phase
        matching = [d for d in duties if not phase or d.phase == phase]
        if not matching:
            flags.append({"code": "not_assigned", "message": (
                f"{draft.station.code} is not assigned to {draft.observer}'s team"
                + (f" for {phase}" if phase else ""))})
        else:
            filled = draft.observed_at or draft.received_at or timezone.now()
            due = min(d.report_due_at for d in matching)
            if phase and filled > due:
                late = int((filled - due).total_seconds() // 60)
                flags.append({"code": "late", "message": f"{late} min after it was due"})
    if missing:
        tags = ", ".join(e.message.split(":")[0] for e in missing[:10])
        flags.append({"code": "incomplete", "message": f"not answered yet: {tags}",
                      "questions": [e.question for e in missing]})
    if not_saved:
        tags = ", ".join(str(item["code"]) for item in not_saved[:10])
        flags.append({"code": "not_saved", "message": f"answers not saved (not asked given the "
                      f"other answers): {tags}", "questions": [dict(item) for item in not_saved]})
    for warning in warnings:
        if warning.kind in FLAGGED_WARNINGS:
            flags.append({"code": warning.kind, "message": warning.message})
    return flags


def _team_for(draft: Draft) -> int | None:
    if draft.observer is None:
        return None
    duties = catalog.duties_of(draft.observer.pk)
    phase = draft.form.phase
    if draft.station is not None:
        for duty in duties:
            if duty.station_id == draft.station.pk and (not phase or duty.phase == phase):
                return duty.team_id
        for duty in duties:
            if duty.station_id == draft.station.pk:
                return duty.team_id
    return duties[0].team_id if duties else None


def record_submission(prepared: Prepared, report: InboundReport | None = None) -> Submission:
    """Write a prepared submission and everything that follows from it. Call inside a
    transaction; raises :class:`Rejected` when a correction's target was corrected meanwhile.

    ``report`` is the inbound report it came from; when it is not stored yet, it is inserted
    together with the submission, in one statement on PostgreSQL."""
    draft = prepared.draft
    revision, supersedes = 1, None
    if draft.corrects is not None:
        supersedes = _supersede(draft.corrects)
        revision = supersedes.revision + 1
    if not draft.key and report is not None and report.pk is None:
        rows.insert_row(report)  # the submission's key is made from the report's id
    submission = Submission(
        mission=draft.mission, form=draft.form, form_version=draft.version, station=draft.station,
        phase=draft.form.phase, observer=draft.observer, team_id=prepared.team_id,
        channel=draft.channel, key=draft.key or (f"inbound:{report.pk}" if report else ""),
        key_scope=report.key_scope if report is not None else "",
        answers=prepared.cleaned, observed_at=draft.observed_at,
        received_at=draft.received_at or (report.received_at if report else timezone.now()),
        revision=revision, supersedes=supersedes, is_current=True, is_test=prepared.is_test,
        flags=prepared.flags, inbound=report if report is not None and report.pk else None,
        created_by=draft.created_by,
    )
    if report is not None and report.pk is None:
        rows.insert_pair(report, submission, "inbound")
    else:
        rows.insert_row(submission)
    _attach_evidence(submission, draft.attachments)
    if not prepared.is_test:
        _follow_up(submission, supersedes)
    return submission


def _supersede(old: Submission) -> Submission:
    if not Submission.objects.filter(pk=old.pk, is_current=True).update(is_current=False):
        newer = Submission.objects.filter(supersedes=old).values_list("pk", flat=True).first()
        why = (reason("already_corrected_by", submission=str(old.pk), newer=str(newer)) if newer
               else reason("already_corrected", submission=str(old.pk)))
        raise Rejected("bad_correction", why, submission=old.pk)
    old.is_current = False
    return old


def _attach_evidence(submission: Submission, attachments: list[dict[str, Any]]) -> None:
    if attachments:
        Evidence.objects.bulk_create([
            Evidence(submission=submission, question=item.get("question", ""), file=item["path"],
                     content_type=item.get("content_type", ""), sha256=item.get("sha256", ""))
            for item in attachments
        ])


def _follow_up(submission: Submission, superseded: Submission | None) -> None:
    from . import incidents, protocols, records

    if submission.form.kind == Form.Kind.INCIDENT:
        incidents.record_incident(submission, superseded)
    if forms.schema(submission.form_version).protocol is not None:
        protocols.record_protocol(submission, superseded)
    if submission.station_id is None:
        return
    if superseded is None:
        records.add_to_station_record(submission, submission.form_version)
    else:  # the corrected report leaves the record: read the others again
        records.merge_station_record(submission.mission_id, submission.station_id, submission.form,
                                     submission.form_version)


def history_of(submission: Submission) -> list[Submission]:
    """Every revision of ``submission``, oldest first (it included)."""
    first = submission
    chain_back: list[Submission] = []
    while first.supersedes_id:
        first = Submission.objects.get(pk=first.supersedes_id)
        chain_back.append(first)
    revisions = list(reversed(chain_back)) + [submission]
    current = submission
    while True:
        newer = Submission.objects.filter(supersedes=current).first()
        if newer is None:
            break
        revisions.append(newer)
        current = newer
    return revisions


def current_submissions(mission: Mission) -> QuerySet[Submission]:
    return Submission.objects.filter(mission=mission, is_current=True, is_test=False)
