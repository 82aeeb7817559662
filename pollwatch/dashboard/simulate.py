"""A day of observers' reports, for pages that would otherwise have little to show.

The benchmark of the pages and the README's screenshots use the demo. When the demo holds no
election-day reports (its simulation step is not installed, or was skipped),
:func:`fill_day_if_empty` files them through the submissions service, as SMS would: a
checklist for most assignments (every yes/no and choice question answered, mostly well), a
few negative, a few incidents, about one in eight missing (overdue). Seeded: every run files
the same reports.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from django.db import transaction

from pollwatch.checklists.models import Form, Question
from pollwatch.missions.models import Assignment, Mission
from pollwatch.submissions.errors import Rejected
from pollwatch.submissions.models import Submission
from pollwatch.submissions.services import Draft, prepare_submission, record_submission

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


def _file(mission: Mission, form: Form, assignment: Assignment, observer: Any, answers: dict[str, Any],
          received: dt.datetime) -> bool:
    draft = Draft(mission=mission, channel="sms", key=str(uuid.uuid4()), form=form,
                  version=form.published_version(), answers=answers, station=assignment.station,
                  observer=observer, received_at=received)
    try:
        with transaction.atomic():
            record_submission(prepare_submission(draft))
    except Rejected:
        return False
    return True


def fill_day_if_empty(mission: Mission, seed: int = 20230319) -> int:
    """File a day of reports unless the mission already has checklists for half of its
    assignments. Returns how many reports were filed."""
    assignments = Assignment.objects.filter(team__mission=mission)
    checklists = Submission.objects.filter(mission=mission, is_test=False, form__kind__in=CHECKLISTS)
    if checklists.count() >= assignments.count() / 2:
        return 0
    reported = set(checklists.values_list("station_id", "phase"))
    rng = random.Random(seed)
    forms = {f.kind: f for f in Form.objects.filter(mission=mission, kind__in=[*CHECKLISTS, "incident"])}
    questions = {kind: list(Question.objects.filter(version=form.published_version(),
                                                    type__in=["yes_no", "select_one"]).order_by("position"))
                 for kind, form in forms.items()}
    filed = 0
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
        filed += _file(mission, form, assignment, observer, answers, received)
        if "incident" in forms and rng.random() < 0.04:
            answers = _answers(questions["incident"], rng)
            answers["severity"] = rng.choices(["critical", "serious", "minor"], [1, 3, 4])[0]
            if answers.get("category") == "positive":
                answers["severity"] = "minor"
            filed += _file(mission, forms["incident"], assignment, observer, answers, received)
    return filed
