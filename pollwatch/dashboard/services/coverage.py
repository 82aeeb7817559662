"""Live coverage: each assigned polling station of a phase and its state, counts by region.

A station's state for a phase (worst first):

- **problem**: its merged record for the phase's checklist has a problem (a negative overall
  assessment, a flag such as a protocol that does not reconcile) or conflicting reports, or
  an incident that is still open was reported there during the phase;
- **overdue**: no report for the phase, and the earliest due time of its assignments
  (``Assignment.report_due_at``) has passed;
- **reported**: the phase's checklist is in;
- **planned**: assigned, not yet due.

Three queries whatever the number of stations: the assignments, the station records of the
phase's checklist, the open incidents. The map's shapes (``map_shapes``) take one more, once per
page.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from pollwatch.elections.models import Area
from pollwatch.missions.models import Assignment, Mission, Phase
from pollwatch.missions.phases import phase_at
from pollwatch.submissions.exports import Table
from pollwatch.submissions.models import Incident, StationRecord

from .states import ORDER, OVERDUE, PLANNED, PROBLEM, REPORTED, local_name

CLOSED_INCIDENTS = (Incident.Status.CLOSED, Incident.Status.REJECTED)


@dataclass
class StationState:
    station_id: int
    code: str
    name: str
    region_code: str
    region_name: str
    latitude: float | None
    longitude: float | None
    timezone: str
    teams: list[str]
    due_at: dt.datetime
    state: str = PLANNED
    record_state: str = ""
    submissions: int = 0
    last_received_at: dt.datetime | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def due_local(self) -> dt.datetime:
        return self.due_at.astimezone(self.zone)

    @property
    def last_local(self) -> dt.datetime | None:
        return self.last_received_at.astimezone(self.zone) if self.last_received_at else None

    def to_feature(self) -> dict[str, Any]:
        """A GeoJSON feature for the map (no geometry when the station has no coordinates)."""
        geometry = None
        if self.latitude is not None and self.longitude is not None:
            geometry = {"type": "Point", "coordinates": [self.longitude, self.latitude]}
        last = self.last_local
        return {"type": "Feature", "geometry": geometry, "properties": {
            "id": self.station_id, "code": self.code, "name": self.name, "region": self.region_name,
            "state": self.state, "teams": self.teams, "due_local": self.due_local.strftime("%H:%M"),
            "last_local": last.strftime("%H:%M") if last else "", "reasons": self.reasons}}


@dataclass
class RegionCount:
    code: str
    name: str
    counts: Counter = field(default_factory=Counter)
    #: (south, west, north, east) of its placed stations, None when none has coordinates
    extent: tuple[float, float, float, float] | None = None
    _sums: tuple[float, float, int] = (0.0, 0.0, 0)

    def place(self, latitude: float | None, longitude: float | None) -> None:
        if latitude is None or longitude is None:
            return
        lat, lon, n = self._sums
        self._sums = (lat + latitude, lon + longitude, n + 1)
        e = self.extent or (latitude, longitude, latitude, longitude)
        self.extent = (min(e[0], latitude), min(e[1], longitude), max(e[2], latitude), max(e[3], longitude))

    @property
    def centre(self) -> tuple[float, float] | None:
        """The mean position of its placed stations (where the map puts a region without a
        boundary)."""
        lat, lon, n = self._sums
        return (round(lat / n, 4), round(lon / n, 4)) if n else None

    @property
    def problem_share(self) -> float:
        return self.count(PROBLEM) / self.total if self.total else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "total": self.total,
                **{state: self.count(state) for state in ORDER},
                "reported_share": round(self.reported_share, 4),
                "problem_share": round(self.problem_share, 4),
                "centre": self.centre, "extent": self.extent}

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, state: str) -> int:
        return self.counts.get(state, 0)

    @property
    def reported_share(self) -> float:
        done = self.count(REPORTED) + self.count(PROBLEM)
        return done / self.total if self.total else 0.0


@dataclass
class Coverage:
    phase: str
    now: dt.datetime
    stations: list[StationState]
    regions: list[RegionCount]
    totals: Counter

    def count(self, state: str) -> int:
        return self.totals.get(state, 0)

    @property
    def total(self) -> int:
        return len(self.stations)


def _assigned_stations(mission: Mission, phase: str) -> dict[int, StationState]:
    rows = (Assignment.objects.filter(team__mission=mission, phase=phase)
            .values_list("station_id", "report_due_at", "team__code", "station__code", "station__name",
                         "station__latitude", "station__longitude", "station__timezone",
                         "station__region__code", "station__region__name",
                         "station__region__translations")
            .order_by("station__code", "team__code"))
    stations: dict[int, StationState] = {}
    for (pk, due, team, code, name, lat, lon, zone, region, region_name, names) in rows:
        item = stations.get(pk)
        if item is None:
            stations[pk] = StationState(
                pk, code, name, region or "", local_name(region_name or "", names),
                float(lat) if lat is not None else None, float(lon) if lon is not None else None,
                zone, [team], due)
        else:
            item.teams.append(team)
            item.due_at = min(item.due_at, due)
    return stations


def _open_incidents(mission: Mission, phase: str,
                    stations: dict[int, StationState]) -> dict[int, list[str]]:
    rows = (Incident.objects.filter(mission=mission, station__isnull=False)
            .exclude(status__in=CLOSED_INCIDENTS)
            .values_list("station_id", "reported_at", "severity", "category",
                         "station__opens_at", "station__closes_at"))
    found: dict[int, list[str]] = {}
    for station_id, reported_at, severity, category, opens_at, closes_at in rows:
        station = stations.get(station_id)
        if station is None or phase_at(mission, station.zone, opens_at, closes_at,
                                       reported_at) != phase:
            continue
        found.setdefault(station_id, []).append(
            _("open %(severity)s incident (%(category)s)") % {
                "severity": Incident.Severity(severity).label.lower(), "category": category})
    return found


def _classify(station: StationState, record: dict[str, Any] | None, incidents: list[str],
              now: dt.datetime) -> None:
    reported = bool(record and record["submission_count"])
    if record:
        station.record_state = record["state"]
        station.submissions = record["submission_count"]
        station.last_received_at = record["last_received_at"]
    if reported and record["has_problem"]:
        station.reasons.append(_("negative assessment or flag"))
    if reported and record["state"] == StationRecord.State.CONFLICT:
        station.reasons.append(_("reports disagree"))
    station.reasons.extend(incidents)
    if station.reasons:
        station.state = PROBLEM
    elif reported:
        station.state = REPORTED
    elif now > station.due_at:
        station.state = OVERDUE
    else:
        station.state = PLANNED


def coverage(mission: Mission, phase: str, now: dt.datetime, *, region: str = "",
             state: str = "") -> Coverage:
    """The assigned stations of ``phase`` with their state at ``now``; ``region`` (area code)
    and ``state`` narrow the station list (the region counts always cover every region)."""
    if phase not in Phase.values:
        raise ValueError(f"{phase!r} is not a phase (opening, voting, closing)")
    stations = _assigned_stations(mission, phase)
    records = {row["station_id"]: row for row in StationRecord.objects.filter(
        mission=mission, form__kind=phase).values(
        "station_id", "state", "has_problem", "submission_count", "last_received_at")}
    incidents = _open_incidents(mission, phase, stations)
    regions: dict[str, RegionCount] = {}
    totals: Counter = Counter()
    for station in stations.values():
        _classify(station, records.get(station.station_id), incidents.get(station.station_id, []), now)
        totals[station.state] += 1
        counted = regions.setdefault(station.region_code,
                                     RegionCount(station.region_code, station.region_name))
        counted.counts[station.state] += 1
        counted.place(station.latitude, station.longitude)
    shown = [s for s in stations.values()
             if (not region or s.region_code == region) and (not state or s.state == state)]
    shown.sort(key=lambda s: (ORDER.index(s.state), s.due_at, s.code))
    return Coverage(phase, now, shown, sorted(regions.values(), key=lambda r: r.name), totals)


def coverage_geojson(result: Coverage) -> dict[str, Any]:
    """The map's data: the shown stations as GeoJSON features, and every region's figures
    (no query beyond ``coverage``'s three)."""
    features = [s.to_feature() for s in result.stations]
    return {"type": "FeatureCollection", "features": features,
            "totals": {s: result.count(s) for s in ORDER}, "phase": result.phase,
            "at": result.now.isoformat(), "regions": [r.to_json() for r in result.regions]}


def map_shapes(mission: Mission) -> dict[str, Any]:
    """What the map draws under the stations, sent once with the page (one query): the
    country's boundary and each region's (null when it has none; the map then shows the
    region as a circle at its stations, see ``RegionCount.centre``)."""
    country = None
    regions = []
    rows = (Area.objects.filter(election_id=mission.election_id, depth__lte=1)
            .exclude(level=Area.Level.ABROAD)  # stations abroad have no place on this map
            .values_list("code", "name", "translations", "boundary", "depth").order_by("path"))
    for code, name, names, boundary, depth in rows:
        if depth == 0:
            country = country or boundary
        else:
            regions.append({"code": code, "name": local_name(name, names), "boundary": boundary})
    return {"country": country, "regions": regions}


COVERAGE_HEADER = ["station", "name", "region", "phase", "state", "teams", "due_local", "due_utc",
                   "last_report_local", "submissions", "record_state", "reasons", "timezone"]


def coverage_table(mission: Mission, result: Coverage) -> Table:
    """The coverage as an export table (CSV, XLSX, GeoJSON), every station shown."""

    def rows():
        for s in result.stations:
            last = s.last_local
            point = (s.longitude, s.latitude) if s.latitude is not None and s.longitude is not None else None
            yield [s.code, s.name, s.region_name, result.phase, s.state, " ".join(s.teams),
                   s.due_local.isoformat(), s.due_at.isoformat(), last.isoformat() if last else "",
                   s.submissions, s.record_state, "; ".join(s.reasons), s.timezone], point

    return Table(f"{mission.code}-coverage-{result.phase}", COVERAGE_HEADER, rows())
