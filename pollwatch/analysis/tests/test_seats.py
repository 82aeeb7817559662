"""Seat allocation against published results and hand-computed textbook cases.

Seat counts are integers and must match exactly (tolerance 0).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pollwatch.analysis import (
    METHODS,
    TieError,
    allocate_parallel,
    allocate_plurality,
    allocate_seats,
)
from pollwatch.analysis._io import read_votes
from pollwatch.analysis.seats import _allocate_many

DATA = Path(__file__).parent / "data"

# Final party-list result of the Majilis election, 19 March 2023 (CEC of Kazakhstan,
# 27 March 2023; methodology.md section 1).
MAJILIS_2023 = {
    "AMANAT": 3_431_510,
    "Auyl": 693_938,
    "Respublica": 547_154,
    "Ak Zhol": 535_139,
    "People's Party of Kazakhstan": 432_920,
    "Nationwide Social Democratic Party": 331_058,
    "Baytaq": 146_431,
}
MAJILIS_AGAINST_ALL = 248_291


def test_majilis_2023_list_seats_match_the_cec():
    result = allocate_seats(
        MAJILIS_2023, 69, "hare", threshold=5, threshold_base="cast", against_all=MAJILIS_AGAINST_ALL
    )
    # CEC of Kazakhstan, 27 March 2023: 40, 8, 6, 6, 5, 4, 0 (methodology.md table).
    assert list(result.seats.values()) == [40, 8, 6, 6, 5, 4, 0]
    # Votes cast = parties + "against all" = 6,366,441 (methodology.md).
    assert result.base_votes == 6_366_441
    # Baytaq has 2.30 % of votes cast, below 5 %; the other six are above.
    assert result.qualified == tuple(list(MAJILIS_2023)[:6])
    # Hare quota over the qualified lists: 5,971,719 / 69 (hand-computed), exact to 1e-9.
    assert result.quota == pytest.approx(5_971_719 / 69, rel=1e-12)
    assert result.ties == ()


def test_majilis_file_reads_against_all_apart():
    totals = read_votes(DATA / "majilis2023-list.csv")
    assert totals.votes == MAJILIS_2023
    assert totals.against_all == MAJILIS_AGAINST_ALL
    result = allocate_seats(totals.votes, 69, "hare", threshold=5, against_all=totals.against_all)
    assert list(result.seats.values()) == [40, 8, 6, 6, 5, 4, 0]


def test_ru2016_list_seats_hare_and_dhondt():
    # National totals of the 2016 State Duma party list, summed from ru2016-stations.csv.gz
    # (see tests/data/README.md); ballots cast 52,631,849 = valid + invalid.
    totals = read_votes(DATA / "ru2016-list.csv")
    assert sum(totals.votes.values()) + totals.invalid == 52_631_849
    hare = allocate_seats(totals.votes, 225, "hare", threshold=5, invalid=totals.invalid)
    dhondt = allocate_seats(totals.votes, 225, "dhondt", threshold=5, invalid=totals.invalid)
    won = {name.split(".")[0]: n for name, n in hare.seats.items() if n}
    # CEC of Russia, 2016: United Russia (list 4) 140, CPRF (12) 35, LDPR (7) 34, A Just
    # Russia (14) 16 (data README); D'Hondt would give United Russia 141 (data README).
    assert won == {"4": 140, "12": 35, "7": 34, "14": 16}
    assert dhondt.seats[next(n for n in totals.votes if n.startswith("4."))] == 141
    assert sum(dhondt.seats.values()) == 225


# Largest remainder, the worked example of Wikipedia's "Largest remainder method" article:
# 100,000 votes, 10 seats. Hand computation:
#   Hare quota 10,000: A 4.70, B 1.60, C 1.58, D 1.20, E 0.61, F 0.31 -> 7 whole seats, the
#   3 left go to the remainders .70 (A), .61 (E), .60 (B).
#   Droop quota floor(100,000/11) + 1 = 9,092: A 5.169, B 1.760, C 1.738, D 1.320, E 0.671,
#   F 0.341 -> 8 whole seats, the 2 left to .760 (B) and .738 (C).
#   Imperiali quota 100,000/12 = 8,333.3: A 5.64, B 1.92, C 1.896, D 1.44, E 0.73, F 0.37
#   -> 8 whole seats, the 2 left to .92 (B) and .896 (C).
WIKI_LR = {"A": 47_000, "B": 16_000, "C": 15_800, "D": 12_000, "E": 6_100, "F": 3_100}


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("hare", [5, 2, 1, 1, 1, 0]),
        ("droop", [5, 2, 2, 1, 0, 0]),
        ("imperiali", [5, 2, 2, 1, 0, 0]),
        # D'Hondt, hand computed: quotients 47000, 23500, 16000, 15800, 15667, 12000, 11750,
        # 9400, 8000 (B), 7900 (C) are the ten largest.
        ("dhondt", [5, 2, 2, 1, 0, 0]),
        # Sainte-Laguë, hand computed: 47000, 16000, 15800, 15667, 12000, 9400, 6714,
        # 6100 (E), 5333 (B), 5267 (C).
        ("sainte-lague", [4, 2, 2, 1, 1, 0]),
    ],
)
def test_textbook_largest_remainder_and_divisor_examples(method, expected):
    assert list(allocate_seats(WIKI_LR, 10, method).seats.values()) == expected


# Highest averages, the worked example of Wikipedia's "D'Hondt method" and "Sainte-Laguë
# method" articles: 230,000 votes, 8 seats.
WIKI_HA = {"A": 100_000, "B": 80_000, "C": 30_000, "D": 20_000}


def test_dhondt_and_sainte_lague_textbook_example():
    # D'Hondt: 4, 3, 1, 0; Sainte-Laguë: 3, 3, 1, 1 (the articles' tables).
    assert list(allocate_seats(WIKI_HA, 8, "dhondt").seats.values()) == [4, 3, 1, 0]
    assert list(allocate_seats(WIKI_HA, 8, "sainte-lague").seats.values()) == [3, 3, 1, 1]


def test_modified_sainte_lague_reports_the_tie_for_the_last_seat():
    # Divisors 1.4, 3, 5, 7: the 8th largest quotient is 100,000 / 7 = 20,000 / 1.4
    # = 14,285.71 for A (4th seat) and D (1st seat) exactly (hand computed).
    result = allocate_seats(WIKI_HA, 8, "modified-sainte-lague", tie_break=("votes",))
    assert list(result.seats.values()) == [4, 3, 1, 0]
    (tie,) = result.ties
    assert tie.stage == "quotient"
    assert tie.choices == ("A", "D")
    assert tie.winners == ("A",)
    assert tie.rule == "votes"
    assert tie.value == pytest.approx(100_000 / 7, rel=1e-12)
    by_order = allocate_seats(WIKI_HA, 8, "modified-sainte-lague", tie_break=("order",))
    assert by_order.ties[0].rule == "order"
    assert by_order.seats["A"] == 4


def test_tie_by_lot_is_reproducible_and_reports_the_seed():
    votes = {"A": 50, "B": 50}
    first = allocate_seats(votes, 1, "hare", seed=11)
    again = allocate_seats(votes, 1, "hare", seed=11)
    assert first.seats == again.seats
    (tie,) = first.ties
    assert tie.rule == "lot" and tie.seed == 11 and tie.stage == "remainder"
    assert tie.choices == ("A", "B") and len(tie.winners) == 1
    assert sum(first.seats.values()) == 1


def test_tie_without_a_deciding_rule_is_an_error_not_a_silent_choice():
    with pytest.raises(TieError, match="cannot break"):
        allocate_seats({"A": 50, "B": 50}, 1, "dhondt", tie_break=("votes",))


def test_tie_drawn_without_a_seed_records_one_to_replay():
    result = allocate_seats({"A": 50, "B": 50}, 1, "hare", tie_break=("lot",))
    seed = result.ties[0].seed
    assert isinstance(seed, int)
    assert allocate_seats({"A": 50, "B": 50}, 1, "hare", tie_break=("lot",), seed=seed).seats == result.seats


@pytest.mark.parametrize(
    ("base", "qualifies"),
    # A 900, B 48, against all 40, invalid 12 (hand computed):
    # cast 1000 -> B 4.80 %; valid 988 -> 4.86 %; parties 948 -> 5.06 %.
    [("cast", False), ("valid", False), ("parties", True)],
)
def test_threshold_base(base, qualifies):
    result = allocate_seats(
        {"A": 900, "B": 48}, 10, "hare", threshold=5, threshold_base=base, against_all=40, invalid=12
    )
    assert ("B" in result.qualified) is qualifies


def test_threshold_is_inclusive():
    # 50 of 1000 cast is exactly 5 %: a list at the threshold qualifies.
    result = allocate_seats({"A": 950, "B": 50}, 20, "hare", threshold=5)
    assert result.qualified == ("A", "B")
    assert result.seats == {"A": 19, "B": 1}


def test_imperiali_over_allocation_falls_back_to_droop():
    # 100 votes, 1 seat: the Imperiali quota 100/3 gives A 1 and B 1 whole seats (2 > 1);
    # recomputed with the Droop quota floor(100/2) + 1 = 51, A gets the seat.
    result = allocate_seats({"A": 60, "B": 40}, 1, "imperiali")
    assert result.seats == {"A": 1, "B": 0}
    assert result.quota == 51
    assert "Droop" in result.notes[0]


def test_no_list_over_the_threshold_gives_no_seats_and_says_so():
    result = allocate_seats({"A": 30, "B": 30}, 5, "hare", threshold=60)
    assert result.seats == {"A": 0, "B": 0}
    assert result.notes


def test_against_all_given_as_a_choice_gets_no_seat():
    result = allocate_seats({"A": 600, "against all": 400}, 10, "dhondt", threshold=50)
    assert result.seats == {"A": 10}
    assert result.base_votes == 1000


def test_method_aliases_and_unknown_method():
    assert allocate_seats(WIKI_HA, 8, "D'Hondt").method == "dhondt"
    assert allocate_seats(WIKI_HA, 8, "Sainte-Laguë").method == "sainte-lague"
    with pytest.raises(ValueError, match="unknown method"):
        allocate_seats(WIKI_HA, 8, "borda")


def test_plurality_winners_and_tied_district():
    result = allocate_plurality(
        {"D1": {"A": 10, "B": 7}, "D2": {"A": 5, "B": 9}, "D3": {"A": 4, "B": 4}},
        tie_break=("order",),
    )
    assert result.winners == {"D1": "A", "D2": "B", "D3": "A"}
    assert result.seats == {"A": 2, "B": 1}
    (tie,) = result.ties
    assert tie.district == "D3" and tie.stage == "plurality" and tie.rule == "order"


def test_parallel_adds_district_winners_to_list_seats():
    districts = {f"D{i}": {"AMANAT": 100, "Ak Zhol": 50 + i} for i in range(29)}
    districts["D0"] = {"AMANAT": 10, "Independent X": 99}
    result = allocate_parallel(
        MAJILIS_2023, 69, districts, "hare", threshold=5, against_all=MAJILIS_AGAINST_ALL
    )
    assert result.list_seats.seats["AMANAT"] == 40
    assert result.district_seats.seats == {"AMANAT": 28, "Ak Zhol": 0, "Independent X": 1}
    assert result.seats["AMANAT"] == 68
    assert result.seats["Independent X"] == 1
    assert sum(result.seats.values()) == 98  # 69 list + 29 districts (methodology.md)
    assert result.to_dict()["seats"]["AMANAT"] == 68


def test_to_dict_has_the_machine_readable_shape():
    data = allocate_seats(MAJILIS_2023, 69, "hare", threshold=5, against_all=MAJILIS_AGAINST_ALL).to_dict()
    assert set(data) >= {"seats", "quota", "qualified", "ties"}
    assert data["seats"]["AMANAT"] == 40
    assert data["quota"] == pytest.approx(86_546.652, abs=1e-3)


@pytest.mark.parametrize("method", METHODS)
def test_vectorised_allocation_agrees_with_the_exact_one(method):
    rng = np.random.default_rng(5)
    votes = rng.integers(1_000, 1_000_000, size=(300, 6))
    qualified = votes >= 0.05 * votes.sum(axis=1, keepdims=True)
    many = _allocate_many(votes.astype(float), 50, method, qualified)
    for row, seats in zip(votes, many, strict=True):
        names = [f"P{j}" for j in range(6)]
        exact = allocate_seats(
            dict(zip(names, row.tolist(), strict=True)),
            50,
            method,
            threshold=5,
            threshold_base="parties",
            tie_break=("order",),
        )
        assert list(exact.seats.values()) == seats.tolist()


@settings(max_examples=200, deadline=None)
@given(
    votes=st.lists(st.integers(0, 10**7), min_size=1, max_size=12),
    seats=st.integers(1, 300),
)
def test_hare_respects_the_quota_rule(votes, seats):
    # Every qualified list gets its exact quota v*S/V rounded down or up (Hamilton).
    names = {f"P{i}": v for i, v in enumerate(votes)}
    result = allocate_seats(names, seats, "hare", tie_break=("order",))
    total = sum(votes)
    if total == 0:
        assert sum(result.seats.values()) == 0
        return
    assert sum(result.seats.values()) == seats
    for name, v in names.items():
        exact = v * seats / total
        assert np.floor(exact) - 1e-9 <= result.seats[name] <= np.ceil(exact) + 1e-9


@settings(max_examples=100, deadline=None)
@given(
    votes=st.lists(st.integers(1, 10**6), min_size=2, max_size=8),
    seats=st.integers(1, 100),
)
def test_divisor_methods_are_house_monotone(votes, seats):
    # Divisor methods never take a seat away when the house grows (Balinski and Young).
    names = {f"P{i}": v for i, v in enumerate(votes)}
    for method in ("dhondt", "sainte-lague", "modified-sainte-lague"):
        small = allocate_seats(names, seats, method, tie_break=("order",)).seats
        large = allocate_seats(names, seats + 1, method, tie_break=("order",)).seats
        assert all(large[n] >= small[n] for n in names)
