"""Second digits: the exact binomial null against brute force, its size on honest simulated
elections, its power on fabricated counts, and Benford's law as a description."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from pollwatch.analysis import (
    BENFORD_SECOND_DIGIT,
    BENFORD_SECOND_MEAN,
    benford_second_digit,
    forensics_report,
    second_digit_test,
    simulate_election,
)
from pollwatch.analysis.forensics import BENFORD_SECOND_SD, second_digit_probabilities, second_digits
from pollwatch.analysis.forensics.binomial_digits import binomial_second_digits
from pollwatch.analysis.forensics.digits import _expected_counts


def _brute_force(v: int, n: int, doubled: bool = False) -> np.ndarray:
    """P(second digit = d | Y >= 10) by summing scipy's pmf over every value: Y ~ Bin(n, v/n),
    or Bin(2n, v/n) - v when `doubled`."""
    size, shift = (2 * n, v) if doubled else (n, 0)
    k = np.arange(size + 1)
    y = k - shift
    keep = y >= 10
    mass = np.bincount(second_digits(y[keep]), weights=stats.binom.pmf(k, size, v / n)[keep], minlength=10)
    return mass / mass.sum()


def _cases(n: int) -> list[int]:
    edges = [1, 2, 5, 9, 10, 11, 19, 20, 50, 95, 99, 100, 101, 105, 110, 990, 999, 1000, 1001, 9999, 10000]
    rng = np.random.default_rng(n)
    return sorted(
        {v for v in [*edges, n // 2, n // 7, n - 1, n, *rng.integers(1, n + 1, 4).tolist()] if 1 <= v <= n}
    )


def test_second_digits_of_counts():
    assert second_digits([0, 7, 10, 19, 99, 100, 123, 1999, 10_000, 98_765]).tolist() == [
        -1, -1, 0, 9, 9, 0, 2, 9, 0, 8,
    ]  # fmt: skip


@pytest.mark.parametrize("n", [10, 12, 99, 100, 101, 150, 999, 1000, 1001, 2500, 9999, 10000, 10001, 30000])
def test_binomial_second_digit_probabilities_match_brute_force_sums(n):
    # Both ways of summing (Fourier and value by value) and both draws (the null and the
    # doubled noise of the bias correction), at decade edges and in between, to 1e-12.
    v = np.array(_cases(n))
    once, twice = binomial_second_digits(v, np.full(v.size, n), doubled=True)
    assert twice is not None
    for i, count in enumerate(v.tolist()):
        assert np.abs(once[i] - _brute_force(count, n)).max() < 1e-12, count
        assert np.abs(twice[i] - _brute_force(count, n, doubled=True)).max() < 1e-12, count
    np.testing.assert_allclose(second_digit_probabilities(v, np.full(v.size, n)), once, atol=1e-15)


def test_binomial_second_digit_probabilities_edge_rows():
    p = second_digit_probabilities([0, 5, 250, 7], [100, 5, 250, 9])
    assert p[0].tolist() == [0.0] * 10  # no votes: no draw
    assert np.isnan(p[1]).all() and np.isnan(p[3]).all()  # no draw can reach 10
    assert p[2].tolist() == [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]  # p = 1: always 250
    with pytest.raises(ValueError, match="between 0 and their base"):
        second_digit_probabilities([11], [10])


def test_benford_second_digit_mean_and_sd():
    # Mebane (2006): mean 4.187, variance 8.254, so sd 2.873 (by hand from the ten
    # frequencies: sum d^2 p_d = 25.788, minus 4.1874^2 = 17.534).
    assert BENFORD_SECOND_DIGIT.sum() == pytest.approx(1.0)
    assert abs(BENFORD_SECOND_MEAN - 4.187) < 5e-4
    assert abs(BENFORD_SECOND_SD**2 - 8.254) < 5e-4
    assert abs(BENFORD_SECOND_SD - 2.873) < 5e-4


def test_benford_comparison_on_benford_data_and_on_uniform_digits():
    rng = np.random.default_rng(1)
    benford = np.floor(10 ** rng.uniform(1, 7, 50_000)).astype(np.int64)
    result = benford_second_digit(benford)
    assert result.p_value > 0.001 and result.chi2_p_value > 0.001
    assert result.to_dict()["descriptive"] is True
    fabricated = rng.integers(100, 1000, 50_000) // 10 * 10 + 5  # second digits uniform
    assert benford_second_digit(fabricated).chi2_p_value < 1e-10


def _honest(seed: int, stations: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    results = simulate_election(stations, regions=10, seed=seed).results
    assert results.region is not None
    codes = np.unique(results.region, return_inverse=True)[1].astype(np.int64)
    return results.votes, results.valid, _expected_counts(results.votes, results.valid, codes, 10)


def test_calibrated_second_digit_test_holds_its_size_on_honest_elections():
    # 200 honest elections of 1,000 stations. Under a correct null each test rejects at 5 %
    # in Binomial(200, 0.05) of them (mean 10, sd 3.1): P(X <= 2) = 0.002 and
    # P(X >= 20) = 0.004. Benford's law, on the same counts, rejects more often than that
    # (measured: 23 times).
    mean = chi2 = benford = 0
    for seed in range(200):
        votes, valid, expected = _honest(20_000 + seed, 1000)
        result = second_digit_test(votes, valid[:, None], expected=expected)
        assert result.benford is not None
        mean += result.p_value < 0.05
        chi2 += result.chi2_p_value < 0.05
        benford += result.benford.p_value < 0.05
    assert 3 <= mean <= 19 and 3 <= chi2 <= 19, (mean, chi2)
    assert benford > 19, benford


@pytest.mark.parametrize("fabrication", ["favourite", "tens", "hundreds", "uniform"])
def test_calibrated_second_digit_test_rejects_fabricated_counts(fabrication):
    votes, valid, expected = _honest(3, 5000)
    assert second_digit_test(votes, valid[:, None], expected=expected).p_value > 0.01
    rng = np.random.default_rng(4)
    stations = (rng.random(len(votes)) < 0.2)[:, None]  # a fifth of the stations
    v = votes.copy()
    if fabrication == "favourite":  # second digit of three-digit counts set to 0 or 5
        rows = stations & (v >= 100) & (v < 1000)
        v[rows] = v[rows] // 100 * 100 + rng.choice([0, 50], v.shape)[rows] + v[rows] % 10
    elif fabrication == "tens":
        v[stations[:, 0]] = np.round(v[stations[:, 0]], -1)
    elif fabrication == "hundreds":
        rows = stations & (v >= 100)
        v[rows] = np.round(v[rows], -2)
    else:  # every three-digit count's second digit drawn uniformly
        rows = (v >= 100) & (v < 1000)
        v[rows] = v[rows] // 100 * 100 + rng.integers(0, 10, v.shape)[rows] * 10 + v[rows] % 10
    result = second_digit_test(v, np.maximum(valid, v.sum(axis=1))[:, None], expected=expected)
    assert result.p_value < 1e-10 and result.chi2_p_value < 1e-10


def test_second_digit_test_selects_by_expected_count():
    votes, valid, expected = _honest(5, 500)
    everything = second_digit_test(votes, valid[:, None])
    selected = second_digit_test(votes, valid[:, None], expected=expected, min_expected=50)
    assert everything.n == int((votes >= 10).sum())
    assert selected.n == int(((votes >= 10) & (expected >= 50)).sum()) < everything.n
    assert sum(selected.counts) == selected.n
    assert sum(selected.expected) == pytest.approx(selected.n)
    assert selected.df == 9
    empty = second_digit_test([[5, 3]], [[8]])
    assert empty.n == 0 and np.isnan(empty.p_value)


def test_report_uses_the_calibrated_test_and_keeps_benford_as_description():
    sim = simulate_election(1000, regions=4, seed=6)
    report = forensics_report(sim.results)
    assert report.second_digit is not None and report.second_digit.min_expected == 50
    data = report.to_dict()["second_digit"]
    assert data["null"] == "binomial"
    assert set(data) >= {"mean", "expected_mean", "p_value", "chi2", "chi2_p_value", "counts", "expected"}
    assert data["benford"]["descriptive"] is True
    assert data["benford"]["expected_mean"] == pytest.approx(4.187, abs=5e-4)


def test_second_digit_null_shared_among_threads_equals_one_thread(monkeypatch):
    from pollwatch.analysis.forensics import second_digit as module

    results = simulate_election(20_000, regions=5, seed=11).results
    assert results.region is not None
    codes = np.unique(results.region, return_inverse=True)[1]
    expected = _expected_counts(results.votes, results.valid, codes, 5)
    monkeypatch.setattr(module, "_WORKERS", 1)
    alone = second_digit_test(results.votes, results.valid[:, None], expected=expected)
    monkeypatch.setattr(module, "_WORKERS", 3)
    monkeypatch.setattr(module, "_ROWS_PER_WORKER", 1_000)
    shared = second_digit_test(results.votes, results.valid[:, None], expected=expected)

    assert shared.n == alone.n > 3_000
    assert shared.expected == pytest.approx(alone.expected, rel=1e-12)
    assert shared.z == pytest.approx(alone.z, rel=1e-9)
    assert shared.chi2 == pytest.approx(alone.chi2, rel=1e-9)
