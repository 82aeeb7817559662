"""Outliers against the region, the ranking of regions, the full report and its figures."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .._csv import InputError
from .._io import StationResults
from ._common import (
    MAD_TO_SD,
    BoolArray,
    FloatArray,
    IntArray,
    finite_or_none,
    leader_name,
    registered_voters,
)
from .digits import (
    LastDigitTest,
    _expected_counts,
    _region_last_digits,
    last_digit_test,
)
from .fingerprint import Fingerprint, _fingerprint
from .integers import (
    IntegerPercentages,
    IntegerTest,
    _integer_stations,
    _integer_tests,
    _IntegerStations,
    _region_integer_tests,
)
from .second_digit import SECOND_DIGIT_MIN_EXPECTED, SecondDigitTest, second_digit_test

ROBUST_Z = 3.5
"""Modified z-score beyond which a station is an outlier (Iglewicz and Hoaglin 1993)."""


@dataclass(frozen=True)
class Outlier:
    """A station to look at, with the reasons.

    Attributes
    ----------
    station, region : str
    score : float
        The largest of ``|z_turnout|``, ``|z_leader|`` and ``z_stuffing``.
    turnout, leader_share : float
    z_turnout, z_leader : float
        Robust z-scores against the region: ``(x - median) / (1.4826 MAD)``.
    z_stuffing : float
        ``(z_turnout + z_leader) / sqrt(2 (1 + rho))``, large when both are high.
    reasons : tuple of str
    reason_codes : tuple of (code, values)
        The same reasons as codes with their values (see :data:`REASONS`), for pages that
        write them in another language.
    """

    station: str
    region: str
    score: float
    turnout: float
    leader_share: float
    z_turnout: float
    z_leader: float
    z_stuffing: float
    reasons: tuple[str, ...]
    reason_codes: tuple[tuple[str, dict[str, Any]], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"station", "region", "score", "turnout", "leader_share", "z_turnout",
        "z_leader", "z_stuffing", "reasons"}``."""
        return {
            "station": self.station,
            "region": self.region,
            "score": finite_or_none(self.score),
            "turnout": finite_or_none(self.turnout),
            "leader_share": finite_or_none(self.leader_share),
            "z_turnout": finite_or_none(self.z_turnout),
            "z_leader": finite_or_none(self.z_leader),
            "z_stuffing": finite_or_none(self.z_stuffing),
            "reasons": list(self.reasons),
            "reason_codes": [[code, dict(values)] for code, values in self.reason_codes],
        }


#: Each reason a station or a region is listed for, in English, by its code; the values are
#: shares (0-1), counts, z-scores and p-values, and ``leader`` the leading choice.
REASONS: dict[str, str] = {
    "over_registered": "{ballots} ballots for {registered} registered voters",
    "turnout_vs_region": "turnout {turnout:.1%} against {median:.1%} in the region (robust z {z:+.1f})",
    "leader_vs_region": "{leader} {share:.1%} against {median:.1%} in the region (robust z {z:+.1f})",
    "stuffing_pattern": ("turnout and {leader} both above the region (combined z {z:+.1f}): "
                         "the pattern of ballot stuffing"),
    "smear": "in the fingerprint's smear towards 100 % turnout and 100 % {leader}",
    "whole_turnout": "turnout is a whole percentage ({turnout:.1%})",
    "whole_leader": "{leader}'s share is a whole percentage ({share:.1%})",
    "turnout_100": "turnout is 100 %",
    "region_whole_percentages": ("{observed} stations at a whole percentage, {expected:.0f} expected "
                                 "(excess {excess:+.0f}, p = {p:.1e})"),
    "region_last_digits": "last digits not uniform (chi2 = {chi2:.1f}, p = {p:.1e})",
    "region_outliers": "{outliers} outlier station(s) of {stations}",
    "region_smear": "{count} station(s) in the fingerprint's smear",
}


def reason_text(code: str, values: dict[str, Any]) -> str:
    """A reason's English words (:data:`REASONS`)."""
    return REASONS[code].format(**values)


def _group_median(values: FloatArray, groups: IntArray, count: int) -> FloatArray:
    """Median of `values` within each group 0..count-1 (NaN for empty groups).

    The stations are put in group order by one stable sort of the group codes (a radix sort
    when they fit 16 bits), and each group's median is found by partitioning its slice: the
    values themselves are never sorted (five times faster over a million stations in 80
    regions than one sort of group and value together).
    """
    median = np.full(count, np.nan)
    if values.size == 0:
        return median
    keys = groups.astype(np.int16) if count <= np.iinfo(np.int16).max else groups
    order = np.argsort(keys, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(groups, minlength=count))])
    grouped = values[order]
    for group in np.flatnonzero(np.diff(bounds)).tolist():
        median[group] = np.median(grouped[bounds[group] : bounds[group + 1]])
    return median


def _robust_z(
    values: FloatArray, groups: IntArray, count: int, min_group: int, floor: float
) -> tuple[FloatArray, FloatArray]:
    """Robust z-scores against the group (national when the group is small) and medians."""
    small = np.bincount(groups, minlength=count) < min_group
    median = _group_median(values, groups, count)
    mad = _group_median(np.abs(values - median[groups]), groups, count)
    if small.any() and values.size:
        national = np.median(values)
        median = np.where(small, national, median)
        mad = np.where(small, np.median(np.abs(values - national)), mad)
    scale = np.maximum(MAD_TO_SD * mad, floor)
    return (values - median[groups]) / scale[groups], median[groups]


def regional_outliers(
    results: StationResults,
    *,
    leader: str | None = None,
    threshold: float = ROBUST_Z,
    min_region_stations: int = 10,
) -> tuple[Outlier, ...]:
    r"""Stations far from their region in turnout or in the leader's share.

    For each station, :math:`z = (x_i - \tilde x_r) / (1.4826\,\mathrm{MAD}_r)` with
    :math:`\tilde x_r` the median of its region and :math:`\mathrm{MAD}_r` the median
    absolute deviation there (at least 1 percentage point, so a region of identical figures
    does not divide by zero); a region with fewer than `min_region_stations` stations is
    compared with the whole country. A station is an outlier when :math:`|z| > 3.5` for
    turnout or leader share (the modified z-score rule of Iglewicz and Hoaglin), or when it
    reports more ballots than registered voters. Outliers are ranked by the larger
    :math:`|z|`.

    Parameters
    ----------
    results : StationResults
        Needs ``registered`` (``region`` optional: without it, the country is one region).
    leader : str, optional
        By default the choice with the most votes.
    threshold : float
        The :math:`|z|` beyond which a station is an outlier.
    min_region_stations : int
        Smaller regions are compared with the country.

    Returns
    -------
    tuple of Outlier

    References
    ----------
    .. [1] B. Iglewicz and D. C. Hoaglin, *How to Detect and Handle Outliers*, ASQC Quality
       Press, 1993.
    """
    report = forensics_report(
        results,
        leader=leader,
        outlier_threshold=threshold,
        min_region_stations=min_region_stations,
        digits=False,
        integers=False,
    )
    return report.outliers


@dataclass(frozen=True)
class RegionScreen:
    """One region's screens, with the reasons to look at it.

    Attributes
    ----------
    region : str
    stations, registered : int
    turnout, leader_share : float
        The region's totals: ballots over registered, leader over ballots.
    outliers : int
        Outlier stations in the region.
    smear_stations : int
        Stations of the region in the fingerprint's smear.
    integer : IntegerTest
        Stations at a whole turnout or leader percentage, against the binomial null.
    last_digit : LastDigitTest
    score : float
        :math:`-\\log_{10}` of the smallest Bonferroni-adjusted p-value of the region's two
        tests (integer percentages, last digits); 0 when none is below 1.
    reasons : tuple of str
    reason_codes : tuple of (code, values)
        The same reasons as codes with their values (see :data:`REASONS`).
    """

    region: str
    stations: int
    registered: int
    turnout: float
    leader_share: float
    outliers: int
    smear_stations: int
    integer: IntegerTest
    last_digit: LastDigitTest
    score: float
    reasons: tuple[str, ...]
    reason_codes: tuple[tuple[str, dict[str, Any]], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"region", "score", "reasons", "reason_codes", "stations", "registered", "turnout",
        "leader_share", "outliers", "smear_stations", "integer_percentages", "last_digit"}``."""
        return {
            "region": self.region,
            "score": self.score,
            "reasons": list(self.reasons),
            "reason_codes": [[code, dict(values)] for code, values in self.reason_codes],
            "stations": self.stations,
            "registered": self.registered,
            "turnout": finite_or_none(self.turnout),
            "leader_share": finite_or_none(self.leader_share),
            "outliers": self.outliers,
            "smear_stations": self.smear_stations,
            "integer_percentages": self.integer.to_dict(),
            "last_digit": self.last_digit.to_dict(),
        }


@dataclass(frozen=True)
class ForensicsReport:
    """All screens over one election's station results.

    Attributes
    ----------
    stations : int
    leader : str
        The choice whose share is examined.
    integer_percentages : IntegerPercentages or None
    last_digit : LastDigitTest or None
    second_digit : SecondDigitTest or None
    fingerprint : Fingerprint
    outliers : tuple of Outlier
        Ranked, highest score first.
    regions : tuple of RegionScreen
        Ranked, most suspicious first.
    histograms : dict of str to numpy.ndarray
        Stations per 0.1 % bin of turnout and of leader share (1001 bins, 0 % to 100 %),
        where integer peaks show.
    alpha : float
        Level at which a test "fires" in the reasons (0.01).
    notes : tuple of str
    """

    stations: int
    leader: str
    integer_percentages: IntegerPercentages | None
    last_digit: LastDigitTest | None
    second_digit: SecondDigitTest | None
    fingerprint: Fingerprint
    outliers: tuple[Outlier, ...]
    regions: tuple[RegionScreen, ...]
    histograms: dict[str, IntArray] = field(repr=False)
    alpha: float = 0.01
    notes: tuple[str, ...] = ()

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        """``{"integer_percentages", "last_digit", "second_digit", "outliers", "regions",
        "fingerprint", "histograms", "leader", "stations", "alpha", "notes"}``.

        `limit` caps the number of outliers listed (all by default).
        """
        return {
            "integer_percentages": (self.integer_percentages.to_dict() if self.integer_percentages else None),
            "last_digit": self.last_digit.to_dict() if self.last_digit else None,
            "second_digit": self.second_digit.to_dict() if self.second_digit else None,
            "outliers": [o.to_dict() for o in self.outliers[:limit]],
            "outliers_total": len(self.outliers),
            "regions": [r.to_dict() for r in self.regions],
            "fingerprint": self.fingerprint.to_dict(),
            "histograms": {k: v.tolist() for k, v in self.histograms.items()},
            "leader": self.leader,
            "stations": self.stations,
            "alpha": self.alpha,
            "notes": list(self.notes),
        }


def _histogram(values: FloatArray) -> IntArray:
    cells = np.clip(np.floor(values * 1000 + 0.5).astype(np.int64), 0, 1000)
    return np.bincount(cells, minlength=1001)


@dataclass(frozen=True, eq=False)
class _Stations:
    """Everything the screens compute per station, for the outliers and the regions."""

    results: StationResults
    leader: str
    registered: IntArray
    lead: IntArray
    codes: IntArray  # region of each station, 0..regions-1
    region_names: npt.NDArray[np.str_]
    turnout: FloatArray
    share: FloatArray
    usable: BoolArray
    z_turnout: FloatArray
    z_leader: FloatArray
    z_stuffing: FloatArray
    median_turnout: FloatArray
    median_leader: FloatArray
    smear: BoolArray
    integers: _IntegerStations | None
    over: BoolArray  # more ballots than registered voters

    def flagged(self, threshold: float) -> BoolArray:
        z = (
            (np.abs(self.z_turnout) > threshold)
            | (np.abs(self.z_leader) > threshold)
            | (self.z_stuffing > threshold)
        )
        return np.asarray((self.usable & z) | self.over | self.smear)


def _robust_scores(
    turnout: FloatArray, share: FloatArray, codes: IntArray, regions: int, min_region_stations: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Robust z of turnout and share against the region, their combination, and the medians."""
    n = turnout.size
    usable = np.isfinite(turnout) & np.isfinite(share)
    z_t, z_l, z_s = np.zeros(n), np.zeros(n), np.zeros(n)
    med_t, med_l = np.full(n, np.nan), np.full(n, np.nan)
    z_t[usable], med_t[usable] = _robust_z(turnout[usable], codes[usable], regions, min_region_stations, 0.01)
    z_l[usable], med_l[usable] = _robust_z(share[usable], codes[usable], regions, min_region_stations, 0.01)
    z_s[usable] = _stuffing_score(z_t[usable], z_l[usable])
    return z_t, z_l, z_s, med_t, med_l


def forensics_report(
    results: StationResults,
    *,
    leader: str | None = None,
    decimals: int | None = 1,
    min_registered: int = 100,
    include_bounds: bool = False,
    simulations: int = 0,
    seed: int | None = None,
    last_digit_min: int = 100,
    second_digit_min: float = SECOND_DIGIT_MIN_EXPECTED,
    outlier_threshold: float = ROBUST_Z,
    min_region_stations: int = 10,
    bins: int = 100,
    alpha: float = 0.01,
    digits: bool = True,
    integers: bool = True,
) -> ForensicsReport:
    """Run every screen and rank regions and stations.

    The national tests are :func:`integer_percentages`, :func:`last_digit_test` and
    :func:`second_digit_test` (over the votes of every choice, against the binomial null of
    each count out of the station's valid votes; its ``benford`` part compares every count
    of 10 or more with Benford's law, as a description), the :func:`fingerprint`,
    and the outliers of :func:`regional_outliers`. Each region gets the integer-percentage
    test (exact null, stations of the region) and the last-digit test on its own counts;
    a test fires for a region when its p-value, Bonferroni-adjusted for the number of
    regions and the two tests, is below `alpha`. Regions are ranked by the smallest
    adjusted p-value, then by their share of outlier stations.

    Parameters
    ----------
    results : StationResults
        Needs ``registered``; ``region`` is optional (the country is then one region).
    leader : str, optional
        By default the choice with the most votes.
    decimals, min_registered, include_bounds, simulations, seed
        As for :func:`integer_percentages`.
    last_digit_min : int
        As `min_count` of :func:`last_digit_test`.
    second_digit_min : float
        As `min_expected` of :func:`second_digit_test` (50).
    outlier_threshold, min_region_stations
        As for :func:`regional_outliers`.
    bins : int
        Fingerprint bins per axis.
    alpha : float
        Level for the reasons.
    digits, integers : bool
        Run the digit tests and the integer-percentage test (both on by default).

    Returns
    -------
    ForensicsReport

    References
    ----------
    See :func:`integer_percentages`, :func:`last_digit_test`, :func:`second_digit_test`,
    :func:`fingerprint` and :func:`regional_outliers`.
    """
    if len(results) == 0:
        raise InputError("no stations")
    registered = registered_voters(results)
    name = leader_name(results, leader)
    lead = results.choice(name)
    n = len(results)
    region_names, codes = (
        np.unique(results.region, return_inverse=True)
        if results.region is not None
        else (np.array(["(all)"]), np.zeros(n, dtype=np.int64))
    )
    codes = codes.astype(np.int64)
    ballots = results.ballots
    turnout = np.divide(ballots, registered, out=np.full(n, np.nan), where=registered > 0)
    share = np.divide(lead, ballots, out=np.full(n, np.nan), where=ballots > 0)
    usable = np.isfinite(turnout) & np.isfinite(share)
    expected = _expected_counts(results.votes, results.valid, codes, region_names.size)
    with ThreadPoolExecutor(max_workers=1) as worker:
        # The digit tests are numpy work, which mostly runs without the GIL: on a machine of
        # two cores or more they run beside the station screens, and cost little wall time.
        pending = (
            worker.submit(_digit_tests, results, expected, last_digit_min, second_digit_min)
            if digits
            else None
        )
        fp = _fingerprint(turnout[usable], share[usable], registered[usable].astype(float), bins, 0.999)
        smear = np.zeros(n, dtype=bool)
        smear[usable] = fp.smear
        per = (
            _integer_stations(registered, ballots, lead, decimals, min_registered, include_bounds)
            if integers
            else None
        )
        national_integer = _integer_tests(per, simulations, seed) if per is not None else None
        stations = _Stations(
            results, name, registered, lead, codes, region_names, turnout, share, usable,
            *_robust_scores(turnout, share, codes, region_names.size, min_region_stations),
            smear, per, ballots > registered,
        )  # fmt: skip
        flagged = stations.flagged(outlier_threshold)
    last_digit, second_digit = pending.result() if pending is not None else (None, None)
    notes = []
    if (~usable).any():
        notes.append(
            f"{int((~usable).sum())} station(s) with no registered voters or no ballots are left out "
            "of the fingerprint and the outliers"
        )
    return ForensicsReport(
        stations=n,
        leader=name,
        integer_percentages=national_integer,
        last_digit=last_digit,
        second_digit=second_digit,
        fingerprint=Fingerprint(
            fp.counts, fp.edges, fp.corner_share, fp.centre, fp.smear_stations, fp.smear_share, smear
        ),
        outliers=_outliers(stations, np.flatnonzero(flagged), outlier_threshold),
        regions=_regions(stations, flagged, expected, last_digit_min, alpha),
        histograms={"turnout": _histogram(turnout[usable]), "leader": _histogram(share[usable])},
        alpha=alpha,
        notes=tuple(notes),
    )


def _digit_tests(
    results: StationResults, expected: FloatArray, last_digit_min: int, second_digit_min: float
) -> tuple[LastDigitTest, SecondDigitTest]:
    """The national last-digit and second-digit tests of :func:`forensics_report`."""
    return (
        last_digit_test(results.votes, expected=expected, min_count=last_digit_min),
        second_digit_test(
            results.votes, results.valid[:, None], expected=expected, min_expected=second_digit_min
        ),
    )


def _stuffing_score(z_t: FloatArray, z_l: FloatArray) -> FloatArray:
    """``(z_t + z_l) / sqrt(2 (1 + rho))``: standard normal under the null, large when
    turnout and leader share are both high (rho: robust correlation of the two z-scores,
    Gnanadesikan-Kettenring)."""
    if z_t.size < 3:
        return np.zeros(z_t.size)
    plus = np.median(np.abs((z_t + z_l) - np.median(z_t + z_l))) ** 2
    minus = np.median(np.abs((z_t - z_l) - np.median(z_t - z_l))) ** 2
    rho = float(np.clip((plus - minus) / (plus + minus), -0.9, 0.9)) if plus + minus else 0.0
    return np.asarray((z_t + z_l) / np.sqrt(2 * (1 + rho)))


def _reason_codes(s: _Stations, i: int, threshold: float) -> list[tuple[str, dict[str, Any]]]:
    """Why station `i` is listed: codes of :data:`REASONS` with their values."""
    leader, turnout, share = str(s.leader), float(s.turnout[i]), float(s.share[i])
    reasons: list[tuple[str, dict[str, Any]]] = []
    if s.over[i]:
        reasons.append(("over_registered", {"ballots": int(s.results.ballots[i]),
                                            "registered": int(s.registered[i])}))
    if abs(s.z_turnout[i]) > threshold:
        reasons.append(("turnout_vs_region", {"turnout": turnout, "median": float(s.median_turnout[i]),
                                              "z": float(s.z_turnout[i])}))
    if abs(s.z_leader[i]) > threshold:
        reasons.append(("leader_vs_region", {"leader": leader, "share": share,
                                             "median": float(s.median_leader[i]), "z": float(s.z_leader[i])}))
    if s.z_stuffing[i] > threshold:
        reasons.append(("stuffing_pattern", {"leader": leader, "z": float(s.z_stuffing[i])}))
    if s.smear[i]:
        reasons.append(("smear", {"leader": leader}))
    if s.integers is not None and s.integers.whole_turnout[i]:
        reasons.append(("whole_turnout", {"turnout": turnout}))
    if s.integers is not None and s.integers.whole_leader[i]:
        reasons.append(("whole_leader", {"leader": leader, "share": share}))
    if turnout == 1.0:
        reasons.append(("turnout_100", {}))
    return reasons



def _outliers(s: _Stations, rows: IntArray, threshold: float) -> tuple[Outlier, ...]:
    score = np.maximum(np.maximum(np.abs(s.z_turnout), np.abs(s.z_leader)), s.z_stuffing)
    rows = rows[np.argsort(-score[rows], kind="stable")]
    region = s.results.region
    return tuple(
        Outlier(
            str(s.results.station[i]),
            str(region[i]) if region is not None else "",
            float(score[i]),
            float(s.turnout[i]),
            float(s.share[i]),
            float(s.z_turnout[i]),
            float(s.z_leader[i]),
            float(s.z_stuffing[i]),
            tuple(reason_text(code, values) for code, values in codes),
            tuple(codes),
        )
        for i, codes in ((i, _reason_codes(s, i, threshold)) for i in rows.tolist())
    )


def _regions(
    s: _Stations, flagged: BoolArray, expected: FloatArray, last_digit_min: int, alpha: float
) -> tuple[RegionScreen, ...]:
    count = s.region_names.size
    codes = s.codes
    stations = np.bincount(codes, minlength=count)
    registered = np.bincount(codes, weights=s.registered, minlength=count)
    ballots = np.bincount(codes, weights=s.results.ballots, minlength=count)
    lead = np.bincount(codes, weights=s.lead, minlength=count)
    outliers = np.bincount(codes, weights=flagged, minlength=count).astype(np.int64)
    smeared = np.bincount(codes, weights=s.smear, minlength=count).astype(np.int64)
    integer_tests = _region_integer_tests(s.integers, codes, count)
    digit_tests = _region_last_digits(s.results.votes, expected, codes, count, last_digit_min)
    tests = 2 * count  # Bonferroni: two tests in each region
    screens = []
    for r in range(count):
        integer, digit = integer_tests[r], digit_tests[r]
        adjusted_integer = min(1.0, integer.p_value * tests)
        adjusted_digit = min(1.0, digit.p_value * tests) if np.isfinite(digit.p_value) else 1.0
        reasons: list[tuple[str, dict[str, Any]]] = []
        if adjusted_integer < alpha:
            reasons.append(("region_whole_percentages", {
                "observed": int(integer.observed), "expected": float(integer.expected),
                "excess": float(integer.excess), "p": float(integer.p_value)}))
        if adjusted_digit < alpha:
            reasons.append(("region_last_digits", {"chi2": float(digit.chi2), "p": float(digit.p_value)}))
        if outliers[r]:
            reasons.append(("region_outliers", {"outliers": int(outliers[r]), "stations": int(stations[r])}))
        if smeared[r]:
            reasons.append(("region_smear", {"count": int(smeared[r])}))
        best = min(adjusted_integer, adjusted_digit)
        screens.append(
            RegionScreen(
                region=str(s.region_names[r]),
                stations=int(stations[r]),
                registered=int(registered[r]),
                turnout=float(ballots[r] / registered[r]) if registered[r] else float("nan"),
                leader_share=float(lead[r] / ballots[r]) if ballots[r] else float("nan"),
                outliers=int(outliers[r]),
                smear_stations=int(smeared[r]),
                integer=integer,
                last_digit=digit,
                score=float(-np.log10(max(best, 1e-300))) if best < 1 else 0.0,
                reasons=tuple(reason_text(code, values) for code, values in reasons),
                reason_codes=tuple(reasons),
            )
        )
    screens.sort(key=lambda x: (-x.score, -x.outliers / max(x.stations, 1), x.region))
    return tuple(screens)


def save_figures(report: ForensicsReport, directory: str | Path) -> list[Path]:
    """Write the fingerprint and the percentage histograms as PNG files.

    Creates `directory` if needed and returns the paths written: ``fingerprint.png`` (the
    2-D histogram, log colour scale) and ``percentages.png`` (stations per 0.1 % of turnout
    and of leader share, where whole-percentage peaks show). Uses matplotlib's Agg backend.

    References
    ----------
    .. [1] P. Klimek, Y. Yegorov, R. Hanel and S. Thurner, "Statistical detection of
       systematic election irregularities", *PNAS* 109 (2012) 16469-16473 (the fingerprint).
    .. [2] D. Kobak, S. Shpilkin and M. S. Pshenichnikov, *Annals of Applied Statistics* 10
       (2016) 54-73 (histograms of turnout and result at 0.1 % resolution).
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    fig, ax = plt.subplots(figsize=(6, 5.4), dpi=120)
    counts = report.fingerprint.counts
    colours = matplotlib.colormaps["viridis"].with_extremes(bad="white")
    image = ax.imshow(
        np.ma.masked_equal(np.log10(1 + counts.T), 0.0),
        origin="lower",
        extent=(0, 100, 0, 100),
        cmap=colours,
        aspect="equal",
        interpolation="nearest",
    )
    ax.set_xlabel("turnout, %")
    ax.set_ylabel(f"{report.leader}, % of ballots")
    ax.set_title("Election fingerprint (registered voters per cell)")
    fig.colorbar(image, ax=ax, label="log10(1 + voters)")
    fig.tight_layout()
    paths.append(folder / "fingerprint.png")
    fig.savefig(paths[-1])
    plt.close(fig)
    fig, axes = plt.subplots(2, 1, figsize=(8, 6), dpi=120, sharex=True)
    x = np.arange(1001) / 10
    for ax, key, label in ((axes[0], "turnout", "turnout"), (axes[1], "leader", f"{report.leader}'s share")):
        ax.plot(x, report.histograms[key], lw=0.6, color="black")
        ax.set_ylabel(f"stations per 0.1 %\n{label}")
        for whole in range(10, 100, 10):
            ax.axvline(whole, color="tab:red", lw=0.4, alpha=0.5)
    axes[1].set_xlabel("percent")
    axes[0].set_title("Stations per 0.1 % of turnout and leader's share")
    fig.tight_layout()
    paths.append(folder / "percentages.png")
    fig.savefig(paths[-1])
    plt.close(fig)
    return paths
