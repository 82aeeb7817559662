"""Drawing a deployment: which polling stations each team observes on election day.

The plan is a random sample of stations, stratified by region, reproducible from its seed:

1. The teams are shared out among regions in proportion to their polling stations (largest
   remainder), so the sample mirrors the country. A team with a base region stays in it; the
   other teams fill the regions still short of their share.
2. In each region, ``stations_per_team`` stations per team are drawn at random without
   replacement, then ordered by area so that one team's stations lie near each other.
3. A team opens at its first station, visits all of them during voting, and stays for the
   closing and count at its last.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction

from pollwatch.accounts import audit
from pollwatch.elections.models import PollingStation
from pollwatch.elections.services import region_of_area

from .models import Mission, Phase, Team
from .services import assign


@dataclass
class TeamRoute:
    team: Team
    region_id: int
    stations: list[PollingStation]

    def phases(self) -> list[tuple[PollingStation, str]]:
        """(station, phase) pairs: opening at the first, voting at each, closing at the last."""
        pairs = [(self.stations[0], Phase.OPENING.value)]
        pairs += [(station, Phase.VOTING.value) for station in self.stations]
        pairs.append((self.stations[-1], Phase.CLOSING.value))
        return pairs


@dataclass
class DeploymentPlan:
    mission: Mission
    seed: int
    stations_per_team: int
    routes: list[TeamRoute] = field(default_factory=list)
    total_stations: int = 0
    total_registered: int = 0
    region_names: dict[int, str] = field(default_factory=dict)
    region_totals: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def stations(self) -> list[PollingStation]:
        return [station for route in self.routes for station in route.stations]

    @property
    def covered_stations(self) -> int:
        return len(self.stations)

    @property
    def covered_registered(self) -> int:
        return sum(station.registered_voters for station in self.stations)

    def station_share(self) -> float:
        return self.covered_stations / self.total_stations if self.total_stations else 0.0

    def voter_share(self) -> float:
        return self.covered_registered / self.total_registered if self.total_registered else 0.0

    def coverage_by_region(self) -> list[dict]:
        covered: dict[int, list[PollingStation]] = defaultdict(list)
        for route in self.routes:
            covered[route.region_id].extend(route.stations)
        rows = []
        for region_id, (stations, registered) in sorted(
            self.region_totals.items(), key=lambda item: self.region_names.get(item[0], "")
        ):
            mine = covered.get(region_id, [])
            rows.append({
                "region": self.region_names.get(region_id, "?"),
                "teams": sum(1 for route in self.routes if route.region_id == region_id),
                "stations": len(mine),
                "of_stations": stations,
                "registered": sum(s.registered_voters for s in mine),
                "of_registered": registered,
            })
        return rows


def largest_remainder(weights: dict[int, int], total: int) -> dict[int, int]:
    """Share ``total`` whole units among keys in proportion to ``weights`` (Hare quota)."""
    weight_sum = sum(weights.values())
    if weight_sum == 0 or total == 0:
        return dict.fromkeys(weights, 0)
    exact = {key: total * weight / weight_sum for key, weight in weights.items()}
    shares = {key: int(value) for key, value in exact.items()}
    left = total - sum(shares.values())
    by_remainder = sorted(exact, key=lambda key: (-(exact[key] - shares[key]), key))
    for key in by_remainder[:left]:
        shares[key] += 1
    return shares


def draw_deployment(mission: Mission, *, seed: int, stations_per_team: int = 6,
                    respect_base: bool = True, exclude_kinds: tuple[str, ...] = ("abroad",)
                    ) -> DeploymentPlan:
    """Draw a stratified random deployment of the mission's teams (see the module docstring)."""
    if stations_per_team < 1:
        raise ValueError("stations_per_team must be at least 1")
    rng = np.random.default_rng(seed)
    frame = list(
        PollingStation.objects.filter(election=mission.election, region__isnull=False)
        .exclude(kind__in=exclude_kinds)
        .select_related("region", "area").order_by("code")
    )
    by_region: dict[int, list[PollingStation]] = defaultdict(list)
    for station in frame:
        by_region[station.region_id].append(station)
    plan = DeploymentPlan(mission=mission, seed=seed, stations_per_team=stations_per_team,
                          total_stations=len(frame),
                          total_registered=sum(s.registered_voters for s in frame))
    plan.region_names = {rid: stations[0].region.name for rid, stations in by_region.items()}
    plan.region_totals = {rid: (len(st), sum(s.registered_voters for s in st))
                          for rid, st in by_region.items()}
    teams = list(mission.teams.select_related("base_area").order_by("code"))
    regions_of_teams = _place_teams(teams, by_region, respect_base)
    for region_id, region_teams in sorted(regions_of_teams.items()):
        stations = by_region[region_id]
        wanted = min(len(stations), stations_per_team * len(region_teams))
        picked = rng.choice(len(stations), size=wanted, replace=False)
        drawn = sorted((stations[i] for i in picked), key=lambda s: (s.area.path, s.code))
        chunks = np.array_split(np.arange(len(drawn)), len(region_teams))
        for team, chunk in zip(region_teams, chunks, strict=True):
            if len(chunk):
                plan.routes.append(TeamRoute(team, region_id, [drawn[i] for i in chunk]))
    plan.routes.sort(key=lambda route: route.team.code)
    return plan


def _place_teams(teams: list[Team], by_region: dict[int, list[PollingStation]],
                 respect_base: bool) -> dict[int, list[Team]]:
    quota = largest_remainder({rid: len(st) for rid, st in by_region.items()}, len(teams))
    placed: dict[int, list[Team]] = defaultdict(list)
    free: list[Team] = []
    for team in teams:
        region_id = _base_region_id(team) if respect_base else None
        if region_id in by_region:
            placed[region_id].append(team)
        else:
            free.append(team)
    used = Counter({rid: len(ts) for rid, ts in placed.items()})
    for team in free:
        short = sorted(by_region, key=lambda rid: (used[rid] - quota[rid],
                                                   -len(by_region[rid]), rid))
        region_id = short[0]
        placed[region_id].append(team)
        used[region_id] += 1
    return placed


def _base_region_id(team: Team) -> int | None:
    area = team.base_area
    if area is None:
        return None
    return region_of_area(area).pk


def apply_deployment(plan: DeploymentPlan, actor: audit.Actor) -> int:
    """Write the plan's assignments; returns how many (team, station, phase) pairs it holds."""
    count = 0
    with transaction.atomic():
        for route in plan.routes:
            for station, phase in route.phases():
                assign(route.team, station, phase, actor)
                count += 1
    audit.record(actor, "action", plan.mission, mission=plan.mission,
                 changes={"deployment": [None, {"seed": plan.seed, "assignments": count}]})
    return count
