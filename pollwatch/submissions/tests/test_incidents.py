"""Incidents: opened by incident reports, followed up by staff, every step on the trail."""

import datetime as dt

import pytest

from pollwatch.accounts.models import AuditEntry
from pollwatch.submissions.incidents import (
    acknowledge,
    close_incident,
    escalate_incident,
    open_escalations,
    review_incident,
    verify_incident,
)
from pollwatch.submissions.models import Incident

STUFFING = {"category": "voting", "severity": "critical", "occurred_at": "11:30",
            "description": "Ballot stuffing seen in box 2", "ongoing": "no"}


@pytest.fixture
def incident(world, forms, send):
    assert send(world.observer_oleg, "incident", "71001", STUFFING).accepted
    return Incident.objects.get()


def test_incident_report_opens_an_incident(incident, world):
    assert incident.is_critical and incident.category == "voting" and incident.status == "new"
    assert incident.reported_by == world.observer_oleg and incident.station == world.station_astana
    # 11:30 in Astana (UTC+6) on election day.
    assert incident.occurred_at == dt.datetime(2023, 3, 19, 5, 30, tzinfo=dt.UTC)
    assert [e.status for e in incident.events.all()] == ["new"]


def test_follow_up_trail_from_received_to_closed(incident, world):
    review_incident(incident, world.alice, "calling the team")
    verify_incident(incident, "verified", world.alice, "team confirmed, photo received")
    escalation = escalate_incident(incident, "Head of mission", world.alice)
    assert list(open_escalations(world.alpha)) == [escalation]
    acknowledge(escalation, world.alice, at=dt.datetime(2023, 3, 19, 6, 10, tzinfo=dt.UTC))
    assert list(open_escalations(world.alpha)) == []
    close_incident(incident, world.alice, "included in the statement")
    incident.refresh_from_db()
    assert incident.status == "closed"
    trail = [(e.status, e.escalated_to, e.by_id) for e in incident.events.all()]
    assert trail == [("new", "", None), ("under_review", "", world.alice.pk),
                     ("verified", "", world.alice.pk), ("escalated", "Head of mission", world.alice.pk),
                     ("closed", "", world.alice.pk)]
    assert incident.events.get(status="escalated").acknowledged_at.hour == 6
    assert AuditEntry.objects.filter(model="submissions.Incident", user=world.alice).count() == 5


def test_a_closed_incident_stays_closed(incident, world):
    close_incident(incident, world.alice)
    with pytest.raises(ValueError):
        review_incident(incident, world.alice)
    with pytest.raises(ValueError):
        escalate_incident(incident, "", world.alice)


def test_correcting_an_incident_report_updates_the_incident(incident, world, send):
    corrected = send(world.observer_oleg, "incident", "71001", {**STUFFING, "severity": "serious"},
                     corrects=incident.submission_id)
    assert corrected.accepted
    incident.refresh_from_db()
    assert incident.severity == "serious" and incident.submission == corrected.submission
    assert Incident.objects.count() == 1
