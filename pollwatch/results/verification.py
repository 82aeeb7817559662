"""Checking the official results against what the mission saw, and against themselves.

1. :func:`station_discrepancies`: each observed protocol next to the official figures of its
   station; every difference with its size, the observers who saw it, and whether their
   protocol reconciled, sorted by the votes at stake.
2. :func:`quick_count_check`: the quick count from the observed protocols next to the official
   shares, nationally and by region, with the seats that follow from each.
3. :func:`seat_check`: the seats recomputed from the official votes against those announced.
4. :func:`forensics_check`: the forensic screens over the official station results, each
   flagged station with what the observers reported there.

The statistics are :mod:`pollwatch.analysis`; this module only gathers the data for it. The
pages read the quick count and forensics through :mod:`pollwatch.results.computed`, which keeps
them until the data changes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext, gettext_noop

from pollwatch.analysis import (
    InputError,
    SeatAllocation,
    StationFrame,
    StationResults,
    allocate_plurality,
    allocate_seats,
)
from pollwatch.analysis.forensics import ForensicsReport, forensics_report
from pollwatch.analysis.quickcount import QuickCountResult, quick_count
from pollwatch.elections.models import Area, Choice, Contest, PollingStation
from pollwatch.missions.models import Mission
from pollwatch.submissions.models import Incident, Submission

from . import services
from .models import FIGURES, ResultBatch, SeatAnnouncement
from .observed import observed_protocols

#: Seed of the quick count's seat simulation: the page shows the same ranges on every load.
SEED = 20230319
PLURALITY_METHODS = ("plurality", "majority")
NEGATIVE_ANSWERS = {"bad", "very_bad"}


# --- 1. station by station ----------------------------------------------------------------

@dataclass(frozen=True)
class LineDifference:
    line: str  # a figure (registered, ballots...) or "votes:<choice>"
    official: int
    observed: int

    @property
    def difference(self) -> int:
        """Observed minus official."""
        return self.observed - self.official

    @property
    def is_votes(self) -> bool:
        return self.line.startswith("votes:")


@dataclass
class Discrepancy:
    """One reading of a station's protocol by the mission's observers that differs from the
    official figures (or has no official figures to compare with)."""

    station: PollingStation
    official: dict[str, Any] | None
    figures: dict[str, int]
    votes: dict[str, int]
    differences: list[LineDifference]
    observers: list[str]
    submission_ids: list[int]
    reconciles: bool
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def votes_at_stake(self) -> int:
        """The sum of the absolute differences in the choices' votes (all the votes observed
        when the station has no official result)."""
        if self.official is None:
            return sum(self.votes.values())
        return sum(abs(d.difference) for d in self.differences if d.is_votes)

    @property
    def figures_at_stake(self) -> int:
        return sum(abs(d.difference) for d in self.differences if not d.is_votes)


@dataclass
class DiscrepancyReport:
    discrepancies: list[Discrepancy]
    compared: int  # stations with an observed protocol and an official result
    agreeing: int  # of those, stations where every reading matches
    without_official: int


def _differences(official: Mapping[str, Any], figures: Mapping[str, int],
                 votes: Mapping[str, int], choices: list[str]) -> list[LineDifference]:
    """Lines present on both sides that differ: figures in protocol order, then votes in
    ballot order."""
    out = [LineDifference(name, official["figures"][name], figures[name]) for name in FIGURES
           if name in figures and name in official["figures"]
           and figures[name] != official["figures"][name]]
    for code in sorted(votes, key=lambda c: (choices.index(c) if c in choices else len(choices), c)):
        if code in official["votes"] and official["votes"][code] != votes[code]:
            out.append(LineDifference(f"votes:{code}", official["votes"][code], votes[code]))
    return out


def _readings(protocols: list[Any]) -> list[list[Any]]:
    """Protocols of one station grouped by identical figures and votes."""
    groups: dict[str, list[Any]] = {}
    for protocol in protocols:
        key = json.dumps([protocol.figures, protocol.votes], sort_keys=True)
        groups.setdefault(key, []).append(protocol)
    return list(groups.values())


def _observer_name(protocol: Any) -> str:
    observer = protocol.submission.observer
    return observer.full_name if observer else protocol.submission.get_channel_display()


def station_discrepancies(mission: Mission, contest: Contest, *, batch: ResultBatch | None = None
                          ) -> DiscrepancyReport:
    """Every station where the mission's observers copied figures that differ from the official
    ones, the most votes at stake first."""
    by_station: dict[int, list[Any]] = {}
    for protocol in observed_protocols(mission, contest):
        by_station.setdefault(protocol.station_id, []).append(protocol)
    official = {row["station_id"]: row for row in
                services.current_rows(contest, batch=batch, station_ids=by_station)}
    choices = list(contest.choices.order_by("district__code", "ballot_number", "code")
                   .values_list("code", flat=True))
    found: list[Discrepancy] = []
    agreeing = without = 0
    for station_id, protocols in by_station.items():
        row = official.get(station_id)
        without += row is None
        station_agrees = row is not None
        for group in _readings(protocols):
            first = group[0]
            differences = _differences(row, first.figures, first.votes, choices) if row else []
            if row is not None and not differences:
                continue
            station_agrees = False
            found.append(Discrepancy(
                first.station, row, first.figures, first.votes, differences,
                sorted({_observer_name(p) for p in group}), [p.submission_id for p in group],
                all(p.reconciles for p in group), first.failures))
        agreeing += station_agrees
    found.sort(key=lambda d: (-d.votes_at_stake, -d.figures_at_stake, d.station.code))
    return DiscrepancyReport(found, len(by_station) - without, agreeing, without)


# --- shared: station tables for the analysis ----------------------------------------------

def _choice_codes(contest: Contest) -> list[str]:
    return list(contest.choices.filter(district__isnull=True)
                .order_by("ballot_number", "code").values_list("code", flat=True))


def _results_table(rows: list[dict[str, Any]], choices: list[str]) -> StationResults:
    """Station results for the analysis: valid votes are the sum of the choices' votes (so
    the shares add up to one), invalid ballots as given (0 if not), ballots as given or
    valid + invalid, registered as given or the station's registered voters."""
    votes = np.array([[int(row["votes"].get(c) or 0) for c in choices] for row in rows],
                     dtype=np.int64).reshape(len(rows), len(choices))
    valid = votes.sum(axis=1)
    invalid = np.array([int(row["figures"].get("invalid") or 0) for row in rows], dtype=np.int64)
    ballots = np.array([int(row["figures"].get("ballots") or 0) for row in rows], dtype=np.int64)
    ballots = np.where(ballots > 0, ballots, valid + invalid)
    registered = np.array([int(row["figures"].get("registered") or row.get("registered_voters") or 0)
                           for row in rows], dtype=np.int64)
    return StationResults(np.array([row["station"] for row in rows], dtype=str), ballots, valid,
                          invalid, votes, tuple(choices), registered,
                          np.array([row.get("region") or "(none)" for row in rows], dtype=str))


def _observed_rows(mission: Mission, contest: Contest, station_ids: set[int] | None = None
                   ) -> list[dict[str, Any]]:
    from .observed import observed_by_station

    rows = []
    for station_id, protocol in sorted(observed_by_station(mission, contest).items()):
        if station_ids is not None and station_id not in station_ids:
            continue
        station = protocol.station
        rows.append({"station_id": station_id, "station": station.code,
                     "region": station.region.code if station.region_id else "",
                     "registered_voters": station.registered_voters,
                     "figures": protocol.figures, "votes": protocol.votes})
    return rows


# --- 2. quick count against the official result -------------------------------------------

@dataclass
class QuickCountCheck:
    """The quick count of one scope (the country or a region) next to the official result."""

    scope: str  # "" for the country, else the region's code
    scope_name: str
    result: QuickCountResult | None
    official_seats: SeatAllocation | None
    official_valid: int
    note: str = ""

    def rows(self, contest: Contest, names: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
        """One row per choice, then turnout and invalid ballots. ``names``: the choices' names
        by code, when the caller lists several scopes of the contest."""
        if self.result is None:
            return []
        names = {**(names if names is not None else choice_names(contest)),
                 "turnout": gettext("Turnout"), "invalid": gettext("Invalid ballots")}
        out = []
        for label in (*self.result.choices, "turnout", "invalid"):
            estimate = self.result.estimates[label]
            official = (self.result.official or {}).get(label)
            seats = self.result.seats.seats.get(label) if self.result.seats else None
            out.append({
                "choice": label, "name": names.get(label, label), "estimate": estimate.estimate,
                "moe": estimate.moe, "low": estimate.low, "high": estimate.high,
                "official": official.share if official else None,
                "inside": official.inside if official else None, "z": official.z if official else None,
                "seats": seats.seats if seats else None,
                "seats_low": seats.low if seats else None, "seats_high": seats.high if seats else None,
                "official_seats": (self.official_seats.seats.get(label)
                                   if self.official_seats else None),
            })
        return out


@dataclass
class _QuickCountData:
    """What every scope's quick count reads, loaded once: the frame, the observed protocols
    (one per station) and the official result."""

    frame: list[tuple[str, str, int]]
    observed: list[dict[str, Any]]
    official: list[dict[str, Any]]

    @classmethod
    def load(cls, mission: Mission, contest: Contest, batch: ResultBatch | None) -> _QuickCountData:
        frame = [(code, region or "(none)", registered) for code, region, registered in
                 PollingStation.objects.filter(election=contest.election)
                 .values_list("code", "region__code", "registered_voters")]
        return cls(frame, _observed_rows(mission, contest), services.current_rows(contest, batch=batch))

    def scope(self, region: str | None) -> _QuickCountData:
        if not region:
            return self
        return _QuickCountData([f for f in self.frame if f[1] == region],
                               [r for r in self.observed if r["region"] == region],
                               [r for r in self.official if r["region"] == region])

    def station_frame(self) -> StationFrame:
        if not self.frame:
            raise InputError(gettext_noop("no polling stations in this scope"))
        return StationFrame(np.array([f[0] for f in self.frame], dtype=str),
                            np.array([f[1] for f in self.frame], dtype=str),
                            np.array([f[2] for f in self.frame], dtype=np.int64))


def _is_proportional(contest: Contest) -> bool:
    return contest.method not in PLURALITY_METHODS and not contest.has_districts


def _quick_count(contest: Contest, data: _QuickCountData, region: str | None, scope_name: str
                 ) -> QuickCountCheck:
    choices = _choice_codes(contest)
    proportional = _is_proportional(contest) and not region
    system = contest.electoral_system()
    try:
        if not data.observed:
            raise InputError(gettext_noop("no observed protocols in this scope yet"))
        result = quick_count(
            data.station_frame(), _results_table(data.observed, choices),
            official=_results_table(data.official, choices) if data.official else None,
            seats=system["seats"] if proportional else None, method=system["method"],
            threshold=system["threshold"], threshold_base=system["threshold_base"], seed=SEED)
    except (InputError, ValueError) as exc:
        return QuickCountCheck(region or "", scope_name, None, None, 0, str(exc))
    official_seats = None
    if proportional and data.official:
        official_seats = _allocate(contest, _sum_votes(data.official),
                                   sum(int(r["figures"].get("invalid") or 0) for r in data.official))
    valid = sum(sum(r["votes"].values()) for r in data.official)
    return QuickCountCheck(region or "", scope_name, result, official_seats, valid, "; ".join(result.notes))


def quick_count_check(mission: Mission, contest: Contest, *, region: str | None = None,
                      batch: ResultBatch | None = None) -> QuickCountCheck:
    """The quick count of the mission's observed protocols against the official result.

    The sample is every station with an observed protocol (pollwatch keeps no separate list
    of sampled stations), stratified by region; the frame is every polling station of the
    election (of the region, for a regional check). Seats follow nationally for
    proportional contests, with the contest's electoral system.
    """
    data = _QuickCountData.load(mission, contest, batch).scope(region)
    name = (Area.objects.filter(election=contest.election, code=region).values_list("name", flat=True).first()
            or region) if region else contest.election.local_name
    return _quick_count(contest, data, region, name)


def quick_count_by_region(mission: Mission, contest: Contest, *, batch: ResultBatch | None = None,
                          data: _QuickCountData | None = None) -> list[QuickCountCheck]:
    """The quick count of each region (area at depth 1), the data read once."""
    data = data or _QuickCountData.load(mission, contest, batch)
    return [_quick_count(contest, data.scope(area.code), area.code, area.local_name)
            for area in Area.objects.filter(election=contest.election, depth=1).order_by("code")]


def quick_count_all(mission: Mission, contest: Contest, *, batch: ResultBatch | None = None
                    ) -> tuple[QuickCountCheck, list[QuickCountCheck]]:
    """The national quick count and each region's, from one reading of the data."""
    data = _QuickCountData.load(mission, contest, batch)
    national = _quick_count(contest, data, None, contest.election.local_name)
    return national, quick_count_by_region(mission, contest, data=data)


# --- 3. seats -----------------------------------------------------------------------------

def _sum_votes(rows: list[dict[str, Any]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in rows:
        for code, value in row["votes"].items():
            totals[code] = totals.get(code, 0) + int(value or 0)
    return totals


def _against_all(contest: Contest) -> set[str]:
    return set(contest.choices.filter(kind=Choice.Kind.AGAINST_ALL).values_list("code", flat=True))


def _allocate(contest: Contest, votes: Mapping[str, int], invalid: int = 0) -> SeatAllocation:
    system = contest.electoral_system()
    against = _against_all(contest)
    return allocate_seats({c: v for c, v in votes.items() if c not in against}, system["seats"],
                          system["method"], threshold=system["threshold"],
                          threshold_base=system["threshold_base"],
                          against_all=sum(v for c, v in votes.items() if c in against), invalid=invalid)


@dataclass
class SeatCheck:
    contest: Contest
    votes: dict[str, int]
    seats: dict[str, int]
    announcement: SeatAnnouncement | None
    allocation: Any  # SeatAllocation, or a dict of district results
    notes: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool | None:
        """True when every announced seat count equals the recomputed one (None if none announced)."""
        if self.announcement is None:
            return None
        codes = set(self.seats) | set(self.announcement.seats)
        return all(self.seats.get(c, 0) == self.announcement.seats.get(c, 0) for c in codes)

    def rows(self) -> list[dict[str, Any]]:
        announced = self.announcement.seats if self.announcement else {}
        base = getattr(self.allocation, "base_votes", 0) or sum(self.votes.values())
        qualified = set(getattr(self.allocation, "qualified", ()))
        out = []
        for choice in self.contest.choices.order_by("district__code", "ballot_number", "code"):
            votes = self.votes.get(choice.code, 0)
            seats = None if choice.is_against_all else self.seats.get(choice.code, 0)
            out.append({"choice": choice.code, "name": choice.local_name, "votes": votes,
                        "share": votes / base if base else None,
                        "qualified": choice.code in qualified if qualified else None,
                        "seats": seats, "announced": announced.get(choice.code),
                        "difference": (None if seats is None or choice.code not in announced
                                       else seats - announced[choice.code])})
        return out


def seats_from_totals(contest: Contest, votes: Mapping[str, int], *, invalid: int = 0) -> SeatAllocation:
    """The seats a proportional contest's electoral system gives for national vote totals."""
    return _allocate(contest, votes, invalid)


def seat_check(contest: Contest, *, batch: ResultBatch | None = None) -> SeatCheck:
    """The seats recomputed from the official votes (the current result, or one batch) with
    the contest's electoral system, against the latest announcement."""
    announcement = contest.seat_announcements.order_by("-recorded_at", "-id").first()
    notes: list[str] = []
    if contest.has_districts or contest.method in PLURALITY_METHODS:
        rows = services.current_rows(contest, batch=batch)
        if not rows:
            return SeatCheck(contest, {}, {}, announcement, None,
                             [gettext("no official results imported yet")])
        seats, allocation = _district_seats(contest, rows, notes)
        return SeatCheck(contest, _sum_votes(rows), seats, announcement, allocation, notes)
    totals = services.current_totals(contest, batch=batch)
    if totals is None:
        return SeatCheck(contest, {}, {}, announcement, None, [gettext("no official results imported yet")])
    votes = dict(totals["votes"])
    allocation = _allocate(contest, votes, int(totals["figures"].get("invalid") or 0))
    notes.extend(allocation.notes)
    return SeatCheck(contest, votes, dict(allocation.seats), announcement, allocation, notes)


def _district_seats(contest: Contest, rows: list[dict[str, Any]], notes: list[str]
                    ) -> tuple[dict[str, int], Any]:
    districts = {d.pk: d for d in contest.districts.all()}
    by_district: dict[str, dict[str, int]] = {}
    for row in rows:
        district = districts.get(row["district_id"])
        key = district.code if district else "(none)"
        target = by_district.setdefault(key, {})
        for code, value in row["votes"].items():
            target[code] = target.get(code, 0) + int(value or 0)
    against = _against_all(contest)
    seats: dict[str, int] = {}
    if contest.method in PLURALITY_METHODS:
        if contest.method == "majority":
            notes.append(gettext("absolute majority: the leader of each district is shown; run-offs are not "
                                 "modelled"))
        result = allocate_plurality({d: {c: v for c, v in votes.items() if c not in against}
                                     for d, votes in by_district.items()})
        return {c: n for c, n in result.seats.items() if n}, result
    system = contest.electoral_system()
    by_code = {d.code: d for d in districts.values()}
    results = {}
    for code, votes in by_district.items():
        district = by_code.get(code)
        if district is None or not district.seats:
            notes.append(gettext("district %(code)s: no seats defined, skipped") % {"code": code})
            continue
        results[code] = allocate_seats(
            {c: v for c, v in votes.items() if c not in against}, district.seats, system["method"],
            threshold=system["threshold"], threshold_base=system["threshold_base"],
            against_all=sum(v for c, v in votes.items() if c in against))
        for choice, n in results[code].seats.items():
            seats[choice] = seats.get(choice, 0) + n
    return seats, results


def choice_names(contest: Contest) -> dict[str, str]:
    """The contest's choices (parties, candidates) by code, named in the page's language."""
    return {choice.code: choice.local_name for choice in contest.choices.all()}


# --- 4. forensics -------------------------------------------------------------------------

@dataclass
class FlaggedStation:
    station: PollingStation
    score: float
    turnout: float
    leader_share: float
    reasons: tuple[str, ...]
    reports: int
    negative: int
    incidents: int
    observed_differs: bool | None  # None: no observed protocol
    #: The reasons as codes with their values (pollwatch.results.reasons writes them per language).
    reason_codes: tuple[tuple[str, dict[str, Any]], ...] = ()


@dataclass
class ForensicsCheck:
    report: ForensicsReport | None
    flagged: list[FlaggedStation]
    note: str = ""


def forensics_check(mission: Mission, contest: Contest, *, batch: ResultBatch | None = None,
                    limit: int = 200, report: ForensicsReport | None = None) -> ForensicsCheck:
    """The forensic screens of :func:`pollwatch.analysis.forensics_report` over the official
    station results, and, for each flagged station, what the mission's observers reported there:
    their reports, how many assessed something negatively, incidents, and whether their copy of
    the protocol differs from the official one.

    ``report``: the screens already computed over the same batches (see
    :func:`pollwatch.results.computed.cached_forensics`), so that only the observers' side is
    read again."""
    batches = [batch] if batch is not None else services.batches_by_precedence(contest)
    if not batches:
        # Kept in English (the check is cached for every language); pages translate it.
        return ForensicsCheck(None, [], gettext_noop("no official results imported yet"))
    if report is None:
        try:
            report = forensics_report(_results_table(services.current_rows(contest, batch=batch),
                                                     _choice_codes(contest)), seed=SEED)
        except (InputError, ValueError) as exc:
            return ForensicsCheck(None, [], str(exc))
    outliers = list(report.outliers)[:limit]
    stations = {s.code: s for s in PollingStation.objects.filter(
        election=contest.election, code__in=[o.station for o in outliers]).select_related("region")}
    observed = _observers_at(mission, contest, [s.pk for s in stations.values()])
    flagged = []
    for outlier in outliers:
        station = stations.get(outlier.station)
        if station is None:
            continue
        seen = observed.get(station.pk, {})
        flagged.append(FlaggedStation(station, outlier.score, outlier.turnout, outlier.leader_share,
                                      outlier.reasons, seen.get("reports", 0), seen.get("negative", 0),
                                      seen.get("incidents", 0), seen.get("differs"),
                                      tuple(getattr(outlier, "reason_codes", ()))))
    return ForensicsCheck(report, flagged, "; ".join(report.notes))


def _observers_at(mission: Mission, contest: Contest, station_ids: list[int]) -> dict[int, dict[str, Any]]:
    seen: dict[int, dict[str, Any]] = {}
    for station_id, answers in (Submission.objects.filter(mission=mission, station_id__in=station_ids,
                                                          is_current=True, is_test=False)
                                .values_list("station_id", "answers")):
        entry = seen.setdefault(station_id, {"reports": 0, "negative": 0, "incidents": 0})
        entry["reports"] += 1
        values = {str(v) for v in (answers or {}).values() if isinstance(v, str)}
        entry["negative"] += bool(values & NEGATIVE_ANSWERS)
    for station_id in Incident.objects.filter(mission=mission, station_id__in=station_ids).values_list(
            "station_id", flat=True):
        seen.setdefault(station_id, {"reports": 0, "negative": 0, "incidents": 0})["incidents"] += 1
    report = station_discrepancies(mission, contest)
    differing = {d.station.pk for d in report.discrepancies}
    for protocol_station in observed_protocols(mission, contest).filter(
            station_id__in=station_ids).values_list("station_id", flat=True):
        seen.setdefault(protocol_station, {"reports": 0, "negative": 0, "incidents": 0})[
            "differs"] = protocol_station in differing
    return seen
