"""Quick-count sample design: the NDI sample size and the stratified draw."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from pollwatch.analysis import StationFrame, design_sample, sample_size


def test_ndi_worked_check_large_population():
    # NDI handbook / methodology.md section 4: P = 0.5, E = 0.01, Z = 1.96 and a large N give
    # 9,604 voters (0.25 / (0.01 / 1.96)^2 = 9604 exactly).
    size = sample_size(0.01, z=1.96)
    assert size.voters == 9604
    assert size.voters_exact == pytest.approx(9604, rel=1e-12)
    assert size.stations is None


def test_ndi_peru_2001_example():
    # NDI, "The Quick Count and Election Observation" (2002), Peru 2001: N = 14,570,774,
    # E = 0.32 %, Z = 2.58. The exact formula gives 160,717 voters (methodology.md; the
    # handbook prints 163,185 after rounding a middle step).
    size = sample_size(0.0032, z=2.58, population=14_570_774, votes_per_station=160)
    # 0.25 / ((0.0032 / 2.58)^2 + 0.25 / 14,570,774) = 160,717.26 (hand computed), quoted as
    # 160,717; a sample size is rounded up, to 160,718.
    assert size.voters_exact == pytest.approx(160_717.26, abs=0.01)
    assert round(size.voters_exact) == 160_717
    assert size.voters == 160_718
    # 160,716.7 / 160 voters per station = 1,004.5 -> 1,005 stations (the handbook's 1,020
    # comes from its rounded 163,185).
    assert size.stations == 1005


def test_design_effect_and_votes_per_station():
    # 9,604 voters / (1,000 registered x 0.6 turnout) x deff 2 = 32.01 -> 33 stations.
    size = sample_size(0.01, votes_per_station=600, deff=2)
    assert size.stations_exact == pytest.approx(9604 / 600 * 2, rel=1e-12)
    assert size.stations == 33


def test_finite_population_correction_shrinks_the_sample():
    # 1 / n = 1 / n0 + 1 / N: with N = 9,604 the sample halves (hand computed: 4,802).
    assert sample_size(0.01, population=9604).voters == 4802


def test_sample_cannot_exceed_the_frame():
    assert sample_size(0.001, votes_per_station=100, max_stations=50).stations == 50


def test_invalid_margin_is_rejected():
    with pytest.raises(ValueError, match="share"):
        sample_size(1.5)


def _frame(sizes: dict[str, int], registered: int = 1000) -> StationFrame:
    strata = np.concatenate([[name] * n for name, n in sizes.items()])
    stations = np.array([f"S{i:05d}" for i in range(strata.size)])
    return StationFrame(stations, strata, np.full(strata.size, registered))


def test_proportional_allocation_with_a_minimum_per_stratum():
    frame = _frame({"north": 600, "south": 300, "east": 90, "west": 10})
    design = design_sample(frame, stations=100, min_per_stratum=5, seed=1)
    sampled = {s.stratum: s.sampled for s in design.strata}
    # 100 stations in proportion to 600/300/90/10 (Hare, exact here): 60, 30, 9, 1; the
    # minimum of 5 lifts west to 5, so 104 are drawn.
    assert sampled == {"east": 9, "north": 60, "south": 30, "west": 5}
    assert design.rows.size == 104
    assert np.unique(design.stations).size == 104


def test_minimum_cannot_exceed_the_stratum():
    frame = _frame({"big": 100, "tiny": 2})
    design = design_sample(frame, stations=10, min_per_stratum=5, seed=1)
    assert {s.stratum: s.sampled for s in design.strata} == {"big": 10, "tiny": 2}


def test_same_seed_same_stations_different_seed_different_stations():
    frame = _frame({"a": 500, "b": 500})
    first = design_sample(frame, stations=50, seed=7)
    assert np.array_equal(first.stations, design_sample(frame, stations=50, seed=7).stations)
    assert not np.array_equal(first.stations, design_sample(frame, stations=50, seed=8).stations)


def test_draw_without_seed_records_the_seed_used():
    frame = _frame({"a": 100})
    design = design_sample(frame, stations=10)
    assert np.array_equal(design_sample(frame, stations=10, seed=design.seed).stations, design.stations)


def test_size_from_the_margin_of_error():
    frame = _frame({"a": 4000, "b": 6000}, registered=1200)
    design = design_sample(frame, 0.01, turnout=0.5, deff=2.0, seed=3)
    # N = 12,000,000 x 0.5; n = 0.25 / ((0.01/1.96)^2 + 0.25/6e6) = 9,588.65 voters;
    # 9,588.65 / 600 votes per station x 2 = 31.96 -> 32 stations (hand computed).
    assert design.size.voters == 9589
    assert design.size.stations == 32
    assert design.rows.size == 32


def test_every_station_of_a_stratum_has_the_same_chance():
    # Simple random sampling within strata: over 2,000 seeded draws each station of a
    # stratum of 40 is drawn about 2000 x 8/40 = 400 times; a chi-square test of equal
    # frequencies must not reject at the 0.1 % level.
    frame = _frame({"a": 40, "b": 60})
    hits = np.zeros(len(frame))
    for seed in range(2000):
        design = design_sample(frame, stations=20, min_per_stratum=0, seed=seed)
        hits[design.rows] += 1
    a = hits[:40]
    assert a.sum() == 2000 * 8
    assert stats.chisquare(a).pvalue > 0.001
    assert stats.chisquare(hits[40:]).pvalue > 0.001
