"""A day of observers' reports, for pages that would otherwise have little to show.

The benchmark of the pages and the README's screenshots use the demo. When the mission holds
few election-day reports (a build without :func:`pollwatch.demo.reports.report_election_day`,
or another mission), :func:`fill_day_if_empty` has its observers text them in, through the
real SMS door (:mod:`pollwatch.demo.doors`): a checklist for most assignments (every yes/no
and choice question that has an SMS code, answered mostly well), a few incidents, about one in
eight missing (overdue). Seeded: every run sends the same reports.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import numpy as np

from pollwatch.checklists.models import Form, Question
from pollwatch.missions.models import Assignment, Mission
from pollwatch.submissions.models import Submission

from .context import SEED
from .doors import Doors

CHECKLISTS = ("opening", "voting", "closing")
ASSESSMENT_WEIGHTS = {"very_good": 30, "good": 55, "bad": 11, "very_bad": 4}


def _answers(questions: list[Question], rng: random.Random) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in questions:
        if question.type == Question.Type.YES_NO:
            answers[question.name] = "yes" if rng.random() < 0.85 else "no"
        elif question.type == Question.Type.SELECT_ONE and question.choices and not question.choices_from:
            names = [str(c.get("name")) for c in question.choices]
            weights = [ASSESSMENT_WEIGHTS.get(name, 10) for name in names]
            answers[question.name] = rng.choices(names, weights)[0]
    return answers


def fill_day_if_empty(mission: Mission, seed: int = SEED) -> int:
    """Send a day of reports unless the mission already has checklists for half of its
    assignments. Returns how many reports were accepted."""
    assignments = Assignment.objects.filter(team__mission=mission)
    checklists = Submission.objects.filter(mission=mission, is_test=False, form__kind__in=CHECKLISTS)
    if checklists.count() >= assignments.count() / 2:
        return 0
    reported = set(checklists.values_list("station_id", "phase"))
    rng = random.Random(seed)
    doors = Doors(mission, np.random.default_rng(seed))
    forms = {f.kind: f for f in Form.objects.filter(mission=mission, kind__in=[*CHECKLISTS, "incident"])}
    questions = {kind: list(Question.objects.filter(version=form.published_version(),
                                                    type__in=["yes_no", "select_one"]).order_by("position"))
                 for kind, form in forms.items()}

    def send(form: Form, observer: Any, station: Any, answers: dict[str, Any], when: dt.datetime) -> int:
        if not doors.can_text(observer, form):
            return 0
        return int(doors.sms(observer, form, station, answers, when).accepted)

    accepted = 0
    for assignment in (assignments.select_related("station", "team").prefetch_related("team__members")
                       .order_by("report_due_at", "id")):
        form = forms.get(assignment.phase)
        observer = next(iter(assignment.team.members.all()), None)
        if rng.random() < 0.12 or (assignment.station_id, assignment.phase) in reported:
            continue  # overdue, or already in
        if form is None or observer is None:
            continue
        received = assignment.report_due_at - dt.timedelta(minutes=rng.randint(5, 90))
        answers = _answers(questions[assignment.phase], rng)
        accepted += send(form, observer, assignment.station, answers, received)
        if "incident" in forms and rng.random() < 0.04:
            answers = _answers(questions["incident"], rng)
            answers["severity"] = rng.choices(["critical", "serious", "minor"], [1, 3, 4])[0]
            if answers.get("category") == "positive":
                answers["severity"] = "minor"
            accepted += send(forms["incident"], observer, assignment.station, answers, received)
    return accepted
