"""A larger election for the analyst's pages: 60 more stations in the two regions with
official results drawn from a fixed seed (one of them stuffed), and observed protocols."""

from __future__ import annotations

import io

import numpy as np

from pollwatch.factories import StationFactory
from pollwatch.missions.services import assign
from pollwatch.results.services import import_results
from pollwatch.submissions.tests.observations import observe_protocol

HEADER = "station,registered,ballots,valid,invalid,amanat,auyl,respublica,against-all"
STUFFED = "71020"


def official_rows(world, extra: int = 60, seed: int = 7) -> dict[str, list[int]]:
    """Official figures per station code: registered, ballots, valid, invalid, votes x4."""
    rng = np.random.default_rng(seed)
    stations = [world.station_astana, world.station_west, world.station_unassigned]
    for i in range(extra):
        area = world.astana if i % 2 == 0 else world.west
        code = f"{71 if i % 2 == 0 else 27}{(i // 2) + 10:03d}"
        stations.append(StationFactory(area=area, code=code, registered_voters=int(rng.integers(900, 2500))))
    rows = {}
    for station in stations:
        registered = station.registered_voters
        turnout = 0.97 if station.code == STUFFED else float(rng.uniform(0.45, 0.65))
        ballots = int(round(registered * turnout))
        invalid = int(rng.integers(0, 15))
        valid = ballots - invalid
        shares = [0.96, 0.02, 0.01, 0.01] if station.code == STUFFED else rng.dirichlet([50, 12, 10, 5])
        votes = np.floor(np.array(shares) * valid).astype(int)
        votes[0] += valid - votes.sum()
        rows[station.code] = [registered, ballots, valid, invalid, *map(int, votes)]
    return rows


def import_official(world, rows: dict[str, list[int]]):
    text = "\n".join([HEADER] + [",".join([code, *map(str, values)]) for code, values in rows.items()])
    data = io.BytesIO((text + "\n").encode())
    data.name = "cec-preliminary.csv"
    return import_results(world.election, world.contest, data, stage="preliminary", actor="test")


def observe_like_official(world, rows: dict[str, list[int]], codes: list[str], *, change: dict | None = None):
    """Observed protocols at ``codes`` copying the official figures (``change``: code -> votes
    edits, to seed a discrepancy). Each station also gets a closing assignment (the sample)."""
    from pollwatch.elections.models import PollingStation

    stations = {s.code: s for s in PollingStation.objects.filter(election=world.election, code__in=codes)}
    for code in codes:
        station = stations[code]
        team = world.team_ipa if code.startswith("71") else world.team_ec
        assign(team, station, "closing", "test")
        registered, ballots, valid, invalid, *votes = rows[code]
        choice_votes = dict(zip(["amanat", "auyl", "respublica", "against-all"], votes, strict=True))
        choice_votes.update((change or {}).get(code, {}))
        observer = world.observer_oleg if code.startswith("71") else world.observer_olga
        observe_protocol(world.alpha, station, world.contest, observer,
                         {"registered": registered, "ballots": ballots, "valid": valid, "invalid": invalid},
                         choice_votes)
