"""Election forensics: exact nulls against brute force, false alarms, power, and real data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from pollwatch.analysis import (
    BENFORD_SECOND_DIGIT,
    BENFORD_SECOND_MEAN,
    StationResults,
    fingerprint,
    forensics_report,
    integer_percentages,
    last_digit_test,
    regional_outliers,
    save_figures,
    simulate_election,
    whole_percent,
)
from pollwatch.analysis._io import read_results
from pollwatch.analysis.forensics.integers import _whole_percent_probability

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("k", "n", "decimals", "whole"),
    [
        (57, 100, 1, True),  # 57.0 %
        (1234, 2000, 1, False),  # 61.7 %
        (5705, 10000, 1, False),  # 57.05 % rounds half up to 57.1
        (57049, 100000, 1, True),  # 57.049 % rounds to 57.0
        (56951, 100000, 1, True),  # 56.951 % rounds to 57.0
        (56949, 100000, 1, False),  # 56.949 % rounds to 56.9
        (1, 3, None, False),  # 33.33... % is not exactly whole
        (1, 4, None, True),  # 25 % exactly
        (100, 100, 1, False),  # 100 % is left out by default
        (0, 100, 1, False),  # and so is 0 %
        (3, 0, 1, False),  # no voters: nothing to say
    ],
)
def test_whole_percent_rounding(k, n, decimals, whole):
    assert bool(whole_percent(k, n, decimals)) is whole


def test_whole_percent_bounds_can_be_included():
    assert whole_percent(100, 100, 1, include_bounds=True)
    assert whole_percent(0, 100, 1, include_bounds=True)


@pytest.mark.parametrize("decimals", [1, 2, None])
def test_exact_null_probability_matches_brute_force(decimals):
    # Brute force: sum the binomial pmf (scipy.stats.binom) over every count 0..n that is
    # a whole percentage. The fast computation truncates at 5 sd and puts the tail back as
    # its average share: agreement to 1e-6 per station.
    rng = np.random.default_rng(3)
    n = np.concatenate([rng.integers(20, 3000, 60), [100, 200, 1000, 2000, 4000, 137]])
    k = np.concatenate([rng.binomial(n[:60], rng.uniform(0.02, 0.98, 60)), [50, 199, 1, 1000, 3999, 68]])
    fast = _whole_percent_probability(k, n, decimals, include_bounds=False)
    for i in range(n.size):
        support = np.arange(n[i] + 1)
        mask = whole_percent(support, np.full(support.size, n[i]), decimals)
        exact = stats.binom.pmf(support[mask], n[i], k[i] / n[i]).sum()
        assert fast[i] == pytest.approx(exact, abs=1e-6), (n[i], k[i])


def test_exact_null_agrees_with_kobaks_monte_carlo():
    # Expected counts: exact (Poisson-binomial) versus the simulated null of Kobak et al.
    # (400 draws). They must agree within 4 Monte Carlo standard errors.
    sim = simulate_election(5000, regions=10, seed=7)
    exact = integer_percentages(sim.results)
    simulated = integer_percentages(sim.results, simulations=400, seed=1)
    for key in ("turnout", "leader", "either"):
        e, s = getattr(exact, key), getattr(simulated, key)
        assert e.observed == s.observed
        assert e.expected == pytest.approx(s.expected, abs=4 * s.sd / np.sqrt(400))
        assert e.sd == pytest.approx(s.sd, rel=0.2)
    assert simulated.either.method == "simulation"


def test_false_alarm_rate_on_honest_simulated_elections():
    # 200 honest elections of 2,000 stations: each test should fire (p < 0.01) in about 2 of
    # them. Under a correct null the count is Binomial(200, 0.01); P(X >= 7) = 0.005, so more
    # than 6 firings means the size is not controlled. (The bench runs 2,000 elections.)
    fired = dict.fromkeys(
        ["turnout", "leader", "either", "last_digit", "second_mean", "second_chi2", "region"], 0
    )
    for seed in range(200):
        sim = simulate_election(2000, regions=10, seed=10_000 + seed)
        report = forensics_report(sim.results)
        ip, sd = report.integer_percentages, report.second_digit
        assert ip is not None and report.last_digit is not None and sd is not None
        fired["turnout"] += ip.turnout.p_value < 0.01
        fired["leader"] += ip.leader.p_value < 0.01
        fired["either"] += ip.either.p_value < 0.01
        fired["last_digit"] += report.last_digit.p_value < 0.01
        fired["second_mean"] += sd.p_value < 0.01
        fired["second_chi2"] += sd.chi2_p_value < 0.01
        fired["region"] += any(r.score > 2 for r in report.regions)  # adjusted p < 0.01
    assert all(count <= 6 for count in fired.values()), fired


def _round_turnout(sim_results: StationResults, share: float, seed: int) -> StationResults:
    """Set turnout to a whole percentage at `share` of stations, adding or removing ballots
    for the leader (the manipulation Kobak et al. describe)."""
    rng = np.random.default_rng(seed)
    r = sim_results
    assert r.registered is not None
    rows = rng.random(len(r)) < share
    target = np.round(np.round(r.ballots * 100 / r.registered) * r.registered / 100)
    target = target.astype(np.int64)
    delta = np.where(rows & whole_percent(target, r.registered), target - r.ballots, 0)
    delta = np.maximum(delta, -r.votes[:, 0])
    votes = r.votes.copy()
    votes[:, 0] += delta
    return StationResults(
        r.station, r.ballots + delta, r.valid + delta, r.invalid, votes, r.choices, r.registered, r.region
    )


def test_integer_test_detects_rounded_turnout():
    sim = simulate_election(5000, regions=10, seed=8)
    doctored = _round_turnout(sim.results, 0.05, seed=1)
    result = integer_percentages(doctored)
    assert result.turnout.p_value < 1e-6
    assert result.turnout.excess > 100
    assert integer_percentages(sim.results).turnout.p_value > 0.001


def test_outliers_find_stuffed_stations():
    # 5 % of 20,000 stations stuffed with 60-100 % of their non-voters (the strong end of
    # Klimek et al.'s incremental fraud); seed fixed. Measured with this seed: precision
    # 0.993, recall 0.898. The assertions leave a margin; the bench reports the curve for
    # weaker stuffing, where recall is lower.
    sim = simulate_election(20_000, regions=20, seed=1, stuffing=0.05, stuffing_strength=(0.6, 1.0))
    report = forensics_report(sim.results)
    flagged = np.isin(sim.results.station, [o.station for o in report.outliers])
    precision = (flagged & sim.stuffed).sum() / flagged.sum()
    recall = (flagged & sim.stuffed).sum() / sim.stuffed.sum()
    assert precision > 0.95
    assert recall > 0.85
    assert report.fingerprint.smear_stations > 0
    top = report.outliers[0]
    assert any("ballot stuffing" in reason for reason in top.reasons)


def test_honest_election_has_few_outliers():
    sim = simulate_election(20_000, regions=20, seed=2)
    outliers = regional_outliers(sim.results)
    # Normal scores beyond 3.5 (two-sided on turnout and share, one-sided on the combined
    # score): about 5 x 2.3e-4 x 20,000 = 23 stations expected; measured 23 with this seed.
    assert len(outliers) < 50


def test_robust_z_by_hand():
    # One region of 11 stations: turnout 0.50 ... 0.60 by 0.01 and one at 0.95.
    registered = np.full(12, 1000)
    ballots = np.array([500, 510, 520, 530, 540, 550, 560, 570, 580, 590, 600, 950])
    leader = ballots // 2
    results = StationResults(
        np.array([f"s{i}" for i in range(12)]),
        ballots,
        ballots,
        np.zeros(12, dtype=np.int64),
        np.column_stack([leader, ballots - leader]),
        ("A", "B"),
        registered,
        np.array(["R"] * 12),
    )
    (outlier,) = regional_outliers(results)
    # Median 0.555, MAD 0.03 -> scale 1.4826 x 0.03 = 0.04448; z = (0.95 - 0.555) / 0.04448
    # = 8.88 (hand computed).
    assert outlier.station == "s11"
    assert outlier.z_turnout == pytest.approx((0.95 - 0.555) / (1.4826 * 0.03), rel=1e-9)


def test_last_digit_chi_square_by_hand():
    # 100 counts, digits 0..9 ten times each except digit 0 (20 times) and 9 (0 times):
    # chi2 = (20 - 10)^2 / 10 + (0 - 10)^2 / 10 = 20, 9 d.f. (hand computed).
    counts = np.array([100 + d for d in range(9) for _ in range(10)] + [200] * 10)
    result = last_digit_test(counts)
    assert result.chi2 == pytest.approx(20.0)
    assert result.p_value == pytest.approx(stats.chi2.sf(20.0, 9))


def test_last_digit_selection_by_expected_count_avoids_the_cut_bias():
    # Counts drawn around a mean of 130: cutting on the count at 100 keeps a steep lower
    # tail and biases the digits; selecting on the expected value does not.
    rng = np.random.default_rng(0)
    expected = rng.uniform(60, 200, 200_000)
    counts = rng.poisson(expected)
    assert last_digit_test(counts, expected=expected).p_value > 0.001
    assert last_digit_test(counts[counts >= 100], min_count=100).p_value < 1e-6


def test_benford_second_digit_constants():
    # Nigrini, "Benford's Law" (2012), table 5.1: 0.11968, 0.11389, ..., 0.08500; mean 4.187.
    assert BENFORD_SECOND_DIGIT[0] == pytest.approx(0.11968, abs=5e-6)
    assert BENFORD_SECOND_DIGIT[9] == pytest.approx(0.08500, abs=5e-6)
    assert BENFORD_SECOND_DIGIT.sum() == pytest.approx(1.0)
    assert abs(BENFORD_SECOND_MEAN - 4.187) < 5e-4


def test_fingerprint_weights_by_registered_voters():
    sim = simulate_election(3000, regions=5, seed=5)
    fp = fingerprint(sim.results)
    assert sim.results.registered is not None
    assert fp.counts.sum() == pytest.approx(sim.results.registered.sum())
    assert fp.counts.shape == (100, 100)
    assert fp.corner_share == 0.0
    data = fp.to_dict()
    assert data["bins"] == 100 and len(data["edges"]) == 101


def test_moscow_2011_has_the_integer_excess_and_sverdlovsk_does_not():
    # Kobak, Shpilkin and Pshenichnikov (2016) find integer peaks in Moscow in 2011. On the
    # excerpt (tests/data), measured with pollwatch: Moscow 769 stations at a whole
    # percentage against 628.7 expected (z = 6.2); Sverdlovsk 475 against 476.8.
    results = read_results(DATA / "ru2011-moscow-sverdlovsk.csv.gz")
    report = forensics_report(results)
    assert report.leader == "UR"
    regions = {r.region: r for r in report.regions}
    moscow, sverdlovsk = regions["Город Москва"], regions["Свердловская область"]
    assert moscow.integer.observed == 769
    assert moscow.integer.expected == pytest.approx(628.7, abs=0.1)
    assert moscow.integer.p_value < 1e-6
    assert sverdlovsk.integer.p_value > 0.1
    assert report.regions[0].region == "Город Москва"
    assert any("whole percentage" in reason for reason in moscow.reasons)


def test_report_json_shape():
    sim = simulate_election(1000, regions=4, seed=6, stuffing=0.05)
    data = forensics_report(sim.results).to_dict(limit=5)
    assert set(data["integer_percentages"]["turnout"]) >= {"observed", "expected", "p_value"}
    assert set(data["integer_percentages"]["leader"]) >= {"observed", "expected", "p_value"}
    assert set(data["last_digit"]) >= {"chi2", "p_value"}
    assert set(data["second_digit"]) >= {"mean", "p_value"}
    assert len(data["outliers"]) <= 5
    assert set(data["outliers"][0]) >= {"station", "score", "reasons"}
    assert data["regions"][0]["region"].startswith("R")


def test_figures_are_written(tmp_path):
    sim = simulate_election(500, regions=2, seed=1)
    paths = save_figures(forensics_report(sim.results), tmp_path / "figures")
    assert [p.name for p in paths] == ["fingerprint.png", "percentages.png"]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths)
