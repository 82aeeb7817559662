"""Observers and teams: who is where, their last report, their devices and sign-in codes.

A handful of queries for the whole mission: teams with members, assignments, the last report
of each observer (aggregated in the database), device tokens and sign-in codes by user.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from pollwatch.accounts.models import SignInCode
from pollwatch.elections.models import Area
from pollwatch.intake.models import DeviceToken
from pollwatch.missions.models import Assignment, Mission, Observer, Phase, Team
from pollwatch.submissions.models import Submission


@dataclass
class LastReport:
    at: dt.datetime
    station_code: str
    timezone: str
    form: str
    point: tuple[float, float] | None = None

    @property
    def local(self) -> dt.datetime:
        return self.at.astimezone(zoneinfo.ZoneInfo(self.timezone))


@dataclass
class DeviceState:
    active: int = 0
    revoked: int = 0
    last_used_at: dt.datetime | None = None

    @property
    def state(self) -> str:
        if self.active:
            return "active"
        return "revoked" if self.revoked else "none"


@dataclass
class ObserverRow:
    observer: Observer
    teams: list[str]
    last_report: LastReport | None
    devices: DeviceState
    code: SignInCode | None

    def code_state(self, now: dt.datetime) -> str:
        """none, unused (still valid), used, expired or replaced."""
        code = self.code
        if code is None:
            return "none"
        if code.used_at:
            return "used"
        if code.revoked_at:
            return "replaced"
        return "unused" if now < code.expires_at else "expired"


@dataclass
class TeamRow:
    team: Team
    duties: dict[str, list[str]] = field(default_factory=dict)
    last_report: LastReport | None = None

    @property
    def phone(self) -> str:
        return self.team.contact_phone()

    def stations(self, phase: str) -> list[str]:
        return self.duties.get(phase, [])


@dataclass
class People:
    teams: list[TeamRow]
    observers: list[ObserverRow]
    now: dt.datetime


def _last_reports(mission: Mission) -> dict[int, LastReport]:
    """Each observer's newest report (one query for the times, one for the rows)."""
    newest = dict(Submission.objects.filter(mission=mission, observer__isnull=False, is_test=False)
                  .values_list("observer_id").annotate(at=Max("received_at")).order_by())
    if not newest:
        return {}
    rows = (Submission.objects.filter(mission=mission, observer_id__in=newest,
                                      received_at__in=set(newest.values()))
            .values_list("observer_id", "received_at", "station__code", "station__timezone", "form__code",
                         "station__longitude", "station__latitude"))
    found: dict[int, LastReport] = {}
    for observer_id, at, code, zone, form, lon, lat in rows:
        if newest.get(observer_id) == at:
            point = (float(lon), float(lat)) if lon is not None and lat is not None else None
            found[observer_id] = LastReport(at, code or "", zone or "UTC", form, point)
    return found


def _devices(mission: Mission) -> dict[int, DeviceState]:
    rows = (DeviceToken.objects.filter(observer__mission=mission).values("observer_id")
            .annotate(active=Count("id", filter=Q(revoked_at__isnull=True)),
                      revoked=Count("id", filter=Q(revoked_at__isnull=False)),
                      last=Max("last_used_at")).order_by())
    return {r["observer_id"]: DeviceState(r["active"], r["revoked"], r["last"]) for r in rows}


def _codes(user_ids: list[int]) -> dict[int, SignInCode]:
    found: dict[int, SignInCode] = {}
    for code in SignInCode.objects.filter(user_id__in=user_ids).order_by("user_id", "-created_at", "-id"):
        found.setdefault(code.user_id, code)
    return found


@dataclass(frozen=True)
class PeopleFilters:
    """What the observers page is narrowed to: a group (by code), a text (name, accreditation
    code or phone), a team (by code), a region (the code of an area at depth 1) and observers
    who have not reported (no report but test ones)."""

    group: str = ""
    text: str = ""
    team: str = ""
    region: str = ""
    not_reported: bool = False

    @property
    def narrows_observers(self) -> bool:
        return bool(self.text or self.team or self.region or self.not_reported)


def _region(mission: Mission, code: str) -> Area | None:
    return Area.objects.filter(election_id=mission.election_id, depth=1, code=code).first() if code else None


def _teams_in(region: Area) -> Q:
    """Teams working in ``region``: assigned to a station there, or based there."""
    return (Q(assignments__station__region=region) | Q(base_area=region)
            | Q(base_area__path__startswith=f"{region.path}/"))


def _filtered(mission: Mission, filters: PeopleFilters) -> tuple[QuerySet[Observer], QuerySet[Team]]:
    from .search import observer_match

    observers = Observer.objects.filter(mission=mission)
    teams = Team.objects.filter(mission=mission)
    if filters.group:
        observers = observers.filter(group__code=filters.group)
        teams = teams.filter(group__code=filters.group)
    if filters.text:
        observers = observers.filter(observer_match(mission, filters.text).any)
    if filters.team:
        observers = observers.filter(teams__code=filters.team)
        teams = teams.filter(code=filters.team)
    if filters.region:
        region = _region(mission, filters.region)
        if region is None:
            return observers.none(), teams.none()
        in_region = Team.objects.filter(_teams_in(region), mission=mission).values("pk")
        based = Q(base_area=region) | Q(base_area__path__startswith=f"{region.path}/")
        observers = observers.filter(pk__in=Observer.objects.filter(Q(teams__in=in_region) | based,
                                                                    mission=mission).values("pk"))
        teams = teams.filter(pk__in=in_region)
    if filters.not_reported:
        reported = Submission.objects.filter(mission=mission, observer=OuterRef("pk"), is_test=False)
        observers = observers.filter(~Exists(reported))
    if filters.text or filters.not_reported:
        teams = teams.filter(pk__in=Team.objects.filter(members__in=observers.values("pk")).values("pk"))
    return observers, teams


def mission_people(mission: Mission, now: dt.datetime, *, group: str = "",
                   filters: PeopleFilters | None = None) -> People:
    """The mission's teams and observers, narrowed by ``filters`` (or just ``group``)."""
    observers, teams = _filtered(mission, filters or PeopleFilters(group=group))
    observers = observers.select_related("group", "user", "base_area")
    teams = teams.select_related("group", "leader", "base_area")
    observers = list(observers.prefetch_related("teams").order_by("group__name", "full_name", "pk"))
    teams = list(teams.prefetch_related("members").order_by("code"))
    last = _last_reports(mission)
    devices = _devices(mission)
    codes = _codes([o.user_id for o in observers if o.user_id])
    team_rows = {t.pk: TeamRow(t) for t in teams}
    for team_id, phase, code in (Assignment.objects.filter(team__in=teams)
                                 .values_list("team_id", "phase", "station__code")
                                 .order_by("report_due_at", "station__code")):
        team_rows[team_id].duties.setdefault(phase, []).append(code)
    for row in team_rows.values():
        reports = [last[m.pk] for m in row.team.members.all() if m.pk in last]
        row.last_report = max(reports, key=lambda r: r.at) if reports else None
    observer_rows = [ObserverRow(o, [t.code for t in o.teams.all()], last.get(o.pk),
                                 devices.get(o.pk, DeviceState()), codes.get(o.user_id))
                     for o in observers]
    return People(list(team_rows.values()), observer_rows, now)


PHASES = Phase.values


def people_table(mission: Mission, people: People) -> Any:
    from pollwatch.submissions.exports import Table

    header = ["observer", "group", "phone", "teams", "language", "last_report_local", "last_station",
              "devices_active", "device_last_used_utc", "sign_in_code"]

    def rows():
        for r in people.observers:
            last = r.last_report
            yield [r.observer.full_name, r.observer.group.code, r.observer.phone, " ".join(r.teams),
                   r.observer.language, last.local.isoformat() if last else "",
                   last.station_code if last else "", r.devices.active,
                   r.devices.last_used_at.isoformat() if r.devices.last_used_at else "",
                   r.code_state(people.now)], last.point if last else None

    return Table(f"{mission.code}-observers", header, rows())
