"""The analyst's quick count page: sample arrival by stratum, estimates with margins, seats
with their range, and the official result beside them when it is loaded.

The estimates are the results app's (:func:`pollwatch.results.verification.quick_count_check`
and :func:`~pollwatch.results.verification.quick_count_by_region`, which call
:func:`pollwatch.analysis.quick_count`), kept by :mod:`pollwatch.results.computed` until a
protocol or an official batch arrives; this module lays them out for the page.

Sample arrival: the sample is the stations of the mission's closing-and-counting assignments
(where observers copy the protocol); a stratum is a region. For each region: stations in the
frame, stations drawn, protocols arrived from drawn stations, and protocols from stations
outside the sample (counted by the estimate, but worth knowing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from pollwatch.elections.models import Area, Contest, PollingStation
from pollwatch.missions.models import Assignment, Mission, Phase
from pollwatch.results import computed as kept
from pollwatch.results.computed import Computed
from pollwatch.results.observed import observed_protocols
from pollwatch.results.verification import choice_names

from .states import local_name

PROPORTIONAL_KINDS = (Contest.Kind.PARTY_LIST, Contest.Kind.COUNCIL, Contest.Kind.REFERENDUM,
                      Contest.Kind.PRESIDENTIAL)


def contests_of(mission: Mission) -> list[Contest]:
    """Contests a quick count makes sense for (one ballot for every station), list first."""
    return list(Contest.objects.filter(election_id=mission.election_id, kind__in=PROPORTIONAL_KINDS)
                .order_by("ballot_order", "code"))


@dataclass
class Estimates:
    """The page's quick counts of one contest, national and by region, as kept."""

    contest: Contest
    computed: Computed  # the national check, with when it was computed and whether it is stale
    regions: list[Any]  # each region's QuickCountCheck
    names: dict[str, str]  # the choices' names by code

    @property
    def check(self) -> Any:
        return self.computed.value

    def rows(self) -> list[dict[str, Any]]:
        return self.check.rows(self.contest, self.names) if self.check.result else []

    def region_rows(self) -> list[tuple[Any, list[dict[str, Any]]]]:
        return [(region, region.rows(self.contest, self.names)) for region in self.regions]


def estimates(mission: Mission, contest: Contest) -> Estimates:
    """The kept national and regional quick counts (one reading of what they depend on)."""
    version = kept.quick_count_version(mission, contest)
    return Estimates(contest, kept.cached_quick_count(mission, contest, version=version),
                     kept.cached_quick_count_by_region(mission, contest, version=version).value,
                     choice_names(contest))


@dataclass
class StratumArrival:
    code: str
    name: str
    frame: int
    drawn: int
    arrived: int
    outside: int

    @property
    def share(self) -> float | None:
        return self.arrived / self.drawn if self.drawn else None


def sample_arrival(mission: Mission, contest: Contest, regions: list[Area] | None = None
                   ) -> list[StratumArrival]:
    """Per region: frame, drawn (closing assignments), protocols arrived from drawn stations and
    from stations outside the sample. Four aggregate queries."""
    frame = dict(PollingStation.objects.filter(election_id=mission.election_id)
                 .values_list("region_id").annotate(n=Count("id")).order_by())
    drawn_ids = set(Assignment.objects.filter(team__mission=mission, phase=Phase.CLOSING)
                    .values_list("station_id", flat=True))
    arrived_rows = set(observed_protocols(mission, contest).order_by()
                       .values_list("station_id", "station__region_id"))
    drawn_by_region = dict(Assignment.objects.filter(team__mission=mission, phase=Phase.CLOSING)
                           .values_list("station__region_id")
                           .annotate(n=Count("station_id", distinct=True)).order_by())
    arrived: dict[int | None, int] = {}
    outside: dict[int | None, int] = {}
    for station_id, region_id in arrived_rows:
        target = arrived if station_id in drawn_ids else outside
        target[region_id] = target.get(region_id, 0) + 1
    by_pk = {a.pk: a for a in (regions if regions is not None else regions_of(mission))}
    rows = []
    for region_id, count in frame.items():
        area = by_pk.get(region_id)
        rows.append(StratumArrival(area.code if area else "", local_name(area.name, area.translations)
                                   if area else "–", count, drawn_by_region.get(region_id, 0),
                                   arrived.get(region_id, 0), outside.get(region_id, 0)))
    return sorted(rows, key=lambda r: r.name)


def regions_of(mission: Mission) -> list[Area]:
    """The election's regions (the strata, and the regional quick counts)."""
    return list(Area.objects.filter(election_id=mission.election_id, depth=1))


def region_names(regions: list[Area]) -> dict[str, str]:
    """The regions' names in the page's language, by code (a kept check holds the names in
    the language of whoever opened the page first)."""
    return {a.code: local_name(a.name, a.translations) for a in regions}


def chart_data(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What the chart draws (from ``QuickCountCheck.rows``): per choice the estimate, its
    interval and the official share, in per cent."""
    choices = [r for r in rows if r["choice"] not in ("turnout", "invalid")]
    return {
        "labels": [r["name"] for r in choices],
        "estimate": [round(100 * r["estimate"], 2) for r in choices],
        "interval": [[round(100 * r["low"], 2), round(100 * r["high"], 2)] for r in choices],
        "official": [None if r["official"] is None else round(100 * r["official"], 2) for r in choices],
    }


REGIONS_HEADER = ["scope", "choice", "estimate", "moe", "low", "high", "official", "inside", "z",
                  "seats", "seats_low", "seats_high", "official_seats"]


def by_region_table(mission: Mission, found: Estimates) -> Any:
    """The national quick count and each region's, the country first, one row per choice,
    turnout and invalid ballots of each."""
    from pollwatch.submissions.exports import Table

    contest = found.contest

    def lines():
        for check in [found.check, *found.regions]:
            for r in check.rows(contest, found.names):
                yield [check.scope or "national", *["" if r[k] is None else r[k]
                                                    for k in REGIONS_HEADER[1:]]], None

    return Table(f"{mission.code}-quick-count-{contest.code}-regions", REGIONS_HEADER, lines())


QUICK_COUNT_HEADER = ["contest", "choice", "name", "estimate", "moe", "low", "high", "official", "inside",
                      "z", "seats", "seats_low", "seats_high", "official_seats"]


def quick_count_table(mission: Mission, contest: Contest, check: Any, rows: list[dict[str, Any]]) -> Any:
    from pollwatch.submissions.exports import Table

    def lines():
        for r in rows:
            yield [contest.code, r["choice"], r["name"]] + [
                "" if r[k] is None else r[k] for k in QUICK_COUNT_HEADER[3:]], None

    return Table(f"{mission.code}-quick-count-{contest.code}", QUICK_COUNT_HEADER, lines())
