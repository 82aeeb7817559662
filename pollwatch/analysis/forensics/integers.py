"""Integer percentages: whole-percentage turnout and leader shares against the binomial
null of Kobak, Shpilkin and Pshenichnikov (2016), computed exactly or simulated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special, stats

from .._io import StationResults
from ._common import (
    BoolArray,
    FloatArray,
    IntArray,
    leader_votes,
    registered_voters,
)


def whole_percent(
    k: npt.ArrayLike, n: npt.ArrayLike, decimals: int | None = 1, include_bounds: bool = False
) -> BoolArray:
    """Where ``100 k / n``, rounded to `decimals` places (half up), is a whole percentage.

    With ``decimals=1`` (the default), 57.04 % counts as whole and 57.05 % does not; with
    ``decimals=None`` only exact whole percentages count. The exact arithmetic is done in
    integers: the percentage rounded half up to `decimals` places is
    :math:`q = \\lfloor (2 \\cdot 100 \\cdot 10^d k + n) / (2n) \\rfloor` (in units of
    :math:`10^{-d}` %), whole when :math:`q \\bmod 10^d = 0`. 0 % and 100 % are left out
    unless `include_bounds`.

    References
    ----------
    .. [1] D. Kobak, S. Shpilkin and M. S. Pshenichnikov, "Integer percentages as electoral
       falsification fingerprints", *Annals of Applied Statistics* 10 (2016) 54-73.
    """
    if decimals is not None and decimals < 1:
        raise ValueError("decimals must be 1 or more (or None for exact whole percentages)")
    k = np.asarray(k, dtype=np.int64)
    n = np.asarray(n, dtype=np.int64)
    safe = np.maximum(n, 1)
    if decimals is None:
        whole = (100 * k) % safe == 0
        percent = (100 * k) // safe
    else:
        scale = 10**decimals
        rounded = (200 * scale * k + safe) // (2 * safe)
        whole = rounded % scale == 0
        percent = rounded // scale
    whole &= n > 0
    if not include_bounds:
        whole &= (percent > 0) & (percent < 100)
    return np.asarray(whole)


def _whole_percent_probability(
    k: IntArray,
    n: IntArray,
    decimals: int | None,
    include_bounds: bool,
    tail: float = 5.0,
    block: int = 1 << 12,
) -> FloatArray:
    r"""P(Binomial(n, k/n) lands on a whole percentage), station by station, exactly.

    The whole-percentage values of a count form windows, one per percentage :math:`j`:
    :math:`k \in [n(2sj - 1)/(200s),\, n(2sj + 1)/(200s))` with :math:`s = 10^{d}`. Only
    windows within `tail` standard deviations (plus two counts) of the mean are summed; the
    mass left out is below 1e-6 per station, and it is put back as its average share of
    whole-percentage values, :math:`10^{-d}`. The pmf is evaluated once per window from a
    table of log-factorials and carried to the next counts of the window by the ratio
    :math:`\frac{n-k}{k+1}\frac{p}{1-p}`. Stations are processed in blocks sorted by the
    number of windows they need, so the arrays stay small and dense.
    """
    out = np.zeros(k.shape, dtype=float)
    if k.size == 0:
        return out
    nf = n.astype(float)
    kf = k.astype(float)
    p = kf / np.maximum(nf, 1.0)
    sd = np.sqrt(nf * p * (1 - p))
    live = sd > 0
    out[~live] = whole_percent(k[~live], n[~live], decimals, include_bounds)
    if not live.any():
        return out
    scale = 10.0 ** (decimals if decimals is not None else 0)
    kmin = np.maximum(0.0, np.floor(kf - tail * sd - 2))
    kmax = np.minimum(nf, np.ceil(kf + tail * sd + 2))
    if not include_bounds and decimals is None:  # only the windows of 1 % ... 99 %
        kmin = np.maximum(kmin, np.ceil(nf / 100))
        kmax = np.minimum(kmax, np.floor(nf * 99 / 100))
    elif not include_bounds:
        kmin = np.maximum(kmin, np.ceil(nf * (2 * scale - 1) / (200 * scale)))
        kmax = np.minimum(kmax, np.ceil(nf * (2 * scale * 99 + 1) / (200 * scale)) - 1)
    first = np.floor(100 * kmin / np.maximum(nf, 1.0))
    windows = np.maximum(np.floor(100 * kmax / np.maximum(nf, 1.0)) - first + 2, 1)
    width = np.ones_like(nf) if decimals is None else np.maximum(np.ceil(nf / (100 * scale)), 1)
    log_factorial = special.gammaln(np.arange(int(n.max()) + 2, dtype=float) + 1)
    safe_p = np.where(live, p, 0.5)
    log_p, log_q, odds = np.log(safe_p), np.log1p(-safe_p), safe_p / (1 - safe_p)
    order = np.flatnonzero(live)
    cost = np.minimum(windows * width, 32767).astype(np.int16)[order]
    order = order[np.argsort(cost, kind="stable")]
    for start in range(0, order.size, block):
        idx = order[start : start + block]
        n_col = nf[idx][:, None]
        centre = n_col * (first[idx][:, None] + np.arange(int(windows[idx].max())))  # n j, exact
        if decimals is None:
            lo = np.ceil(centre / 100)
            hi = np.floor(centre / 100)
        else:  # integers divided once: the ceilings are exact
            lo = np.ceil((2 * scale * centre - n_col) / (200 * scale))
            hi = np.ceil((2 * scale * centre + n_col) / (200 * scale)) - 1
        np.maximum(lo, kmin[idx][:, None], out=lo)
        np.minimum(hi, kmax[idx][:, None], out=hi)
        ok = lo <= hi
        np.minimum(lo, n_col, out=lo)
        lo_int = lo.astype(np.int64)
        n_int = n[idx][:, None]
        log_pmf = np.take(log_factorial, n_int - lo_int)
        log_pmf += np.take(log_factorial, lo_int)
        np.subtract((np.take(log_factorial, n[idx]) + nf[idx] * log_q[idx])[:, None], log_pmf, out=log_pmf)
        log_pmf += lo * (log_p[idx] - log_q[idx])[:, None]
        pmf = np.exp(log_pmf, out=log_pmf)
        pmf *= ok
        total = pmf.copy()
        count = lo
        ratio = odds[idx][:, None]
        for _ in range(1, int(width[idx].max())):
            pmf *= (n_col - count) / (count + 1) * ratio
            count = count + 1
            total += pmf * (count <= hi)
        out[idx] = total.sum(axis=1)
    left_out = 2 * stats.norm.sf(tail)
    out[live] += left_out / scale if decimals is not None else 0.0
    return out


@dataclass(frozen=True)
class IntegerTest:
    """Stations at whole percentages: observed against the binomial null.

    Attributes
    ----------
    observed : int
        Stations at a whole percentage.
    expected : float
        Expected under the null.
    sd : float
        Standard deviation of the count under the null.
    p_value : float
        One-sided: the chance of `observed` or more under the null.
    stations : int
        Stations screened.
    method : str
        ``exact`` (Poisson-binomial) or ``simulation`` (Monte Carlo).
    """

    observed: int
    expected: float
    sd: float
    p_value: float
    stations: int
    method: str

    @property
    def excess(self) -> float:
        """``observed - expected``."""
        return self.observed - self.expected

    @property
    def z(self) -> float:
        """``excess / sd``."""
        return self.excess / self.sd if self.sd > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """``{"observed", "expected", "p_value", "excess", "sd", "z", "stations", "method"}``."""
        return {
            "observed": self.observed,
            "expected": self.expected,
            "p_value": self.p_value,
            "excess": self.excess,
            "sd": self.sd,
            "z": self.z,
            "stations": self.stations,
            "method": self.method,
        }


@dataclass(frozen=True)
class IntegerPercentages:
    """The integer-percentage test for turnout, the leader's share and either of them.

    ``either`` counts stations where turnout or the leader's share (or both) is whole:
    the statistic of Kobak et al.
    """

    turnout: IntegerTest
    leader: IntegerTest
    either: IntegerTest
    decimals: int | None
    min_registered: int
    include_bounds: bool

    def to_dict(self) -> dict[str, Any]:
        """``{"turnout": IntegerTest.to_dict(), "leader": ..., "either": ..., "decimals",
        "min_registered", "include_bounds"}``."""
        return {
            "turnout": self.turnout.to_dict(),
            "leader": self.leader.to_dict(),
            "either": self.either.to_dict(),
            "decimals": self.decimals,
            "min_registered": self.min_registered,
            "include_bounds": self.include_bounds,
        }


def _poisson_binomial_sf(
    observed: npt.ArrayLike, mean: npt.ArrayLike, variance: npt.ArrayLike, third: npt.ArrayLike
) -> FloatArray:
    """P(X >= observed) for sums of independent Bernoulli(p_i), element by element.

    `mean`, `variance` and `third` are the sums of :math:`p_i`, :math:`p_i(1-p_i)` and
    :math:`p_i(1-p_i)(1-2p_i)`. Refined normal approximation with a skewness term and a
    continuity correction (Volkova 1996; Hong 2013, eq. 5):
    :math:`P(X \\le k) \\approx \\Phi(x) + \\gamma (1 - x^2) \\phi(x) / 6`,
    :math:`x = (k + 0.5 - \\mu) / \\sigma`, :math:`\\gamma = \\text{third} / \\sigma^3`.
    """
    o, m, v, t = (np.asarray(a, dtype=float) for a in (observed, mean, variance, third))
    sd = np.sqrt(np.maximum(v, 0.0))
    safe = np.where(sd > 0, sd, 1.0)
    x = (o - 1 + 0.5 - m) / safe
    gamma = t / safe**3
    cdf = stats.norm.cdf(x) + gamma * (1 - x * x) * stats.norm.pdf(x) / 6
    degenerate = np.where(o <= m + 1e-9, 1.0, 0.0)
    return np.asarray(np.where(sd > 0, np.clip(1 - cdf, 0.0, 1.0), degenerate))


@dataclass(frozen=True, eq=False)
class _IntegerStations:
    """The stations screened, whether each is at a whole percentage, and the null
    probability that it would be (for the national and the regional tests)."""

    registered: IntArray
    ballots: IntArray
    leader: IntArray
    decimals: int | None
    min_registered: int
    include_bounds: bool
    screened: BoolArray
    whole_turnout: BoolArray
    whole_leader: BoolArray
    p_turnout: FloatArray
    p_leader: FloatArray

    @property
    def whole_either(self) -> BoolArray:
        return np.asarray(self.whole_turnout | self.whole_leader)

    @property
    def p_either(self) -> FloatArray:
        return np.asarray(1 - (1 - self.p_turnout) * (1 - self.p_leader))


def _integer_stations(
    registered: IntArray,
    ballots: IntArray,
    leader: IntArray,
    decimals: int | None,
    min_registered: int,
    include_bounds: bool,
) -> _IntegerStations:
    screened = (registered >= min_registered) & (ballots > 0) & (ballots <= registered)
    n = np.concatenate([registered[screened], ballots[screened]])
    k = np.concatenate([ballots[screened], leader[screened]])
    probability = _whole_percent_probability(k, n, decimals, include_bounds)
    whole = whole_percent(k, n, decimals, include_bounds)
    m = int(screened.sum())

    def spread(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        out = np.zeros(registered.size, dtype=values.dtype)
        out[screened] = values
        return out

    return _IntegerStations(
        registered, ballots, leader, decimals, min_registered, include_bounds, screened,
        spread(whole[:m]), spread(whole[m:]), spread(probability[:m]), spread(probability[m:]),
    )  # fmt: skip


def integer_percentages(
    results: StationResults,
    *,
    leader: str | None = None,
    decimals: int | None = 1,
    min_registered: int = 100,
    include_bounds: bool = False,
    simulations: int = 0,
    seed: int | None = None,
) -> IntegerPercentages:
    r"""Test for an excess of stations whose turnout or leader's share is a whole percentage.

    The null hypothesis of Kobak et al. (2016) is that each station's count is binomial
    around its own observed rate: turnout :math:`B_i \sim \mathrm{Bin}(n_i, b_i/n_i)` with
    :math:`n_i` registered voters and :math:`b_i` ballots, and the leader's votes
    :math:`L_i \sim \mathrm{Bin}(b_i, l_i/b_i)`, independently. Under it the number of
    stations at a whole percentage is a sum of independent Bernoulli variables with
    :math:`\pi_i = P(\text{station } i \text{ lands on a whole percentage})`, which is
    computed exactly from the binomial pmf (``simulations=0``, the default): the expected
    count is :math:`\sum \pi_i`, the variance :math:`\sum \pi_i (1 - \pi_i)`, and the
    one-sided p-value :math:`P(X \ge \text{observed})` comes from the refined normal
    approximation to the Poisson-binomial distribution. With ``simulations > 0`` the null
    is instead simulated as in the paper: that many binomial draws for every station,
    p-value :math:`(1 + \#\{X^* \ge x\}) / (1 + \text{simulations})`. The two agree within
    the Monte Carlo error; the exact form has none and runs in a fraction of the time.

    A percentage is "whole" when it rounds to a whole number at `decimals` places
    (:func:`whole_percent`). Stations with fewer than `min_registered` voters, no ballots
    or more ballots than voters are not screened; 0 % and 100 % are not counted unless
    `include_bounds` (stations with turnout 100 % are a finding of their own, and the
    binomial null with an observed rate near 0 or 1 is biased).

    Parameters
    ----------
    results : StationResults
        Needs ``registered``.
    leader : str, optional
        The choice whose share is tested; by default the one with the most votes.
    decimals : int or None
        Rounding of the percentages before asking whether they are whole (None: exact).
    min_registered : int
        Smallest station screened.
    include_bounds : bool
        Count 0 % and 100 % as whole percentages.
    simulations : int
        0 for the exact null; otherwise the number of Monte Carlo draws.
    seed : int, optional
        Seed of the simulation.

    Returns
    -------
    IntegerPercentages

    References
    ----------
    .. [1] D. Kobak, S. Shpilkin and M. S. Pshenichnikov, "Integer percentages as electoral
       falsification fingerprints", *Annals of Applied Statistics* 10 (2016) 54-73.
    .. [2] Y. Hong, "On computing the distribution function for the Poisson binomial
       distribution", *Computational Statistics and Data Analysis* 59 (2013) 41-51.
    """
    registered = registered_voters(results)
    lead = leader_votes(results, leader)
    per = _integer_stations(registered, results.ballots, lead, decimals, min_registered, include_bounds)
    return _integer_tests(per, simulations, seed)


def _integer_tests(per: _IntegerStations, simulations: int, seed: int | None) -> IntegerPercentages:
    screened = per.screened
    observed = {
        "turnout": int(per.whole_turnout.sum()),
        "leader": int(per.whole_leader.sum()),
        "either": int(per.whole_either.sum()),
    }
    if simulations > 0:
        tests = _simulated_integer_tests(per, observed, simulations, seed)
    else:
        tests = {}
        for key, p in (("turnout", per.p_turnout), ("leader", per.p_leader), ("either", per.p_either)):
            p = p[screened]
            q = p * (1 - p)
            p_value = _poisson_binomial_sf(observed[key], p.sum(), q.sum(), (q * (1 - 2 * p)).sum())
            tests[key] = IntegerTest(
                observed[key], float(p.sum()), float(np.sqrt(q.sum())), float(p_value),
                int(screened.sum()), "exact",
            )  # fmt: skip
    return IntegerPercentages(
        tests["turnout"], tests["leader"], tests["either"], per.decimals, per.min_registered,
        per.include_bounds,
    )  # fmt: skip


def _simulated_integer_tests(
    per: _IntegerStations, observed: dict[str, int], simulations: int, seed: int | None
) -> dict[str, IntegerTest]:
    """Kobak et al.'s Monte Carlo null: fresh binomial counts for every station, per draw."""
    rng = np.random.default_rng(seed)
    s = per.screened
    registered, ballots, leader = per.registered[s], per.ballots[s], per.leader[s]
    counts = np.zeros((simulations, 3), dtype=np.int64)
    rules = (per.decimals, per.include_bounds)
    for i in range(simulations):
        turnout = whole_percent(rng.binomial(registered, ballots / registered), registered, *rules)
        share = whole_percent(rng.binomial(ballots, leader / ballots), ballots, *rules)
        counts[i] = turnout.sum(), share.sum(), (turnout | share).sum()
    tests = {}
    for column, key in enumerate(("turnout", "leader", "either")):
        draws = counts[:, column]
        p_value = (1 + int((draws >= observed[key]).sum())) / (1 + simulations)
        sd = float(draws.std(ddof=1)) if simulations > 1 else 0.0
        tests[key] = IntegerTest(observed[key], float(draws.mean()), sd, p_value, int(s.sum()), "simulation")
    return tests


def _region_integer_tests(per: _IntegerStations | None, codes: IntArray, count: int) -> list[IntegerTest]:
    """The exact test of 'either' in each region (codes 0..count-1)."""
    if per is None:
        return [IntegerTest(0, 0.0, 0.0, 1.0, 0, "exact")] * count
    s = per.screened
    p = per.p_either[s]
    q = p * (1 - p)
    observed = np.bincount(codes[s], weights=per.whole_either[s], minlength=count)
    mean = np.bincount(codes[s], weights=p, minlength=count)
    variance = np.bincount(codes[s], weights=q, minlength=count)
    third = np.bincount(codes[s], weights=q * (1 - 2 * p), minlength=count)
    screened = np.bincount(codes[s], minlength=count)
    p_value = _poisson_binomial_sf(observed, mean, variance, third)
    return [
        IntegerTest(int(o), float(m), float(np.sqrt(v)), float(pv), int(k), "exact")
        for o, m, v, pv, k in zip(observed, mean, variance, p_value, screened, strict=True)
    ]
