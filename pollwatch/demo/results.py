"""The demo's official results: a preliminary result of the Majilis party list, station by
station, whose national totals are the CEC's final list result of 2023 exactly, with a few
seeded discrepancies at stations the mission observed (a step of the build).

Synthetic: every station's figures. Real: the national votes of each party and "against all"
(``kazakhstan.PARTIES``, ``AGAINST_ALL``, ``VOTES_CAST``) and the seats announced. Invalid
ballots are synthetic (about 1 %) and come on top of the votes cast, which in the CEC's figures
are the valid votes including "against all".

The step runs after the election-day reports (:mod:`pollwatch.demo.reports`): stations with an
observed protocol get the observers' figures as their official ones, except a few where votes
were moved to the leader (the seeded discrepancies), and the other stations share what is left
of the national totals. The figures go in as the CEC's CSV file, through the same import a
coordinator uses.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import numpy as np

from pollwatch.elections.models import PollingStation
from pollwatch.results.models import FIGURES
from pollwatch.results.observed import observed_by_station
from pollwatch.results.services import announce_seats, import_results
from pollwatch.submissions.models import ObservedProtocol

from . import kazakhstan as kz
from .context import ACTOR, Demo
from .election import split_integer

SEED = 20230320
CONTEST = "majilis-list"
SEEDED = 5
#: Turnout (ballots / registered) by region code, where the methodology gives it; others drawn.
TURNOUT = {"75": 0.258, "43": 0.672}


def national_votes() -> dict[str, int]:
    votes = {code: votes for code, _en, _ru, _kk, votes, _seats in kz.PARTIES}
    votes[kz.AGAINST_ALL[0]] = kz.AGAINST_ALL[4]
    return votes


def integer_table(real: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Whole numbers close to ``real`` whose row and column sums are exactly ``rows`` and
    ``cols`` (iterative proportional fitting, then rounding that keeps both margins)."""
    table = np.maximum(real.astype(float), 1e-9)
    for _ in range(100):
        table *= (rows / table.sum(axis=1))[:, None]
        table *= (cols / table.sum(axis=0))[None, :]
    whole = np.floor(table).astype(np.int64)
    need_rows = rows - whole.sum(axis=1)
    need_cols = cols - whole.sum(axis=0)
    order = np.argsort(-(table - whole), axis=None, kind="stable")
    for flat in order:
        i, j = divmod(int(flat), table.shape[1])
        if need_rows[i] > 0 and need_cols[j] > 0:
            whole[i, j] += 1
            need_rows[i] -= 1
            need_cols[j] -= 1
    for i in np.flatnonzero(need_rows > 0):   # what rounding could not place (rare)
        for j in np.flatnonzero(need_cols > 0):
            step = min(need_rows[i], need_cols[j])
            whole[i, j] += step
            need_rows[i] -= step
            need_cols[j] -= step
    assert (whole.sum(axis=1) == rows).all() and (whole.sum(axis=0) == cols).all()
    return whole


def _synthetic(stations: list[tuple], choices: list[str], totals: dict[str, int],
               rng: np.random.Generator) -> dict[int, dict[str, Any]]:
    """Figures and votes for ``stations`` (pk, code, region, registered) whose votes add up to
    ``totals`` per choice."""
    if not stations:
        return {}
    registered = np.array([s[3] for s in stations], dtype=float)
    regions = [s[2] or "" for s in stations]
    region_turnout = {r: TURNOUT.get(r, rng.uniform(0.45, 0.66)) for r in sorted(set(regions))}
    turnout = np.array([region_turnout[r] for r in regions]) * rng.lognormal(0, 0.12, len(stations))
    valid_total = sum(totals.values())
    for _ in range(3):   # keep every station under 92 % turnout while matching the total
        turnout = np.clip(turnout * valid_total / (registered * turnout).sum(), 0.05, 0.92)
    valid = split_integer(valid_total, np.maximum(registered * turnout, 1e-6))
    shares = np.array([totals[c] for c in choices], dtype=float) / valid_total
    bias = {r: rng.lognormal(0, 0.25, len(choices)) for r in sorted(set(regions))}
    real = (valid[:, None] * shares[None, :] * np.array([bias[r] for r in regions])
            * rng.lognormal(0, 0.15, (len(stations), len(choices))))
    votes = integer_table(real, valid, np.array([totals[c] for c in choices], dtype=np.int64))
    invalid = np.minimum(np.round(valid * rng.uniform(0.004, 0.016, len(stations))).astype(np.int64),
                         np.maximum(registered.astype(np.int64) - valid, 0))
    out = {}
    for i, (pk, _code, _region, reg) in enumerate(stations):
        ballots = int(valid[i] + invalid[i])
        received = int(np.ceil(reg / 50) * 50) + 50
        out[pk] = {"figures": {"registered": int(reg), "received": received, "issued": ballots,
                               "cancelled": received - ballots, "ballots": ballots,
                               "valid": int(valid[i]), "invalid": int(invalid[i])},
                   "votes": {c: int(votes[i, j]) for j, c in enumerate(choices)}}
    return out

def _official_for_observed(protocol: ObservedProtocol, registered: int, choices: list[str]) -> dict:
    figures = {k: v for k, v in protocol.figures.items() if k in FIGURES}
    figures.setdefault("registered", registered)
    return {"figures": figures, "votes": {c: int(protocol.votes.get(c, 0)) for c in choices}}


def _move_votes(row: dict, leader: str, amount: int, rng: np.random.Generator) -> int:
    """Take ``amount`` votes from the other choices (in proportion) and give them to ``leader``;
    returns how many were moved."""
    others = [c for c in row["votes"] if c != leader and row["votes"][c] > 0]
    pool = sum(row["votes"][c] for c in others)
    amount = min(amount, pool)
    if not amount:
        return 0
    taken = split_integer(amount, np.array([row["votes"][c] for c in others], dtype=float))
    for c, n in zip(others, taken, strict=True):
        row["votes"][c] -= int(n)
    row["votes"][leader] += amount
    return amount


def _csv(stations: list[tuple], rows: dict[int, dict], choices: list[str]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["station", *FIGURES, *choices])
    for pk, code, _region, _registered in stations:
        row = rows[pk]
        writer.writerow([code, *[row["figures"].get(f, "") for f in FIGURES],
                         *[row["votes"][c] for c in choices]])
    data = io.BytesIO(text.getvalue().encode())
    data.name = "cec-preliminary-2023-03-20.csv"
    return data


def add_official_results(demo: Demo) -> None:
    """Import the preliminary official result of the party list, with seeded discrepancies."""
    rng = np.random.default_rng(SEED)
    contest = demo.election.contests.get(code=CONTEST)
    choices = list(contest.choices.order_by("ballot_number").values_list("code", flat=True))
    totals = national_votes()
    stations = list(PollingStation.objects.filter(election=demo.election).order_by("code")
                    .values_list("pk", "code", "region__code", "registered_voters"))
    registered = {s[0]: s[3] for s in stations}
    observed = observed_by_station(demo.mission, contest)
    fixed = {pk: _official_for_observed(p, registered[pk], choices) for pk, p in observed.items()}
    seeded = []
    for pk in sorted(fixed, key=lambda k: -sum(fixed[k]["votes"].values()))[:SEEDED]:
        moved = _move_votes(fixed[pk], choices[0], int(rng.integers(40, 180)), rng)
        if moved:
            seeded.append((observed[pk].station.code, moved))
    left = {c: totals[c] - sum(row["votes"][c] for row in fixed.values()) for c in choices}
    rest = [s for s in stations if s[0] not in fixed]
    rows = {**_synthetic(rest, choices, left, rng), **fixed}
    report = import_results(demo.election, contest, _csv(stations, rows, choices), stage="preliminary",
                            actor=ACTOR, note="Demo: synthetic station figures; national totals are the "
                                              "CEC's final list result of 27 March 2023.")
    announce_seats(contest, {code: seats for code, *_rest, seats in kz.PARTIES},
                   source="CEC of Kazakhstan, final results of 27 March 2023", actor=ACTOR,
                   announced_on=dt.date(2023, 3, 27))
    where = ", ".join(f"{code} ({moved} votes)" for code, moved in seeded) or "none"
    demo.notes.append(f"Official results: preliminary batch of {report.created:,} stations "
                      f"(national totals = CEC final list result); seeded discrepancies at {where}; "
                      f"see /m/{demo.mission.code}/results/{CONTEST}/discrepancies/")
