"""Fixtures for submissions tests: the built-in forms of mission alpha, a second observer on
Oleg's team (Omar), and a helper that sends a report through the real intake."""

import json
import uuid

import pytest


@pytest.fixture
def forms(world):
    from pollwatch.checklists.services import install_templates

    return {form.code: form for form in install_templates(world.alpha, "test")}


@pytest.fixture
def omar(world):
    """A second observer of team ipa-1 (station 71001), so that a team sends two reports."""
    from pollwatch.missions.models import Observer
    from pollwatch.missions.services import add_team_member, ensure_observer_user

    observer = Observer.objects.create(mission=world.alpha, group=world.ipa, full_name="Omar Observer",
                                       phone="+77011234503", language="en")
    ensure_observer_user(observer, "test")
    add_team_member(world.team_ipa, observer, "test")
    return observer


OPENING = {
    "arrived_at": "06:40", "opened_at": "07:00", "opened_on_time": "yes", "commission_present": 9,
    "party_agents": "yes", "citizen_observers": "no", "international_observers": "no",
    "unauthorised_present": "no", "boxes_shown_empty": "yes", "boxes_sealed": "yes",
    "ballots_counted": "yes", "ballots_received": 2000, "materials_present": "yes",
    "layout_secrecy": "yes", "observers_can_see": "yes", "assessment": "good",
}


@pytest.fixture
def send():
    """``send(observer, form_code, station_code, answers)``: a JSON report through intake."""
    from pollwatch.intake.models import InboundReport
    from pollwatch.intake.services import content_hash, receive

    def send(observer, form, station, answers, *, key=None, channel="api", corrects=None):
        body = {"key": key or str(uuid.uuid4()), "form": form, "station": station, "answers": answers}
        report = InboundReport(channel=channel, mission=observer.mission, observer=observer,
                               sender=f"observer:{observer.pk}", key=body["key"],
                               content_hash=content_hash("json", observer.pk, body),
                               payload=json.dumps(body), meta={"corrects": corrects} if corrects else {})
        return receive(report)

    return send
