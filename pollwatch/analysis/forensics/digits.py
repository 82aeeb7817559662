"""Last digits of vote counts should be uniform (Beber and Scacco 2012).

The second-digit test is in :mod:`.second_digit`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from ._common import (
    FloatArray,
    IntArray,
    finite_or_none,
)


@dataclass(frozen=True)
class LastDigitTest:
    """Chi-square test that last digits are uniform.

    Attributes
    ----------
    counts : tuple of int
        How many counts end in 0, 1, ..., 9.
    n : int
        Counts tested (those of at least `min_count`).
    chi2, p_value : float
        Pearson's statistic with 9 degrees of freedom and its p-value.
    min_count : int
    """

    counts: tuple[int, ...]
    n: int
    chi2: float
    p_value: float
    min_count: int

    def to_dict(self) -> dict[str, Any]:
        """``{"chi2", "p_value", "n", "counts", "min_count"}``."""
        return {
            "chi2": finite_or_none(self.chi2),
            "p_value": finite_or_none(self.p_value),
            "n": self.n,
            "counts": list(self.counts),
            "min_count": self.min_count,
        }


def _last_digit(values: IntArray, min_count: int) -> LastDigitTest:
    n = int(values.size)
    counts = np.bincount(values % 10, minlength=10)
    if n == 0:
        return LastDigitTest(tuple(counts.tolist()), 0, float("nan"), float("nan"), min_count)
    expected = n / 10
    chi2 = float(((counts - expected) ** 2).sum() / expected)
    return LastDigitTest(tuple(int(c) for c in counts), n, chi2, float(stats.chi2.sf(chi2, 9)), min_count)


def _expected_counts(votes: IntArray, valid: IntArray, codes: IntArray, count: int) -> FloatArray:
    """Each station's valid votes times each choice's share of valid votes in its region."""
    totals = np.column_stack(
        [np.bincount(codes, weights=votes[:, j], minlength=count) for j in range(votes.shape[1])]
    ).reshape(count, votes.shape[1])
    valid_total = np.bincount(codes, weights=valid, minlength=count)
    shares = np.divide(
        totals, valid_total[:, None], out=np.zeros_like(totals), where=valid_total[:, None] > 0
    )
    return np.asarray(valid[:, None] * shares[codes], dtype=float)


def last_digit_test(
    counts: npt.ArrayLike, *, expected: npt.ArrayLike | None = None, min_count: int = 100
) -> LastDigitTest:
    r"""Test whether the last digits of vote counts are uniform (Beber and Scacco 2012).

    .. math:: \chi^2 = \sum_{d=0}^{9} \frac{(O_d - n/10)^2}{n/10}, \quad 9 \text{ d.f.}

    Small counts are left out, since the last digit of a count is uniform only when counts
    spread over many tens. Which counts are kept must not depend on the counts themselves:
    cutting at ``count >= 100`` favours the digits just above the cut (0, 1, ...) wherever
    many counts lie near it, and the test then rejects honest data. So counts are kept when
    their `expected` value (by default in :func:`forensics_report`: the station's valid
    votes times the choice's share in the station's region) is at least `min_count`. Without `expected`
    the counts themselves are compared with `min_count`, which is only safe when few counts
    lie near the cut.

    Parameters
    ----------
    counts : array_like of int
        Vote counts (any shape; e.g. stations x choices).
    expected : array_like of float, optional
        Same shape as `counts`: what each count is expected to be, for the selection.
    min_count : int
        Smallest expected count tested.

    Returns
    -------
    LastDigitTest

    References
    ----------
    .. [1] B. Beber and A. Scacco, "What the numbers say: a digit-based test for election
       fraud", *Political Analysis* 20 (2012) 211-234.
    """
    values = np.asarray(counts, dtype=np.int64).ravel()
    basis = values if expected is None else np.asarray(expected, dtype=float).ravel()
    if basis.shape != values.shape:
        raise ValueError("expected must have the shape of counts")
    return _last_digit(values[basis >= min_count], min_count)


def _region_last_digits(
    counts: IntArray, expected: FloatArray, codes: IntArray, count: int, min_count: int
) -> list[LastDigitTest]:
    region = np.repeat(codes, counts.shape[1])
    values = counts.ravel()
    keep = expected.ravel() >= min_count
    table = np.bincount(region[keep] * 10 + values[keep] % 10, minlength=count * 10).reshape(count, 10)
    n = table.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = ((table - n[:, None] / 10) ** 2).sum(axis=1) / (n / 10)
    p = np.where(n > 0, stats.chi2.sf(chi2, 9), np.nan)
    return [
        LastDigitTest(tuple(int(c) for c in row), int(k), float(c2), float(pv), min_count)
        for row, k, c2, pv in zip(table, n, chi2, p, strict=True)
    ]
