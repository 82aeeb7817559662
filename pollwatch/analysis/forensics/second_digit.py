"""Second digits of vote counts against the binomial null of the counts themselves
(Mebane 2006's tests, with the null computed as Kobak et al. compute theirs), and against
Benford's law as a description (Deckert, Myagkov and Ordeshook 2011).

The null's probabilities are computed exactly in :mod:`.binomial_digits`."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from ._common import FloatArray, IntArray, finite_or_none
from .binomial_digits import binomial_second_digits, second_digits

BENFORD_SECOND_DIGIT: FloatArray = np.array(
    [sum(np.log10(1 + 1 / (10 * k + d)) for k in range(1, 10)) for d in range(10)]
)
"""Benford's law for the second digit: P(d) = sum over k=1..9 of log10(1 + 1/(10k + d))."""

BENFORD_SECOND_MEAN = float(np.arange(10) @ BENFORD_SECOND_DIGIT)
"""Mean second digit under Benford's law, 4.187 (Mebane 2006)."""

BENFORD_SECOND_SD = float(np.sqrt((np.arange(10) ** 2) @ BENFORD_SECOND_DIGIT - BENFORD_SECOND_MEAN**2))
"""Standard deviation of one second digit under Benford's law, 2.873."""

SECOND_DIGIT_MIN_EXPECTED = 50
"""Default smallest expected count in the calibrated second-digit test (see
:func:`second_digit_test`)."""

_DIGITS = np.arange(10, dtype=float)

_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
_WORKERS = min(4, _CORES)
"""Threads that share the null's probabilities (numpy releases the GIL in their sums): the
cores this process may use, at most four."""

_ROWS_PER_WORKER = 50_000
"""Fewer distinct counts than this per thread are not worth a thread."""


@dataclass(frozen=True)
class BenfordSecondDigit:
    """Second digits against Benford's law (Mebane 2006): a description, not a test.

    Honest counts need not follow Benford's law (Deckert, Myagkov and Ordeshook 2011): with
    many stations of similar size both statistics reject without any manipulation.

    Attributes
    ----------
    mean : float
        Mean second digit of the counts of 10 or more.
    z, p_value : float
        :math:`(\\bar d - 4.187) \\sqrt{n} / 2.873` and its two-sided normal p-value.
    chi2, chi2_p_value : float
        Pearson's statistic against the Benford frequencies (9 d.f.).
    n : int
    counts : tuple of int
        Counts with second digit 0 ... 9.
    """

    mean: float
    z: float
    p_value: float
    chi2: float
    chi2_p_value: float
    n: int
    counts: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"mean", "expected_mean", "z", "p_value", "chi2", "chi2_p_value", "n", "counts",
        "descriptive"}`` (``expected_mean`` is Benford's 4.187; ``descriptive`` is true)."""
        return {
            "mean": finite_or_none(self.mean),
            "expected_mean": BENFORD_SECOND_MEAN,
            "z": finite_or_none(self.z),
            "p_value": finite_or_none(self.p_value),
            "chi2": finite_or_none(self.chi2),
            "chi2_p_value": finite_or_none(self.chi2_p_value),
            "n": self.n,
            "counts": list(self.counts),
            "descriptive": True,
        }


def benford_second_digit(counts: npt.ArrayLike) -> BenfordSecondDigit:
    r"""Compare the second digits of vote counts with Benford's law (Mebane 2006).

    Benford's second-digit frequencies are
    :math:`p_d = \sum_{k=1}^{9} \log_{10}\bigl(1 + 1/(10k + d)\bigr)`, with mean
    :math:`\mu_B = 4.187` and standard deviation :math:`\sigma_B = 2.873`; the mean test is
    :math:`z = (\bar d - \mu_B) \sqrt{n} / \sigma_B` and the chi-square compares the ten
    frequencies (9 d.f.). Counts below 10 have no second digit and are left out.

    Honest counts need not follow Benford's law (Deckert, Myagkov and Ordeshook 2011): the
    figures describe the counts; :func:`second_digit_test` is the calibrated test.

    Parameters
    ----------
    counts : array_like of int
        Vote counts (any shape).

    Returns
    -------
    BenfordSecondDigit

    References
    ----------
    .. [1] W. R. Mebane, "Election forensics: vote counts and Benford's law", Summer
       Meeting of the Political Methodology Society, 2006.
    .. [2] J. Deckert, M. Myagkov and P. C. Ordeshook, "Benford's law and the detection of
       election fraud", *Political Analysis* 19 (2011) 245-268.
    """
    digits = second_digits(np.asarray(counts, dtype=np.int64).ravel())
    digits = digits[digits >= 0]
    n = int(digits.size)
    frequencies = np.bincount(digits, minlength=10)
    if n == 0:
        nan = float("nan")
        return BenfordSecondDigit(nan, nan, nan, nan, nan, 0, tuple(int(c) for c in frequencies))
    mean = float(digits.mean())
    z = (mean - BENFORD_SECOND_MEAN) * np.sqrt(n) / BENFORD_SECOND_SD
    expected = n * BENFORD_SECOND_DIGIT
    chi2 = float(((frequencies - expected) ** 2 / expected).sum())
    return BenfordSecondDigit(
        mean, float(z), float(2 * stats.norm.sf(abs(z))), chi2, float(stats.chi2.sf(chi2, 9)), n,
        tuple(int(c) for c in frequencies),
    )  # fmt: skip


@dataclass(frozen=True)
class SecondDigitTest:
    """Second digits of vote counts against the binomial null of the counts themselves.

    Attributes
    ----------
    mean : float
        Mean second digit of the counts tested.
    expected_mean : float
        Its expectation under the null.
    z, p_value : float
        The mean test: :math:`z = \\sum_i (d_i - \\mu_i) / \\sqrt{\\sum_i (d_i - \\mu_i)^2}`
        and its two-sided p-value.
    chi2, chi2_p_value : float
        The ten frequencies against their expectation (Wald statistic), and its p-value.
    df : int
        Degrees of freedom of `chi2` (9, fewer when some digits cannot occur).
    n : int
        Counts tested.
    counts : tuple of int
        Counts tested with second digit 0 ... 9.
    expected : tuple of float
        Their expectation under the null.
    min_expected : float
        Counts were tested when their expected value was at least this (and they were 10 or
        more).
    benford : BenfordSecondDigit or None
        The comparison with Benford's law, over every count of 10 or more (descriptive).
    """

    mean: float
    expected_mean: float
    z: float
    p_value: float
    chi2: float
    chi2_p_value: float
    df: int
    n: int
    counts: tuple[int, ...]
    expected: tuple[float, ...]
    min_expected: float
    benford: BenfordSecondDigit | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"mean", "p_value", "expected_mean", "z", "chi2", "chi2_p_value", "df", "n",
        "counts", "expected", "min_expected", "null", "benford"}`` (``null`` is
        ``"binomial"``; ``benford`` is :meth:`BenfordSecondDigit.to_dict` or null)."""
        return {
            "mean": finite_or_none(self.mean),
            "p_value": finite_or_none(self.p_value),
            "expected_mean": finite_or_none(self.expected_mean),
            "z": finite_or_none(self.z),
            "chi2": finite_or_none(self.chi2),
            "chi2_p_value": finite_or_none(self.chi2_p_value),
            "df": self.df,
            "n": self.n,
            "counts": list(self.counts),
            "expected": [round(e, 3) for e in self.expected],
            "min_expected": self.min_expected,
            "null": "binomial",
            "benford": self.benford.to_dict() if self.benford is not None else None,
        }


@dataclass(frozen=True, eq=False)
class _DigitNull:
    """The counts tested, by distinct (count, base), with each one's null distribution;
    ``weight`` is how many counts share a row (counts with the same value and base have the
    same null)."""

    digit: IntArray
    probabilities: FloatArray
    weight: FloatArray

    @property
    def residual(self) -> FloatArray:
        """Second digit minus its expectation, per row."""
        return np.asarray(self.digit - self.probabilities @ _DIGITS)


def _digit_null(
    counts: IntArray,
    bases: IntArray,
    expected: FloatArray | None,
    min_expected: float,
    tail: float,
    corrected: bool = True,
) -> _DigitNull:
    tested = (counts >= 10) & (counts <= bases)
    if expected is not None:
        tested &= expected >= min_expected
    v, n = counts[tested], bases[tested]
    values, sizes, weight = _distinct_pairs(v, n)
    return _DigitNull(second_digits(values), _null_probabilities(values, sizes, tail, corrected), weight)


def _null_probabilities(values: IntArray, sizes: IntArray, tail: float, corrected: bool) -> FloatArray:
    """:math:`P_i` of :func:`second_digit_test` for each distinct (count, base).

    Each row is computed alone, so the rows are shared out, interleaved (neighbours cost
    alike), among threads: the sums are numpy work that releases the GIL, and a million
    stations take half the time on two cores."""
    parts = max(1, min(_WORKERS, values.size // _ROWS_PER_WORKER))

    def part(first: int) -> FloatArray:
        rows = slice(first, None, parts)
        once, twice = binomial_second_digits(values[rows], sizes[rows], tail=tail, doubled=corrected)
        return once if twice is None else 2 * once - twice  # see second_digit_test

    if parts == 1:
        return part(0)
    probabilities = np.empty((values.size, 10))
    with ThreadPoolExecutor(max_workers=parts) as pool:
        for first, rows in enumerate(pool.map(part, range(parts))):
            probabilities[first::parts] = rows
    return probabilities


def _distinct_pairs(v: IntArray, n: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
    """The distinct pairs (v, n) and how many times each occurs."""
    if v.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    span = int(v.max()) + 1
    key = n * span + v
    if int(key.max()) < 2**31:  # sorting 32-bit keys takes half the time
        key = key.astype(np.int32)
    keys, times = np.unique(key, return_counts=True)
    keys = keys.astype(np.int64)
    return keys % span, keys // span, times.astype(float)


def _second_digit_result(
    null: _DigitNull, min_expected: float, benford: BenfordSecondDigit | None
) -> SecondDigitTest:
    weight, p = null.weight, null.probabilities
    n = int(weight.sum())
    observed = np.bincount(null.digit, weights=weight, minlength=10)
    expected = weight @ p if n else np.zeros(10)
    if n == 0:
        nan = float("nan")
        return SecondDigitTest(
            nan, nan, nan, nan, nan, nan, 0, 0, (0,) * 10, (0.0,) * 10, min_expected, benford
        )
    residual = null.residual
    z = float(residual @ weight / np.sqrt((residual**2) @ weight))
    chi2, df = _wald(observed - expected, p, null.digit, weight)
    return SecondDigitTest(
        mean=float(observed @ _DIGITS / n),
        expected_mean=float(expected @ _DIGITS / n),
        z=z,
        p_value=float(2 * stats.norm.sf(abs(z))),
        chi2=chi2,
        chi2_p_value=float(stats.chi2.sf(chi2, df)) if df else float("nan"),
        df=df,
        n=n,
        counts=tuple(int(c) for c in observed),
        expected=tuple(float(e) for e in expected),
        min_expected=min_expected,
        benford=benford,
    )


def _wald(difference: FloatArray, p: FloatArray, digit: IntArray, weight: FloatArray) -> tuple[float, int]:
    r"""Wald statistic :math:`(O - E)^\top \hat S^{+} (O - E)` and its degrees of freedom.

    :math:`\hat S = \sum_i r_i r_i^\top` with :math:`r_i = e_{d_i} - P_i` (one count's
    indicator of its digit minus its null probabilities): the empirical ("sandwich")
    covariance of :math:`O - E`. Its rank, normally 9 (the ten frequencies sum to n), is the
    degrees of freedom.
    """
    residual = -p
    residual[np.arange(digit.size), digit] += 1
    s = (residual * weight[:, None]).T @ residual
    values, vectors = np.linalg.eigh(s)
    keep = values > 1e-9 * max(values.max(), 1e-300)
    projected = vectors[:, keep].T @ difference
    return float((projected**2 / values[keep]).sum()), int(keep.sum())


def second_digit_test(
    counts: npt.ArrayLike,
    bases: npt.ArrayLike,
    *,
    expected: npt.ArrayLike | None = None,
    min_expected: float = SECOND_DIGIT_MIN_EXPECTED,
    tail: float = 8.0,
    benford: bool = True,
) -> SecondDigitTest:
    r"""Test the second digits of vote counts against the binomial null of the counts.

    The null is the one of Kobak, Shpilkin and Pshenichnikov (2016) for integer
    percentages, applied to second digits: each count :math:`v_i` is a draw from
    :math:`\mathrm{Bin}(n_i, \hat p_i)`, :math:`\hat p_i = v_i / n_i`, with :math:`n_i` the
    station's valid votes (what the counts of the choices are drawn from). Its second digit
    then has the distribution :math:`P^{(1)}_i` of :func:`second_digit_probabilities` (given
    that it has one), computed exactly.

    The null is centred on the observed count, not on its unknown mean, so
    :math:`P^{(1)}_i` is the digit smoothed by the binomial noise twice. The test uses
    :math:`P_i = 2 P^{(1)}_i - P^{(2)}_i`, with :math:`P^{(2)}_i` the distribution of
    :math:`\mathrm{Bin}(2n_i, \hat p_i) - v_i` (the noise three times over, counting the
    draw of :math:`v_i`): the usual bootstrap bias correction, which removes the
    :math:`O(\sigma^2)` term of the smoothing. Over the counts tested,

    .. math:: E_d = \sum_i P_{id}, \quad \mu_i = \sum_d d P_{id}, \quad
              z = \frac{\sum_i (d_i - \mu_i)}{\sqrt{\sum_i (d_i - \mu_i)^2}},

    the mean test (Mebane's, with the null's mean :math:`\sum_i \mu_i / n` in place of
    Benford's 4.187), two-sided; and the Wald chi-square of the ten frequencies
    :math:`O - E` with the covariance :math:`\sum_i (e_{d_i} - P_i)(e_{d_i} - P_i)^\top`
    (9 d.f.). The variances are the empirical ("sandwich") ones: the null's own variance,
    :math:`\sum_i \mathrm{Var}_{P_i}(d)`, is not the variance of :math:`d_i - \mu_i` when
    :math:`P_i` is centred on the count it is compared with.

    Honest counts do not follow Benford's law (Deckert, Myagkov and Ordeshook 2011); this
    null does not assume they do. Counts below 10 have no second digit and are left out, as
    Mebane does. Which counts are tested must not depend on their digits: a count is tested
    when its `expected` value is at least `min_expected` (in :func:`forensics_report`, the
    station's valid votes times the choice's share in its region); a count near 10 compared
    with a null cut at 10 biases the test, and the default of 50 keeps such counts rare.

    The null is local: it asks whether each count's second digit is typical of binomial
    draws around that count. It finds second digits piled on favourite values (0 and 5),
    counts rounded to tens or hundreds, and second digits replaced by uniform ones (tests);
    it cannot see a count invented whole with a plausible second digit.

    Parameters
    ----------
    counts : array_like of int
        Vote counts (any shape; e.g. stations x choices).
    bases : array_like of int
        What each count is out of (broadcast to the shape of `counts`; e.g. the valid votes
        as a column). Counts above their base are left out.
    expected : array_like of float, optional
        The shape of `counts`: each count's expected value, for the selection. Without it
        every count of 10 or more is tested.
    min_expected : float
        Smallest expected count tested.
    tail : float
        Width of the exact sums (:func:`second_digit_probabilities`).
    benford : bool
        Also compare the counts with Benford's law (:func:`benford_second_digit`).

    Returns
    -------
    SecondDigitTest

    References
    ----------
    .. [1] W. R. Mebane, "Election forensics: vote counts and Benford's law", Summer
       Meeting of the Political Methodology Society, 2006; "Election forensics: the
       second-digit Benford's law test and recent American presidential elections", 2006.
    .. [2] J. Deckert, M. Myagkov and P. C. Ordeshook, "Benford's law and the detection of
       election fraud", *Political Analysis* 19 (2011) 245-268.
    .. [3] D. Kobak, S. Shpilkin and M. S. Pshenichnikov, "Integer percentages as electoral
       falsification fingerprints", *Annals of Applied Statistics* 10 (2016) 54-73.
    .. [4] H. White, "A heteroskedasticity-consistent covariance matrix estimator",
       *Econometrica* 48 (1980) 817-838 (the sandwich).
    """
    values = np.asarray(counts, dtype=np.int64)
    sizes = np.broadcast_to(np.asarray(bases, dtype=np.int64), values.shape).ravel()
    basis = None
    if expected is not None:
        basis = np.asarray(expected, dtype=float)
        if basis.shape != values.shape:
            raise ValueError("expected must have the shape of counts")
        basis = basis.ravel()
    values = values.ravel()
    null = _digit_null(values, sizes, basis, min_expected if basis is not None else 0.0, tail)
    return _second_digit_result(
        null, min_expected if basis is not None else 0.0, benford_second_digit(values) if benford else None
    )
