"""Quick count: the combined ratio estimator against a hand computation, and its coverage."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from pollwatch.analysis import (
    InputError,
    StationFrame,
    StationResults,
    design_sample,
    quick_count,
    simulate_election,
)
from pollwatch.analysis._io import read_results

DATA = Path(__file__).parent / "data"

# A frame of 10 stations in two strata, and 5 reported stations.
FRAME = StationFrame(
    np.array([f"s{i}" for i in range(1, 11)]),
    np.array(["X"] * 4 + ["Y"] * 6),
    np.array([200, 300, 250, 250, 200, 250, 400, 300, 300, 300]),
)
SAMPLE = StationResults(
    station=np.array(["s1", "s2", "s5", "s6", "s7"]),
    ballots=np.array([110, 210, 105, 160, 260]),
    valid=np.array([100, 200, 100, 150, 250]),
    invalid=np.array([10, 10, 5, 10, 10]),
    votes=np.array([[60, 40], [100, 100], [30, 70], [60, 90], [90, 160]]),
    choices=("A", "B"),
)


def test_combined_ratio_estimate_and_linearised_variance_by_hand():
    result = quick_count(FRAME, SAMPLE)
    a = result.estimates["A"]
    # Hand computation (Cochran 1977, 6.11-6.12). Weights M_h/m_h: X 4/2 = 2, Y 6/3 = 2.
    # Y^ = 2(60 + 100) + 2(30 + 60 + 90) = 680; X^ = 2(300) + 2(500) = 1600; R^ = 0.425.
    assert a.estimate == pytest.approx(0.425, abs=1e-12)
    # Residuals e = y - 0.425 x: X: 17.5, 15 (s2 = 3.125); Y: -12.5, -3.75, -16.25
    # (s2 = 41.1458). V = [4^2 (1 - 2/4) 3.125/2 + 6^2 (1 - 3/6) 41.1458/3] / 1600^2
    # = 259.375 / 2,560,000; se = 0.0100657.
    assert a.se == pytest.approx(math.sqrt(259.375) / 1600, rel=1e-9)
    assert a.moe == pytest.approx(1.959964 * a.se, rel=1e-6)
    assert (a.low, a.high) == pytest.approx((a.estimate - a.moe, a.estimate + a.moe))
    # Two choices: B's share is 1 - A's, with the same standard error.
    assert result.estimates["B"].estimate == pytest.approx(0.575, abs=1e-12)
    assert result.estimates["B"].se == pytest.approx(a.se, rel=1e-9)
    # Turnout: ballots 2(110 + 210) + 2(105 + 160 + 260) = 1690 over registered (frame)
    # 2(200 + 300) + 2(200 + 250 + 400) = 2700.
    assert result.estimates["turnout"].estimate == pytest.approx(1690 / 2700, abs=1e-12)
    # Invalid: 2(10 + 10) + 2(5 + 10 + 10) = 90 over ballots 1690.
    assert result.estimates["invalid"].estimate == pytest.approx(90 / 1690, abs=1e-12)
    assert result.stations == 5


def test_covariance_of_shares_sums_to_zero_across_choices():
    result = quick_count(FRAME, SAMPLE)
    # Shares of valid votes add up to 1 at every station, so their covariance matrix has
    # rows summing to 0 (to rounding).
    assert result.covariance.sum(axis=1) == pytest.approx([0.0, 0.0], abs=1e-15)


def test_a_census_has_no_sampling_error():
    sim = simulate_election(300, regions=3, seed=2)
    result = quick_count(sim.frame, sim.results)
    truth = sim.true_share("A")
    assert result.estimates["A"].estimate == pytest.approx(truth, abs=1e-12)
    assert result.estimates["A"].moe == pytest.approx(0.0, abs=1e-12)


def _take(results: StationResults, rows: np.ndarray) -> StationResults:
    return StationResults(
        results.station[rows],
        results.ballots[rows],
        results.valid[rows],
        results.invalid[rows],
        results.votes[rows],
        results.choices,
    )


def test_interval_coverage_on_simulated_elections():
    # 250 stratified samples of 400 stations from one simulated population of 8,000: the 95 %
    # intervals of the 5 shares, turnout and invalid share (1,750 intervals) must cover the
    # truth 93-97 % of the time. Binomial sd of one share's coverage over 250 draws is 1.4
    # points; pooling seven ratios narrows it (the full 1,000-sample check is in the bench).
    sim = simulate_election(8000, regions=8, seed=11)
    res = sim.results
    assert res.registered is not None
    truth = {c: sim.true_share(c) for c in res.choices}
    truth["turnout"] = res.ballots.sum() / res.registered.sum()
    truth["invalid"] = res.invalid.sum() / res.ballots.sum()
    covered = dict.fromkeys(truth, 0)
    draws = 250
    for seed in range(draws):
        rows = design_sample(sim.frame, stations=400, seed=seed).rows
        estimates = quick_count(sim.frame, _take(res, rows)).estimates
        for key, value in truth.items():
            covered[key] += estimates[key].low <= value <= estimates[key].high
    overall = sum(covered.values()) / (draws * len(truth))
    assert 0.93 <= overall <= 0.97, covered
    assert all(0.89 <= c / draws <= 0.99 for c in covered.values()), covered


def test_real_2011_results_as_population():
    # The Moscow and Sverdlovsk stations of the 2011 Duma election (tests/data) as the
    # population; 150 samples of 300 stations: the interval for United Russia's share covers
    # the population value in 90-99 % of them (binomial band for 95 % over 150 draws).
    population = read_results(DATA / "ru2011-moscow-sverdlovsk.csv.gz")
    assert population.region is not None and population.registered is not None
    frame = StationFrame(population.station, population.region, population.registered)
    truth = population.choice("UR").sum() / population.valid.sum()
    # 2,639,454 UR votes / 6,075,484 valid in the excerpt (summed with Python's csv module).
    assert truth == pytest.approx(2_639_454 / 6_075_484, abs=1e-12)
    hits = 0
    for seed in range(150):
        rows = design_sample(frame, stations=300, seed=seed).rows
        estimate = quick_count(frame, _take(population, rows)).estimates["UR"]
        hits += estimate.low <= truth <= estimate.high
    assert 0.90 <= hits / 150 <= 0.99


def test_official_results_inside_and_outside_the_margin():
    sim = simulate_election(4000, regions=5, seed=3)
    rows = design_sample(sim.frame, stations=600, seed=1).rows
    sample = _take(sim.results, rows)
    honest = quick_count(sim.frame, sample, official=sim.results)
    assert honest.official is not None
    assert honest.official["A"].inside
    assert abs(honest.official["A"].z) < 3
    # Move 30 % of B's votes to A in the official count (1.6 points of the valid votes,
    # about 4.5 standard errors): outside the margin.
    doctored = sim.results.votes.copy()
    moved = (doctored[:, 1] * 0.3).astype(np.int64)
    doctored[:, 0] += moved
    doctored[:, 1] -= moved
    official = StationResults(
        sim.results.station,
        sim.results.ballots,
        sim.results.valid,
        sim.results.invalid,
        doctored,
        sim.results.choices,
        sim.results.registered,
    )
    checked = quick_count(sim.frame, sample, official=official)
    assert checked.official is not None
    assert not checked.official["A"].inside
    assert checked.official["A"].z > 3
    z = checked.official["A"].z
    e = checked.estimates["A"]
    assert z == pytest.approx((checked.official["A"].share - e.estimate) / e.se)
    assert checked.official["turnout"].inside  # turnout untouched


def test_seats_that_follow_with_their_range():
    sim = simulate_election(6000, regions=6, seed=4)
    rows = design_sample(sim.frame, stations=500, seed=2).rows
    result = quick_count(sim.frame, _take(sim.results, rows), seats=100, method="dhondt", threshold=5, seed=9)
    assert result.seats is not None
    allocation = result.seats.seats
    assert sum(r.seats for r in allocation.values()) == 100
    for r in allocation.values():
        assert r.low <= r.seats <= r.high
    # The same seed gives the same range.
    again = quick_count(sim.frame, _take(sim.results, rows), seats=100, method="dhondt", threshold=5, seed=9)
    assert again.seats is not None and again.seats.seats == allocation
    # A census leaves no uncertainty: the range collapses on the allocation.
    census = quick_count(sim.frame, sim.results, seats=100, method="dhondt", threshold=5, seed=9)
    assert census.seats is not None
    assert all(r.low == r.seats == r.high for r in census.seats.seats.values())


def test_a_party_near_the_threshold_has_a_qualification_probability():
    # Choice C at about 5 % of votes cast: the simulation gives it a probability strictly
    # between 0 and 1 of reaching a threshold placed at its estimate.
    sim = simulate_election(6000, regions=6, seed=4)
    rows = design_sample(sim.frame, stations=300, seed=5).rows
    sample = _take(sim.results, rows)
    first = quick_count(sim.frame, sample)
    cast_share = first.estimates["C"].estimate * (1 - first.estimates["invalid"].estimate)
    result = quick_count(sim.frame, sample, seats=50, threshold=100 * cast_share, seed=1)
    assert result.seats is not None
    assert 0.2 < result.seats.seats["C"].probability_qualified < 0.8
    assert result.seats.seats["C"].low == 0


def test_coverage_by_stratum_and_missing_strata():
    drawn = ["s1", "s2", "s3", "s5", "s6", "s7", "s8"]
    partial = _take(SAMPLE, np.array([0, 1]))  # only stratum X has reported
    result = quick_count(FRAME, partial, drawn=drawn)
    coverage = {c.stratum: (c.frame, c.drawn, c.reported) for c in result.coverage}
    assert coverage == {"X": (4, 3, 2), "Y": (6, 4, 0)}
    assert any("no report" in note for note in result.notes)
    # The estimate then describes stratum X only: (60 + 100) / (100 + 200).
    assert result.estimates["A"].estimate == pytest.approx(160 / 300)


def test_reported_station_not_drawn_is_left_out():
    result = quick_count(FRAME, SAMPLE, drawn=["s1", "s2", "s5", "s6"])
    assert result.stations == 4
    assert any("not drawn" in note for note in result.notes)


def test_single_report_in_a_stratum_borrows_the_pooled_variance():
    sample = _take(SAMPLE, np.array([0, 2, 3, 4]))  # X has one report
    result = quick_count(FRAME, sample)
    assert result.estimates["A"].se > 0
    assert any("single report" in note for note in result.notes)


def test_station_missing_from_the_frame_is_an_input_error():
    sample = StationResults(
        np.array(["zz"]), np.array([1]), np.array([1]), np.array([0]), np.array([[1, 0]]), ("A", "B")
    )
    with pytest.raises(InputError, match="'zz'.*not in the frame"):
        quick_count(FRAME, sample)


def test_json_shape():
    data = quick_count(FRAME, SAMPLE, official=SAMPLE, seats=10, seed=1).to_dict()
    assert set(data["estimates"]) == {"A", "B", "turnout", "invalid"}
    assert set(data["estimates"]["A"]) >= {"estimate", "moe", "low", "high"}
    assert data["stations"] == 5
    assert set(data["official"]["A"]) >= {"share", "inside", "z"}
    assert data["seats"]["allocation"]["A"]["seats"] + data["seats"]["allocation"]["B"]["seats"] == 10


def test_tables_from_rows_as_the_web_apps_build_them():
    frame = StationFrame.from_rows(
        [
            {"station": s, "stratum": g, "registered": int(r)}
            for s, g, r in zip(FRAME.station, FRAME.stratum, FRAME.registered, strict=True)
        ]
    )
    rows = [
        {"station": str(s), "ballots": int(b), "valid": int(v), "invalid": int(i), "A": int(a), "B": int(bb)}
        for s, b, v, i, (a, bb) in zip(
            SAMPLE.station, SAMPLE.ballots, SAMPLE.valid, SAMPLE.invalid, SAMPLE.votes, strict=True
        )
    ]
    sample = StationResults.from_rows(rows)
    assert sample.choices == ("A", "B")
    assert quick_count(frame, sample).estimates["A"].estimate == pytest.approx(0.425)
    with pytest.raises(InputError, match="counts must be 0 or more"):
        StationResults.from_rows([{**rows[0], "A": -1}])
