"""Quick count (parallel vote tabulation): estimates, margins and seats from a station sample.

Stations are clusters of voters, so every share is a ratio of two totals, estimated with the
stratified combined ratio estimator; its variance comes from the station-level residuals
(Taylor linearisation) with the finite population correction of each stratum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from ._csv import InputError
from ._io import StationFrame, StationResults, is_against_all
from .seats import (
    DEFAULT_TIE_BREAK,
    SeatAllocation,
    _allocate_many,
    allocate_seats,
    normalise_method,
)

__all__ = [
    "Estimate",
    "OfficialComparison",
    "QuickCountResult",
    "SeatProjection",
    "SeatRange",
    "StratumCoverage",
    "quick_count",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

TURNOUT = "turnout"
INVALID = "invalid"


@dataclass(frozen=True)
class Estimate:
    """A share with its standard error and margin of error.

    ``low`` and ``high`` are ``estimate -/+ moe``, kept within [0, 1].
    """

    estimate: float
    se: float
    moe: float
    low: float
    high: float

    def to_dict(self) -> dict[str, float]:
        """``{"estimate", "moe", "low", "high", "se"}``."""
        return {"estimate": self.estimate, "moe": self.moe, "low": self.low, "high": self.high, "se": self.se}


@dataclass(frozen=True)
class StratumCoverage:
    """How much of a stratum has reported.

    Attributes
    ----------
    stratum : str
    frame : int
        Stations in the frame.
    drawn : int or None
        Stations drawn for the sample (None when the drawn list was not given).
    reported : int
        Sampled stations whose results are in.
    registered : int
        Registered voters of the stratum (frame).
    """

    stratum: str
    frame: int
    drawn: int | None
    reported: int
    registered: int

    @property
    def share(self) -> float:
        """Reported stations over drawn stations (over frame stations if not drawn)."""
        base = self.drawn if self.drawn is not None else self.frame
        return self.reported / base if base else 0.0

    def to_dict(self) -> dict[str, Any]:
        """``{"stratum", "frame", "drawn", "reported", "registered", "share"}``."""
        return {
            "stratum": self.stratum,
            "frame": self.frame,
            "drawn": self.drawn,
            "reported": self.reported,
            "registered": self.registered,
            "share": self.share,
        }


@dataclass(frozen=True)
class OfficialComparison:
    """An official figure against the quick-count interval.

    ``z`` is ``(share - estimate) / se``: how many standard errors the official figure is
    from the estimate.
    """

    share: float
    inside: bool
    z: float
    difference: float

    def to_dict(self) -> dict[str, Any]:
        """``{"share", "inside", "z", "difference"}``."""
        return {"share": self.share, "inside": self.inside, "z": self.z, "difference": self.difference}


@dataclass(frozen=True)
class SeatRange:
    """Seats for one choice: at the estimate, and the range consistent with the margins."""

    seats: int
    low: int
    high: int
    probability_qualified: float

    def to_dict(self) -> dict[str, Any]:
        """``{"seats", "low", "high", "probability_qualified"}``."""
        return {
            "seats": self.seats,
            "low": self.low,
            "high": self.high,
            "probability_qualified": self.probability_qualified,
        }


@dataclass(frozen=True)
class SeatProjection:
    """The seats that follow from the estimates.

    ``seats`` holds, per choice, the allocation at the point estimate and the central
    `confidence` range of seats over `draws` simulated vote shares drawn from the
    estimated sampling distribution (multivariate normal with the linearised covariance).
    """

    method: str
    total_seats: int
    threshold: float
    threshold_base: str
    draws: int
    seed: int
    seats: dict[str, SeatRange]
    point: SeatAllocation

    def to_dict(self) -> dict[str, Any]:
        """``{"method", "total_seats", "threshold", "threshold_base", "draws", "seed",
        "range": "simulation", "allocation": {choice: SeatRange.to_dict()}, "ties"}``."""
        return {
            "method": self.method,
            "total_seats": self.total_seats,
            "threshold": self.threshold,
            "threshold_base": self.threshold_base,
            "draws": self.draws,
            "seed": self.seed,
            "range": "simulation from the estimated covariance of the shares",
            "allocation": {k: v.to_dict() for k, v in self.seats.items()},
            "ties": [tie.to_dict() for tie in self.point.ties],
        }


@dataclass(frozen=True)
class QuickCountResult:
    """Estimates from a quick-count sample.

    Attributes
    ----------
    estimates : dict of str to Estimate
        One per choice (share of valid votes), plus ``turnout`` (ballots over registered
        voters) and ``invalid`` (invalid over ballots).
    stations : int
        Sampled stations used.
    confidence : float
        The confidence level of the margins.
    coverage : tuple of StratumCoverage
        Reports per stratum.
    seats : SeatProjection or None
        When seats were asked for.
    official : dict of str to OfficialComparison or None
        When official results were given.
    covariance : numpy.ndarray
        Estimated covariance of the choice shares (order of `choices`).
    choices : tuple of str
    notes : tuple of str
        Caveats (strata with no or one report, stations not drawn, ...).
    """

    estimates: dict[str, Estimate]
    stations: int
    confidence: float
    coverage: tuple[StratumCoverage, ...]
    choices: tuple[str, ...]
    covariance: FloatArray = field(repr=False)
    seats: SeatProjection | None = None
    official: dict[str, OfficialComparison] | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"estimates": {name: Estimate.to_dict()}, "stations", "seats", "official",
        "coverage", "confidence", "method", "notes"}`` (``official`` only when given)."""
        out: dict[str, Any] = {
            "estimates": {k: v.to_dict() for k, v in self.estimates.items()},
            "stations": self.stations,
            "seats": self.seats.to_dict() if self.seats else None,
            "coverage": [c.to_dict() for c in self.coverage],
            "confidence": self.confidence,
            "method": "stratified combined ratio estimator, linearised variance with FPC",
            "notes": list(self.notes),
        }
        if self.official is not None:
            out["official"] = {k: v.to_dict() for k, v in self.official.items()}
        return out


@dataclass(frozen=True)
class _Ratios:
    """Combined ratio estimates R = Y/X of several ratios over the same sample."""

    ratio: FloatArray
    x_total: FloatArray
    residual: FloatArray  # stations x ratios, centred within stratum
    weight: FloatArray  # per station: M_h^2 (1 - f_h) / (m_h (m_h - 1))
    extra: FloatArray  # ratios x ratios: the part of strata with a single report

    def variance(self) -> FloatArray:
        core = np.einsum("i,ik,ik->k", self.weight, self.residual, self.residual)
        return (core + np.diag(self.extra)) / self.x_total**2

    def covariance(self, columns: slice) -> FloatArray:
        r = self.residual[:, columns]
        x = self.x_total[columns]
        core = r.T @ (self.weight[:, None] * r) + self.extra[columns, columns]
        return core / np.outer(x, x)


def _combined_ratio(
    y: FloatArray, x: FloatArray, stratum: IntArray, frame_counts: IntArray
) -> tuple[_Ratios, list[str]]:
    """Stratified combined ratio estimator and its linearisation residuals.

    ``y`` and ``x`` are stations x ratios; strata are coded 0..H-1.
    """
    notes: list[str] = []
    strata = frame_counts.size
    m = np.bincount(stratum, minlength=strata).astype(float)
    M = frame_counts.astype(float)
    w = np.divide(M, m, out=np.zeros_like(M), where=m > 0)[stratum]
    y_total = w @ y
    x_total = w @ x
    ratio = np.divide(y_total, x_total, out=np.zeros_like(y_total), where=x_total > 0)
    e = y - x * ratio
    sums = np.zeros((strata, e.shape[1]))
    np.add.at(sums, stratum, e)
    means = np.divide(sums, m[:, None], out=np.zeros_like(sums), where=m[:, None] > 0)
    residual = e - means[stratum]
    several = m > 1
    factor = np.zeros(strata)
    factor[several] = M[several] ** 2 * (1 - m[several] / M[several]) / (m[several] * (m[several] - 1))
    extra = np.zeros((e.shape[1], e.shape[1]))
    single = (m == 1) & (M > 1)
    pooled_df = (m[several] - 1).sum()
    if single.any() and pooled_df > 0:
        # A stratum with one report has no within-stratum variance: it borrows the pooled
        # residual covariance (per station) of the strata with two reports or more.
        pooled_rows = several[stratum]
        pooled = residual[pooled_rows].T @ residual[pooled_rows] / pooled_df
        extra = (M[single] ** 2 * (1 - 1 / M[single])).sum() * pooled
        count = int(single.sum())
        which = "stratum with a single report borrows" if count == 1 else "strata with a single report borrow"
        notes.append(f"{count} {which} the pooled residual variance of the other strata")
    elif single.any():
        notes.append("every stratum has a single report: the margins are not estimable")
    return _Ratios(ratio, x_total, residual, factor[stratum], extra), notes


def quick_count(
    frame: StationFrame,
    sample: StationResults,
    *,
    official: StationResults | None = None,
    drawn: Sequence[str] | None = None,
    confidence: float = 0.95,
    seats: int | None = None,
    method: str = "hare",
    threshold: float = 0.0,
    threshold_base: str = "cast",
    draws: int = 2000,
    seed: int | None = None,
) -> QuickCountResult:
    r"""Estimate shares, turnout and invalid share from a stratified sample of stations.

    For a ratio :math:`R = Y / X` (a choice's votes over valid votes; ballots over
    registered voters; invalid over ballots), with :math:`M_h` stations in stratum
    :math:`h` of the frame and :math:`m_h` reported,

    .. math::

        \hat R = \frac{\hat Y}{\hat X}, \quad
        \hat Y = \sum_h \frac{M_h}{m_h} \sum_{i \in s_h} y_i, \quad
        \hat X = \sum_h \frac{M_h}{m_h} \sum_{i \in s_h} x_i,

    .. math::

        \hat V(\hat R) = \frac{1}{\hat X^2} \sum_h M_h^2 \Bigl(1 - \frac{m_h}{M_h}\Bigr)
        \frac{s^2_{e,h}}{m_h}, \qquad e_i = y_i - \hat R x_i,

    where :math:`s^2_{e,h}` is the sample variance of the residuals in stratum :math:`h`.
    The margin is :math:`z_{1-\alpha/2} \sqrt{\hat V}`. The covariance of two choice shares
    uses the same formula with the cross-products of their residuals.

    Seats (when `seats` is given): the allocation at the estimated totals, and the range
    of seats consistent with the margins, found by simulation: `draws` vectors of shares
    are drawn from the multivariate normal with the estimated covariance and each is
    allocated with the threshold applied; ``low`` and ``high`` are the central
    `confidence` interval of those allocations. Allocating at the interval bounds instead
    would ignore that the shares sum to one.

    Strata with no report are left out (the estimate then describes the strata that have
    reported, and a note says which are missing); a stratum with a single report borrows
    the pooled residual variance of the others.

    Parameters
    ----------
    frame : StationFrame
        Every station, its stratum and registered voters.
    sample : StationResults
        Protocols of the sampled stations that have reported.
    official : StationResults, optional
        Official station results, to compare with the estimates.
    drawn : sequence of str, optional
        Codes of the stations drawn, for coverage by stratum; reported stations not drawn
        are left out.
    confidence : float
        Confidence level of the margins (0.95).
    seats, method, threshold, threshold_base
        Seat allocation that follows (see :func:`pollwatch.analysis.allocate_seats`).
    draws : int
        Simulated allocations for the seat range.
    seed : int, optional
        Seed of the simulation (recorded in the result).

    Returns
    -------
    QuickCountResult

    References
    ----------
    .. [1] W. G. Cochran, *Sampling Techniques*, 3rd ed., Wiley, 1977, sections 6.11-6.12
       (combined ratio estimate and its variance).
    .. [2] S. L. Lohr, *Sampling: Design and Analysis*, 2nd ed., Brooks/Cole, 2010,
       sections 4.5 and 9.1 (linearisation).
    .. [3] M. Estok, N. Nevitte and G. Cowan, *The Quick Count and Election Observation*,
       NDI, 2002, chapter 6.
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence is a share between 0 and 1, e.g. 0.95")
    clash = [c for c in sample.choices if c.lower() in (TURNOUT, INVALID)]
    if clash:
        raise InputError(f"a choice cannot be named {clash[0]!r} (it is a reserved estimate)")
    notes: list[str] = []
    rows, sample = _match_frame(frame, sample, drawn, notes)
    names, frame_codes, frame_counts = np.unique(frame.stratum, return_inverse=True, return_counts=True)
    stratum = frame_codes[rows]
    missing = np.setdiff1d(np.arange(names.size), stratum)
    if missing.size:
        share = frame.registered[np.isin(frame_codes, missing)].sum() / max(frame.registered.sum(), 1)
        notes.append(
            f"{missing.size} of {names.size} strata have no report yet "
            f"({', '.join(names[missing][:10].tolist())}{'...' if missing.size > 10 else ''}; "
            f"{share:.1%} of registered voters): the estimates describe the strata that "
            "have reported"
        )
    y = np.column_stack([sample.votes, sample.ballots, sample.invalid]).astype(float)
    x = np.column_stack(
        [
            np.repeat(sample.valid[:, None], len(sample.choices), axis=1),
            frame.registered[rows],
            sample.ballots,
        ]
    ).astype(float)
    ratios, variance_notes = _combined_ratio(y, x, stratum, frame_counts)
    notes.extend(variance_notes)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    se = np.sqrt(np.maximum(ratios.variance(), 0.0))
    labels = (*sample.choices, TURNOUT, INVALID)
    estimates = {
        label: Estimate(
            float(r), float(s), float(z * s), float(max(r - z * s, 0.0)), float(min(r + z * s, 1.0))
        )
        for label, r, s in zip(labels, ratios.ratio, se, strict=True)
    }
    choices = slice(0, len(sample.choices))
    covariance = ratios.covariance(choices)
    coverage = _coverage(frame, names, frame_codes, stratum, drawn)
    projection = None
    if seats is not None:
        projection = _project_seats(
            sample.choices,
            ratios,
            covariance,
            seats,
            method,
            threshold,
            threshold_base,
            draws,
            seed,
            confidence,
        )
    comparison = None
    if official is not None:
        comparison = _compare(official, frame, estimates, sample.choices)
    return QuickCountResult(
        estimates=estimates,
        stations=int(rows.size),
        confidence=confidence,
        coverage=coverage,
        choices=sample.choices,
        covariance=covariance,
        seats=projection,
        official=comparison,
        notes=tuple(notes),
    )


def _positions(codes: npt.NDArray[np.str_], wanted: npt.NDArray[np.str_]) -> IntArray:
    """Position of each `wanted` code in `codes`, -1 when absent."""
    order = np.argsort(codes, kind="stable")
    at = np.searchsorted(codes[order], wanted)
    at = np.minimum(at, max(codes.size - 1, 0))
    found = codes.size > 0
    hit = (codes[order][at] == wanted) if found else np.zeros(wanted.size, dtype=bool)
    return np.where(hit, order[at], -1).astype(np.int64)


def _match_frame(
    frame: StationFrame,
    sample: StationResults,
    drawn: Sequence[str] | None,
    notes: list[str],
) -> tuple[IntArray, StationResults]:
    if len(sample) == 0:
        raise InputError("the sample has no stations")
    if np.unique(sample.station).size != len(sample):
        raise InputError("the sample lists a station twice")
    rows = _positions(frame.station, sample.station)
    unknown = np.flatnonzero(rows < 0)
    if unknown.size:
        raise InputError(
            f"station {str(sample.station[unknown[0]])!r} of the sample is not in the frame"
            + (f" (and {unknown.size - 1} more)" if unknown.size > 1 else "")
        )
    keep = np.ones(len(sample), dtype=bool)
    if drawn is not None:
        keep = np.isin(sample.station, np.asarray(drawn, dtype=str))
        if not keep.all():
            notes.append(
                f"{int((~keep).sum())} reported station(s) were not drawn for the sample and are left out"
            )
    if not keep.all():
        sample = StationResults(
            sample.station[keep],
            sample.ballots[keep],
            sample.valid[keep],
            sample.invalid[keep],
            sample.votes[keep],
            sample.choices,
            None if sample.registered is None else sample.registered[keep],
            None if sample.region is None else sample.region[keep],
        )
        rows = rows[keep]
        if len(sample) == 0:
            raise InputError("none of the reported stations was drawn for the sample")
    return rows, sample


def _coverage(
    frame: StationFrame,
    names: npt.NDArray[np.str_],
    frame_codes: npt.NDArray[np.intp],
    stratum: npt.NDArray[np.intp],
    drawn: Sequence[str] | None,
) -> tuple[StratumCoverage, ...]:
    reported = np.bincount(stratum, minlength=names.size)
    in_frame = np.bincount(frame_codes, minlength=names.size)
    registered = np.bincount(frame_codes, weights=frame.registered, minlength=names.size)
    drawn_counts: list[int | None] = [None] * names.size
    if drawn is not None:
        at = _positions(frame.station, np.asarray(drawn, dtype=str))
        at = at[at >= 0]
        drawn_counts = np.bincount(frame_codes[at], minlength=names.size).tolist()
    return tuple(
        StratumCoverage(str(n), int(f), d, int(r), int(g))
        for n, f, d, r, g in zip(names, in_frame, drawn_counts, reported, registered, strict=True)
    )


def _project_seats(
    choices: tuple[str, ...],
    ratios: _Ratios,
    covariance: FloatArray,
    seats: int,
    method: str,
    threshold: float,
    threshold_base: str,
    draws: int,
    seed: int | None,
    confidence: float,
) -> SeatProjection:
    k = len(choices)
    valid_total = float(ratios.x_total[0]) if k else 0.0
    invalid_total = float(ratios.ratio[k + 1] * ratios.x_total[k + 1])
    shares = ratios.ratio[:k]
    parties = np.array([not is_against_all(c) for c in choices])
    totals = {c: int(round(s * valid_total)) for c, s in zip(choices, shares, strict=True)}
    point = allocate_seats(
        {c: v for c, v in totals.items() if not is_against_all(c)},
        seats,
        method,
        threshold=threshold,
        threshold_base=threshold_base,
        against_all=sum(v for c, v in totals.items() if is_against_all(c)),
        invalid=int(round(invalid_total)),
        tie_break=DEFAULT_TIE_BREAK,
        seed=seed,
    )
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    rng = np.random.default_rng(seed)
    simulated = rng.multivariate_normal(shares, covariance, size=draws, method="eigh")
    simulated = np.maximum(simulated, 0.0)
    party_votes = simulated[:, parties] * valid_total
    if threshold_base == "cast":
        base = simulated.sum(axis=1) * valid_total + invalid_total
    elif threshold_base == "valid":
        base = simulated.sum(axis=1) * valid_total
    else:
        base = party_votes.sum(axis=1)
    qualified = (100 * party_votes >= threshold * base[:, None]) & (party_votes > 0)
    method = normalise_method(method)
    allocated = _allocate_many(party_votes, seats, method, qualified)
    tail = (1 - confidence) / 2
    low = np.quantile(allocated, tail, axis=0, method="lower")
    high = np.quantile(allocated, 1 - tail, axis=0, method="higher")
    party_names = [c for c in choices if not is_against_all(c)]
    ranges = {
        name: SeatRange(point.seats.get(name, 0), int(lo), int(hi), float(q))
        for name, lo, hi, q in zip(party_names, low, high, qualified.mean(axis=0), strict=True)
    }
    return SeatProjection(method, seats, float(threshold), threshold_base, draws, seed, ranges, point)


def _compare(
    official: StationResults,
    frame: StationFrame,
    estimates: dict[str, Estimate],
    choices: tuple[str, ...],
) -> dict[str, OfficialComparison]:
    out: dict[str, OfficialComparison] = {}
    valid = official.valid.sum()
    figures: dict[str, float] = {}
    for name in choices:
        if name in official.choices and valid > 0:
            figures[name] = float(official.choice(name).sum() / valid)
    if official.ballots.sum() > 0:
        figures[INVALID] = float(official.invalid.sum() / official.ballots.sum())
    registered = official.registered
    if registered is None:
        at = _positions(frame.station, official.station)
        if (at >= 0).all():
            registered = frame.registered[at]
    if registered is not None and registered.sum() > 0:
        figures[TURNOUT] = float(official.ballots.sum() / registered.sum())
    for name, share in figures.items():
        e = estimates[name]
        z = (share - e.estimate) / e.se if e.se > 0 else (0.0 if share == e.estimate else float("inf"))
        out[name] = OfficialComparison(share, bool(e.low <= share <= e.high), float(z), share - e.estimate)
    return out
