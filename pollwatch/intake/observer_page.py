"""What the observer web page shows: the observer, today's assignments with local times, and
the forms to fill. Served as JSON (``/api/v1/me``) and cached by the page for offline use."""

from __future__ import annotations

from typing import Any

from pollwatch.accounts.access import assignments_for_observer
from pollwatch.missions.models import Observer
from pollwatch.submissions import catalog


def _assignment(assignment: Any) -> dict[str, Any]:
    station = assignment.station
    due_local = station.to_local(assignment.report_due_at)
    return {
        "id": assignment.pk, "phase": assignment.phase, "team": assignment.team.code,
        "report_due_at": assignment.report_due_at.isoformat(),
        "report_due_local": due_local.strftime("%H:%M"),
        "station": {
            "code": station.code, "name": station.name, "address": station.address,
            "area": station.area.name_in() if station.area_id else "",
            "timezone": station.timezone, "opens_at": station.opens_at.strftime("%H:%M"),
            "closes_at": station.closes_at.strftime("%H:%M"),
            "latitude": float(station.latitude) if station.latitude is not None else None,
            "longitude": float(station.longitude) if station.longitude is not None else None,
        },
    }


def observer_summary(observer: Observer) -> dict[str, Any]:
    mission = observer.mission
    assignments = assignments_for_observer(observer).order_by("report_due_at", "station__code")
    forms = []
    for key, form in sorted(catalog.forms_of_mission(mission.pk).items()):
        version = catalog.current_version(form) if key.startswith("code:") else None
        if version is not None:
            forms.append({"code": form.code, "name": {"en": form.name, **(form.translations or {})},
                          "kind": form.kind, "phase": form.phase, "version": version.number})
    return {
        "observer": {"id": observer.pk, "name": observer.full_name, "language": observer.language,
                     "username": observer.user.username if observer.user_id else ""},
        "mission": {"code": mission.code, "name": mission.name_in(), "languages": mission.languages},
        "election": {"date": mission.election.date.isoformat(), "name": mission.election.name_in()},
        "assignments": [_assignment(a) for a in assignments],
        "forms": forms,
    }
