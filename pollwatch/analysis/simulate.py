"""Simulated elections with a known truth, for checking the methods (and for demos).

The model is deliberately plain: regions differ in turnout and support, stations differ
around their region (over-dispersion on the logit scale), and each station's counts are
binomial and multinomial draws. Ballot stuffing, when asked for, adds ballots for the
leader from the voters who did not come (Klimek et al. 2012's "incremental fraud").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._io import StationFrame, StationResults

__all__ = ["SimulatedElection", "simulate_election"]


@dataclass(frozen=True, eq=False)
class SimulatedElection:
    """A simulated election.

    Attributes
    ----------
    results : StationResults
        Station results, with ``region`` and ``registered``.
    stuffed : numpy.ndarray of bool
        The stations where ballots were stuffed.
    added : numpy.ndarray of int
        Ballots added at each station.
    """

    results: StationResults
    stuffed: npt.NDArray[np.bool_]
    added: npt.NDArray[np.int64]

    @property
    def frame(self) -> StationFrame:
        """A sampling frame with the region as stratum."""
        region = self.results.region
        registered = self.results.registered
        assert region is not None and registered is not None
        return StationFrame(self.results.station, region, registered)

    def true_share(self, choice: str) -> float:
        """The choice's share of valid votes over all stations."""
        return float(self.results.choice(choice).sum() / self.results.valid.sum())


def _logit(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(np.log(p / (1 - p)))


def _expit(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(1 / (1 + np.exp(-x)))


def simulate_election(
    stations: int = 10_000,
    *,
    regions: int = 20,
    choices: int = 5,
    seed: int = 0,
    stuffing: float = 0.0,
    stuffing_strength: tuple[float, float] = (0.25, 0.75),
    station_size: tuple[float, float] = (1500.0, 0.45),
    spread: float = 0.35,
) -> SimulatedElection:
    """Simulate station results of an election without (or with) ballot stuffing.

    Region turnout is uniform on [0.45, 0.75] and the leader's regional share uniform on
    [0.35, 0.60], the rest shared among the other choices by a Dirichlet draw. A station's
    registered voters are lognormal (median ``station_size[0]``, log-sd ``station_size[1]``,
    at least 20); its turnout and leader share are the region's, moved by a normal of sd
    `spread` on the logit scale. Ballots ~ Binomial(registered, turnout); invalid ~
    Binomial(ballots, 0.015); the votes a multinomial draw over the station's shares.

    With ``stuffing > 0`` that share of stations, drawn at random, gets ballots for the
    leader equal to a uniform fraction (`stuffing_strength`) of the registered voters who
    did not vote.

    Parameters
    ----------
    stations, regions, choices : int
        Sizes of the election (choices include the leader, named ``A``; others ``B``...).
    seed : int
        Seed of every draw.
    stuffing : float
        Share of stations with stuffed ballots.
    stuffing_strength : (float, float)
        Range of the fraction of non-voters turned into ballots for the leader.
    station_size : (float, float)
        Median and log-sd of registered voters per station.
    spread : float
        Station-to-station sd of turnout and support around the region, logit scale.

    Returns
    -------
    SimulatedElection

    References
    ----------
    .. [1] P. Klimek, Y. Yegorov, R. Hanel and S. Thurner, "Statistical detection of
       systematic election irregularities", PNAS 109 (2012) 16469-16473.
    """
    rng = np.random.default_rng(seed)
    region = rng.integers(0, regions, stations)
    turnout_r = rng.uniform(0.45, 0.75, regions)
    leader_r = rng.uniform(0.35, 0.60, regions)
    others_r = rng.dirichlet(np.full(choices - 1, 2.0), regions)
    registered = np.maximum(
        np.round(np.exp(rng.normal(np.log(station_size[0]), station_size[1], stations))), 20
    ).astype(np.int64)
    turnout = _expit(_logit(turnout_r[region]) + rng.normal(0, spread, stations))
    leader = _expit(_logit(leader_r[region]) + rng.normal(0, spread, stations))
    ballots = rng.binomial(registered, turnout)
    invalid = rng.binomial(ballots, 0.015)
    valid = ballots - invalid
    votes = np.zeros((stations, choices), dtype=np.int64)
    votes[:, 0] = rng.binomial(valid, leader)
    left = valid - votes[:, 0]
    weights = others_r[region] * rng.gamma(50.0, 1 / 50.0, (stations, choices - 1))
    weights /= weights.sum(axis=1, keepdims=True)
    remaining = np.ones(stations)
    for j in range(1, choices - 1):
        p = np.clip(weights[:, j - 1] / remaining, 0.0, 1.0)
        votes[:, j] = rng.binomial(left, p)
        left = left - votes[:, j]
        remaining = remaining - weights[:, j - 1]
    votes[:, choices - 1] = left
    stuffed = np.zeros(stations, dtype=bool)
    added = np.zeros(stations, dtype=np.int64)
    if stuffing > 0:
        stuffed[rng.choice(stations, int(round(stuffing * stations)), replace=False)] = True
        strength = rng.uniform(*stuffing_strength, stations)
        added = np.where(stuffed, np.round(strength * (registered - ballots)), 0).astype(np.int64)
        ballots = ballots + added
        valid = valid + added
        votes[:, 0] += added
    names = tuple(chr(ord("A") + j) for j in range(choices))
    width = len(str(stations))
    codes = np.char.add("S", np.char.zfill(np.arange(1, stations + 1).astype(str), width))
    region_names = np.char.add("R", np.char.zfill((region + 1).astype(str), 2))
    results = StationResults(codes, ballots, valid, invalid, votes, names, registered, region_names)
    return SimulatedElection(results, stuffed, added)
