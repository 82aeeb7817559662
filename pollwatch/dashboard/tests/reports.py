"""Helpers for dashboard tests: reports recorded through the submissions service, as every
channel records them, with the built-in forms installed in mission alpha."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction

from pollwatch.checklists.models import Form
from pollwatch.submissions.services import Draft, prepare_submission, record_submission

OPENING = {
    "arrived_at": "06:40", "opened_at": "07:00", "opened_on_time": "yes", "commission_present": 9,
    "party_agents": "yes", "citizen_observers": "no", "international_observers": "no",
    "unauthorised_present": "no", "boxes_shown_empty": "yes", "boxes_sealed": "yes",
    "ballots_counted": "yes", "ballots_received": 2000, "materials_present": "yes",
    "layout_secrecy": "yes", "observers_can_see": "yes", "assessment": "good",
}


def install_forms(mission) -> dict[str, Form]:
    from pollwatch.checklists.services import install_templates

    install_templates(mission, "test")
    return {form.code: form for form in Form.objects.filter(mission=mission)}


def report(mission, form: Form, station, observer, answers: dict[str, Any], *,
           received_at: dt.datetime | None = None, channel: str = "api"):
    """Record a report as intake would (validation, flags, station record, incident)."""
    draft = Draft(mission=mission, channel=channel, key=str(uuid.uuid4()), form=form,
                  version=form.published_version(), answers=dict(answers), station=station,
                  observer=observer, received_at=received_at)
    with transaction.atomic():
        prepared = prepare_submission(draft)
        return record_submission(prepared)
