"""Incidents: created from incident reports, then followed up by the mission's staff.

The trail (``IncidentEvent``) records every step: received, under review, verified /
unverifiable / rejected, escalated (to whom; acknowledged when), closed. Each step is also in
the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pollwatch.accounts import audit
from pollwatch.accounts.models import AuditEntry, User
from pollwatch.missions.models import Mission, Observer

from .models import Incident, IncidentEvent, Submission

Status = Incident.Status
#: Where an incident may go from each state.
NEXT = {
    Status.NEW: {Status.UNDER_REVIEW, Status.VERIFIED, Status.UNVERIFIABLE, Status.REJECTED,
                 Status.ESCALATED, Status.CLOSED},
    Status.UNDER_REVIEW: {Status.VERIFIED, Status.UNVERIFIABLE, Status.REJECTED, Status.ESCALATED,
                          Status.CLOSED},
    Status.VERIFIED: {Status.ESCALATED, Status.CLOSED, Status.UNDER_REVIEW},
    Status.UNVERIFIABLE: {Status.CLOSED, Status.UNDER_REVIEW},
    Status.REJECTED: {Status.CLOSED, Status.UNDER_REVIEW},
    Status.ESCALATED: {Status.ESCALATED, Status.VERIFIED, Status.CLOSED, Status.UNDER_REVIEW},
    Status.CLOSED: set(),
}
#: Answer names an incident form may use for each incident field (first one present wins).
FIELD_NAMES = {
    "category": ("category", "incident_category"),
    "severity": ("severity", "incident_severity"),
    "description": ("description", "details", "what", "comment", "notes"),
    "occurred_at": ("occurred_at", "incident_time", "time", "when"),
}
SEVERITY_WORDS = {"critical": Incident.Severity.CRITICAL, "serious": Incident.Severity.SERIOUS,
                  "minor": Incident.Severity.MINOR, "yes": Incident.Severity.CRITICAL,
                  "no": Incident.Severity.SERIOUS, "high": Incident.Severity.CRITICAL,
                  "medium": Incident.Severity.SERIOUS, "low": Incident.Severity.MINOR}


def incidents_matching(mission: Mission | int, *, reported_by: Observer | None = None,
                       severity: str = "", region: str = "", category: str = "",
                       statuses: Iterable[str] = ()) -> QuerySet[Incident]:
    """A mission's incidents narrowed by the filters a reader gave (an empty one keeps all):
    the reporting observer, severity, region (its code), category and follow-up states.
    The API's list and the dashboard's board both filter here."""
    query = Incident.objects.filter(mission=mission)
    if reported_by is not None:
        query = query.filter(reported_by=reported_by)
    if severity:
        query = query.filter(severity=severity)
    if region:
        query = query.filter(station__region__code=region)
    if category:
        query = query.filter(category=category)
    statuses = tuple(statuses)
    if statuses:
        query = query.filter(status__in=statuses)
    return query


def _answer(answers: dict[str, Any], field: str) -> Any:
    for name in FIELD_NAMES[field]:
        if answers.get(name) not in (None, ""):
            return answers[name]
    return None


def _occurred_at(value: Any, submission: Submission) -> dt.datetime | None:
    if not value:
        return submission.observed_at
    text = str(value)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None and submission.station_id and len(text) == 5 and text[2] == ":":
        station = submission.station
        local = station.local_datetime(submission.mission.election.date, dt.time.fromisoformat(text))
        return local.astimezone(dt.UTC)
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment or submission.observed_at


def incident_fields(submission: Submission) -> dict[str, Any]:
    answers = submission.answers or {}
    severity = str(_answer(answers, "severity") or "").lower()
    return {
        "category": str(_answer(answers, "category") or "")[:64],
        "severity": SEVERITY_WORDS.get(severity, Incident.Severity.SERIOUS),
        "description": str(_answer(answers, "description") or ""),
        "occurred_at": _occurred_at(_answer(answers, "occurred_at"), submission),
    }


def record_incident(submission: Submission, superseded: Submission | None) -> Incident:
    """The incident an incident report opens (or, for a correction, updates)."""
    fields = incident_fields(submission)
    incident = Incident.objects.filter(submission=superseded).first() if superseded else None
    if incident is not None:
        for name, value in fields.items():
            setattr(incident, name, value)
        incident.submission = submission
        incident.save()
        IncidentEvent.objects.create(incident=incident, status=incident.status,
                                     note=f"corrected by the observer (revision {submission.revision})")
        return incident
    incident = Incident.objects.create(
        mission_id=submission.mission_id, submission=submission, station_id=submission.station_id,
        reported_at=submission.received_at, reported_by=submission.observer, status=Status.NEW,
        **fields)
    IncidentEvent.objects.create(incident=incident, status=Status.NEW,
                                 note=f"reported by {submission.observer or 'a partner'} via "
                                      f"{submission.get_channel_display()}")
    return incident


def _move(incident: Incident, status: str, actor: audit.Actor, note: str = "",
          escalated_to: str = "") -> IncidentEvent:
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if status not in NEXT[Status(incident.status)]:
            raise ValueError(_("an incident that is %(status)s cannot become %(target)s")
                             % {"status": incident.get_status_display().lower(),
                                "target": Status(status).label.lower()})
        before = incident.status
        incident.status = status
        incident.save(update_fields=["status"])
        event = IncidentEvent.objects.create(incident=incident, status=status, note=note,
                                             escalated_to=escalated_to,
                                             by=actor if isinstance(actor, User) else None)
        changes: dict[str, Any] = {"status": [before, status]}
        if escalated_to:
            changes["escalated_to"] = [None, escalated_to]
        audit.record(actor, AuditEntry.Action.UPDATE, incident, mission=incident.mission,
                     object_repr=f"incident {incident.pk} ({incident.category})", changes=changes)
    return event


def review_incident(incident: Incident, actor: audit.Actor, note: str = "") -> IncidentEvent:
    return _move(incident, Status.UNDER_REVIEW, actor, note)


def verify_incident(incident: Incident, outcome: str, actor: audit.Actor, note: str = "") -> IncidentEvent:
    """Record the review's outcome: verified, unverifiable or rejected."""
    if outcome not in {Status.VERIFIED, Status.UNVERIFIABLE, Status.REJECTED}:
        raise ValueError(_("the outcome is verified, unverifiable or rejected"))
    return _move(incident, outcome, actor, note)


def escalate_incident(incident: Incident, to: str, actor: audit.Actor, note: str = "") -> IncidentEvent:
    """Pass the incident to someone outside the mission (the CEC, the police, the head of
    mission), named in ``to``; :func:`acknowledge` records when they confirmed."""
    if not (to or "").strip():
        raise ValueError(_("say to whom the incident is escalated"))
    return _move(incident, Status.ESCALATED, actor, note, escalated_to=to.strip()[:255])


def acknowledge(event: IncidentEvent, actor: audit.Actor, at: dt.datetime | None = None) -> IncidentEvent:
    """Record that the recipient of an escalation acknowledged it."""
    if not event.escalated_to:
        raise ValueError(_("only an escalation can be acknowledged"))
    if event.acknowledged_at is not None:
        return event
    event.acknowledged_at = at or timezone.now()
    event.save(update_fields=["acknowledged_at"])
    audit.record(actor, AuditEntry.Action.UPDATE, event.incident, mission=event.incident.mission,
                 object_repr=f"incident {event.incident_id} acknowledged by {event.escalated_to}",
                 changes={"acknowledged_at": [None, event.acknowledged_at.isoformat()]})
    return event


def close_incident(incident: Incident, actor: audit.Actor, note: str = "") -> IncidentEvent:
    return _move(incident, Status.CLOSED, actor, note)


def open_escalations(mission: Any):
    """Escalations not yet acknowledged, oldest first."""
    return (IncidentEvent.objects.filter(incident__mission=mission, status=Status.ESCALATED,
                                         acknowledged_at__isnull=True)
            .select_related("incident").order_by("at"))
