"""Quick-count sample design: how many polling stations, and which.

The size follows the NDI handbook (methodology.md, section 4): the voters needed for a
margin of error, turned into stations by the expected votes per station and inflated by the
design effect of clustering. Stations are then drawn at random within each stratum, in
proportion to the stratum's number of stations, with an optional minimum per stratum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ._csv import InputError
from ._io import StationFrame
from .seats import allocate_seats

__all__ = ["SampleDesign", "SampleSize", "StratumAllocation", "design_sample", "sample_size"]


@dataclass(frozen=True)
class SampleSize:
    """The size of a quick-count sample.

    Attributes
    ----------
    voters : int
        Voters needed, :math:`n` rounded up.
    voters_exact : float
        :math:`n` before rounding.
    stations : int or None
        Polling stations needed (rounded up, and at most the stations in the frame), or
        None when the votes per station are not known.
    stations_exact : float or None
        Stations before rounding and capping.
    moe, z, p, deff : float
        Margin of error (a share), the normal quantile, the assumed share and the design
        effect.
    population : float or None
        :math:`N`, the voters in the population (None: infinite).
    votes_per_station : float or None
        Expected votes per station (registered voters per station times turnout).
    """

    voters: int
    voters_exact: float
    stations: int | None
    stations_exact: float | None
    moe: float
    z: float
    p: float
    deff: float
    population: float | None
    votes_per_station: float | None

    def to_dict(self) -> dict[str, Any]:
        """The attributes above as a JSON-ready dict."""
        return {
            "voters": self.voters,
            "voters_exact": self.voters_exact,
            "stations": self.stations,
            "stations_exact": self.stations_exact,
            "moe": self.moe,
            "z": self.z,
            "p": self.p,
            "deff": self.deff,
            "population": self.population,
            "votes_per_station": self.votes_per_station,
        }


def sample_size(
    moe: float,
    *,
    population: float | None = None,
    z: float = 1.96,
    p: float = 0.5,
    deff: float = 1.0,
    votes_per_station: float | None = None,
    max_stations: int | None = None,
) -> SampleSize:
    r"""Voters and polling stations needed for a margin of error (NDI handbook).

    .. math::

        n = \frac{P(1-P)}{(E/Z)^2 + P(1-P)/N}, \qquad
        \text{stations} = \left\lceil \frac{n}{\bar v} \, \mathrm{deff} \right\rceil

    with :math:`P` the assumed share (0.5, the most demanding), :math:`E` the margin of
    error, :math:`Z` the normal quantile (1.96 for 95 %, 2.58 for 99 %), :math:`N` the
    voters (the finite population correction; omit for a large population), :math:`\bar v`
    the expected votes per station (registered voters per station times the expected
    turnout) and deff the design effect of sampling stations rather than voters.

    Parameters
    ----------
    moe : float
        Margin of error as a share, e.g. 0.01 for one percentage point.
    population : float, optional
        :math:`N`. None means a population so large that the correction vanishes.
    z : float
        Normal quantile for the confidence wanted.
    p : float
        Assumed share.
    deff : float
        Design effect (1 for none; 1.5 to 2.5 is typical for polling stations).
    votes_per_station : float, optional
        Expected votes per station; without it only the voters are computed.
    max_stations : int, optional
        Stations in the frame: the sample cannot be larger.

    Returns
    -------
    SampleSize

    References
    ----------
    .. [1] M. Estok, N. Nevitte and G. Cowan, *The Quick Count and Election Observation*,
       National Democratic Institute, 2002, chapter 5 and appendix (the Peru 2001 example:
       N = 14,570,774, E = 0.32 %, Z = 2.58 gives 160,717 voters by this formula).
    .. [2] W. G. Cochran, *Sampling Techniques*, 3rd ed., Wiley, 1977, section 4.4.

    Examples
    --------
    >>> sample_size(0.01).voters
    9604
    """
    if not 0 < moe < 1:
        raise ValueError("the margin of error is a share between 0 and 1, e.g. 0.01")
    if not 0 < p < 1 or z <= 0 or deff <= 0:
        raise ValueError("p must be in (0, 1), z and deff positive")
    variance = p * (1 - p)
    correction = variance / population if population else 0.0
    exact = variance / ((moe / z) ** 2 + correction)
    voters = math.ceil(exact - 1e-9)
    stations_exact = stations = None
    if votes_per_station:
        stations_exact = exact / votes_per_station * deff
        stations = math.ceil(stations_exact - 1e-9)
        if max_stations is not None:
            stations = min(stations, max_stations)
    return SampleSize(
        voters,
        exact,
        stations,
        stations_exact,
        moe,
        z,
        p,
        deff,
        float(population) if population else None,
        votes_per_station,
    )


@dataclass(frozen=True)
class StratumAllocation:
    """Stations of one stratum: in the frame and in the sample."""

    stratum: str
    frame_stations: int
    registered: int
    sampled: int

    def to_dict(self) -> dict[str, Any]:
        """``{"stratum", "frame_stations", "registered", "sampled"}``."""
        return {
            "stratum": self.stratum,
            "frame_stations": self.frame_stations,
            "registered": self.registered,
            "sampled": self.sampled,
        }


@dataclass(frozen=True, eq=False)
class SampleDesign:
    """A drawn quick-count sample.

    Attributes
    ----------
    size : SampleSize
        The size computation.
    strata : tuple of StratumAllocation
        Frame and sample per stratum.
    rows : numpy.ndarray of int
        Positions in the frame of the stations drawn, by stratum.
    stations : numpy.ndarray of str
        Their codes.
    turnout : float
        The expected turnout used.
    min_per_stratum : int
        The minimum per stratum.
    seed : int
        The seed of the draw (the same seed and frame draw the same stations).
    """

    size: SampleSize
    strata: tuple[StratumAllocation, ...]
    rows: npt.NDArray[np.int64]
    stations: npt.NDArray[np.str_]
    turnout: float
    min_per_stratum: int
    seed: int

    def to_dict(self) -> dict[str, Any]:
        """``{"size", "strata", "stations", "drawn", "turnout", "min_per_stratum", "seed",
        "allocation"}`` (``drawn`` lists the station codes)."""
        return {
            "size": self.size.to_dict(),
            "strata": [s.to_dict() for s in self.strata],
            "stations": int(self.rows.size),
            "drawn": self.stations.tolist(),
            "turnout": self.turnout,
            "min_per_stratum": self.min_per_stratum,
            "seed": self.seed,
            "allocation": "proportional to the stations in each stratum",
        }


def design_sample(
    frame: StationFrame,
    moe: float | None = None,
    *,
    stations: int | None = None,
    turnout: float = 0.5,
    deff: float = 1.0,
    z: float = 1.96,
    p: float = 0.5,
    min_per_stratum: int = 2,
    seed: int | None = None,
) -> SampleDesign:
    r"""Size and draw a stratified random sample of polling stations.

    The size is :func:`sample_size` with :math:`N` the expected voters (registered voters
    in the frame times `turnout`) and :math:`\bar v` the mean registered voters per station
    times `turnout`. The stations are shared among strata in proportion to their number of
    stations (largest remainder, Hare quota), so every station has nearly the same chance
    to be drawn; each stratum then gets at least ``min(min_per_stratum, its stations)``,
    which can make the sample larger than the computed size (at least 2 per stratum are
    needed to estimate the variance). Within each stratum the stations are a simple random
    sample without replacement: every station gets a uniform random key from a generator
    seeded with `seed`, and the stations with the smallest keys are taken.

    Parameters
    ----------
    frame : StationFrame
        Every polling station with its stratum and registered voters.
    moe, deff, z, p
        As for :func:`sample_size`.
    stations : int, optional
        Draw this many stations instead of computing the size from `moe` (give one of
        the two).
    turnout : float
        Expected turnout (a share).
    min_per_stratum : int
        Minimum stations per stratum.
    seed : int, optional
        Seed of the draw; when None one is drawn and recorded in the result.

    Returns
    -------
    SampleDesign

    References
    ----------
    .. [1] M. Estok, N. Nevitte and G. Cowan, *The Quick Count and Election Observation*,
       NDI, 2002, chapter 5 (sampling).
    .. [2] W. G. Cochran, *Sampling Techniques*, 3rd ed., Wiley, 1977, sections 5.5 and
       5A.2 (proportional allocation).
    """
    if len(frame) == 0:
        raise InputError("the frame has no stations")
    if not 0 < turnout <= 1:
        raise ValueError("turnout is a share between 0 and 1")
    if min_per_stratum < 0:
        raise ValueError("min_per_stratum cannot be negative")
    registered = int(frame.registered.sum())
    per_station = registered / len(frame) * turnout
    if per_station <= 0:
        raise InputError("the frame has no registered voters")
    if (moe is None) == (stations is None):
        raise ValueError("give either the margin of error or the number of stations")
    if moe is not None:
        size = sample_size(
            moe,
            population=registered * turnout,
            z=z,
            p=p,
            deff=deff,
            votes_per_station=per_station,
            max_stations=len(frame),
        )
    else:
        assert stations is not None
        if stations < 1:
            raise ValueError("the sample needs at least one station")
        stations = min(int(stations), len(frame))
        exact = stations * per_station / deff
        size = SampleSize(
            math.ceil(exact),
            exact,
            stations,
            float(stations),
            math.nan,
            z,
            p,
            deff,
            registered * turnout,
            per_station,
        )
    names, codes, counts = np.unique(frame.stratum, return_inverse=True, return_counts=True)
    wanted = int(size.stations or 0)
    shares = (
        allocate_seats(
            {str(n): int(c) for n, c in zip(names, counts, strict=True)},
            wanted,
            "hare",
            tie_break=("order",),
        ).seats
        if wanted > 0
        else dict.fromkeys(names.tolist(), 0)
    )
    taken = np.array([shares[str(n)] for n in names], dtype=np.int64)
    taken = np.minimum(np.maximum(taken, np.minimum(min_per_stratum, counts)), counts)
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    rows = _draw(codes, taken, seed)
    strata = tuple(
        StratumAllocation(str(n), int(c), int(r), int(t))
        for n, c, r, t in zip(
            names,
            counts,
            np.bincount(codes, weights=frame.registered, minlength=names.size),
            taken,
            strict=True,
        )
    )
    return SampleDesign(size, strata, rows, frame.station[rows], turnout, min_per_stratum, seed)


def _draw(codes: npt.NDArray[np.intp], taken: npt.NDArray[np.int64], seed: int) -> npt.NDArray[np.int64]:
    """Positions of a simple random sample of ``taken[h]`` stations in each stratum h."""
    keys = np.random.default_rng(seed).random(codes.size)
    order = np.lexsort((keys, codes))
    starts = np.searchsorted(codes[order], np.arange(taken.size))
    rank = np.arange(codes.size) - starts[codes[order]]
    chosen = order[rank < taken[codes[order]]]
    return chosen.astype(np.int64)
