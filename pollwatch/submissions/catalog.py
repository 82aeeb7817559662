"""What intake looks up for every report, cached in the process: forms and their versions,
polling stations by code, observers by phone, and an observer's assignments.

Each entry lives ``INTAKE_CACHE_SECONDS`` (30 s by default, 0 under tests so that every test
reads the database): a new form version, station or assignment is seen by every worker within
that time. Saving one of those models in this process clears the cache at once. Credentials
(device tokens, API keys) are never cached here, so a revoked token stops at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from pollwatch.checklists.models import Form, FormVersion
from pollwatch.elections.models import Area, PollingStation
from pollwatch.missions.models import Assignment, Observer, Team

from . import rows

T = TypeVar("T")
_lock = threading.Lock()
_entries: dict[Hashable, tuple[float, Any]] = {}
_MISSING = object()


def cache_seconds() -> float:
    default = 0 if getattr(settings, "TESTING", False) else 30
    return float(getattr(settings, "INTAKE_CACHE_SECONDS", default))


def cached(key: Hashable, compute: Callable[[], T], seconds: float | None = None) -> T:
    seconds = cache_seconds() if seconds is None else seconds
    if seconds <= 0:
        return compute()
    now = time.monotonic()
    entry = _entries.get(key, _MISSING)
    if entry is not _MISSING and entry[0] > now:  # type: ignore[index]
        return entry[1]  # type: ignore[index]
    value = compute()
    with _lock:
        if len(_entries) > 50_000:
            _entries.clear()
        _entries[key] = (now + seconds, value)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()


@receiver([post_save, post_delete], sender=Form)
@receiver([post_save, post_delete], sender=FormVersion)
@receiver([post_save, post_delete], sender=PollingStation)
@receiver([post_save, post_delete], sender=Area)
@receiver([post_save, post_delete], sender=Assignment)
@receiver([post_save, post_delete], sender=Observer)
@receiver([post_save, post_delete], sender=Team)
def _clear_on_change(**kwargs: Any) -> None:
    clear()


# --- forms ----------------------------------------------------------------------------------

def forms_of_mission(mission_id: int) -> dict[str, Form]:
    """The mission's forms by code and by SMS keyword (both upper case)."""

    def compute() -> dict[str, Form]:
        found: dict[str, Form] = {}
        for form in Form.objects.filter(mission_id=mission_id).select_related("contest"):
            found[f"code:{form.code.upper()}"] = form
            if form.sms_keyword:
                found[f"sms:{form.sms_keyword.upper()}"] = form
        return found

    return cached(("forms", mission_id), compute)


def form_by_code(mission_id: int, code: str) -> Form | None:
    return forms_of_mission(mission_id).get(f"code:{(code or '').upper()}")


def form_by_keyword(mission_id: int, keyword: str) -> Form | None:
    return forms_of_mission(mission_id).get(f"sms:{(keyword or '').upper()}")


def current_version(form: Form) -> FormVersion | None:
    """The version observers fill in now: the newest published one."""

    def compute() -> FormVersion | None:
        version = form.published_version()
        if version is not None:
            version.form = form
        return version

    return cached(("current", form.pk), compute)


def version_by_number(form: Form, number: int) -> FormVersion | None:
    def compute() -> FormVersion | None:
        version = FormVersion.objects.filter(form=form, number=number).first()
        if version is not None:
            version.form = form
        return version

    return cached(("version", form.pk, number), compute)


# --- stations and observers -----------------------------------------------------------------

def station_by_code(election_id: int, code: str) -> PollingStation | None:
    """The station with its area and region (from :func:`areas_of`: no query for them).

    Each station is read on its own when first asked for (then every ``cache_seconds``): a
    big election's stations are not all held in every process. The read is one prepared
    statement, not an ORM query, as thousands of stations expire every half minute."""

    def compute() -> PollingStation | None:
        found = rows.instances(PollingStation, "election_id = %s AND code = %s", [election_id, code])
        if not found:
            return None
        station, areas = found[0], areas_of(election_id)
        station.area = areas[station.area_id]
        if station.region_id is not None:
            station.region = areas[station.region_id]
        return station

    return cached(("station", election_id, code), compute)


def areas_of(election_id: int) -> dict[int, Area]:
    """The election's areas by id (a few hundred at most)."""
    return cached(("areas", election_id),
                  lambda: {area.pk: area for area in Area.objects.filter(election_id=election_id)})


@dataclass(frozen=True)
class Duty:
    """One assignment as intake needs it."""

    station_id: int
    phase: str
    team_id: int
    report_due_at: Any


def duties_of(observer_id: int) -> list[Duty]:
    """The assignments of the observer's teams (one prepared statement when it expires)."""

    def compute() -> list[Duty]:
        members = Team.members.through
        sql = (f"SELECT a.station_id, a.phase, a.team_id, a.report_due_at FROM {rows.table(Assignment)} a"
               f" JOIN {rows.table(members)} m ON m.team_id = a.team_id WHERE m.observer_id = %s"
               " ORDER BY a.report_due_at, a.team_id, a.station_id")
        return [Duty(station, phase, team, rows.utc(due))
                for station, phase, team, due in rows.select_rows(sql, [observer_id])]

    return cached(("duties", observer_id), compute)


def observers_by_phone(phone: str) -> list[Observer]:
    def compute() -> list[Observer]:
        return list(Observer.objects.filter(phone=phone, is_active=True)
                    .select_related("mission", "mission__election", "group", "user"))

    return cached(("phone", phone), compute)
