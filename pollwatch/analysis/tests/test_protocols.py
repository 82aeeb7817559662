"""Protocol arithmetic: control equations as data, checked on whole columns.

Every expected difference below is hand-computed from the protocol in the test (exact).
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from pollwatch.analysis import (
    DEFAULT_EQUATIONS,
    Equation,
    EquationError,
    InputError,
    check_protocol,
    check_protocols,
)

GOOD = {
    "station": "001",
    "registered": 1000,
    "received": 1000,
    "issued": 640,
    "issued_mobile": 20,
    "cancelled": 340,
    "ballots": 655,
    "valid": 640,
    "invalid": 15,
    "A": 400,
    "B": 240,
}


def test_a_protocol_that_reconciles_passes_every_default_equation():
    result = check_protocols([GOOD])
    assert result.ok
    assert result.checked == tuple(e.name for e in DEFAULT_EQUATIONS)
    assert result.skipped == ()


@pytest.mark.parametrize(
    ("change", "equation", "difference"),
    [
        # received 1000 vs issued 640 + mobile 20 + cancelled 330 = 990: +10
        ({"cancelled": 330}, "received_balance", 10),
        # ballots in the boxes 665 > issued 660: +5
        ({"ballots": 665, "invalid": 25}, "ballots_within_issued", 5),
        # valid 640 + invalid 15 = 655 vs ballots 650: +5
        ({"ballots": 650}, "ballots_balance", 5),
        # issued 640 + 20 = 660 > registered 600: +60
        ({"registered": 600}, "issued_within_registered", 60),
        # valid 640 vs A 400 + B 239 = 639: +1
        ({"B": 239}, "valid_is_sum_of_choices", 1),
    ],
)
def test_each_default_equation_catches_its_error(change, equation, difference):
    failures = check_protocol({**GOOD, **change})
    assert [(f.equation, f.difference) for f in failures] == [(equation, difference)]
    assert failures[0].station == "001"


def test_methodology_example_without_mobile_box():
    # received = issued + cancelled when the protocol has no issued_mobile field.
    (failure,) = check_protocol({"received": 500, "issued": 410, "cancelled": 80})
    assert failure.equation == "received_balance"
    assert (failure.lhs, failure.rhs, failure.difference) == (500, 490, 10)


def test_equations_missing_fields_are_skipped_for_the_defaults():
    result = check_protocols({"station": ["a"], "valid": [10], "invalid": [2], "ballots": [12]})
    assert result.checked == ("ballots_balance",)
    assert "received_balance" in result.skipped
    assert "valid_is_sum_of_choices" in result.skipped  # no choice columns


def test_blank_fields_leave_the_station_unchecked_for_that_equation():
    rows = [{**GOOD, "station": "x", "cancelled": None}, {**GOOD, "station": "y"}]
    result = check_protocols(rows)
    assert result.ok
    assert result.not_evaluated["received_balance"] == 1
    assert result.not_evaluated["ballots_balance"] == 0


def test_failures_name_station_equation_and_difference_for_a_whole_table():
    table = {
        "station": np.array(["s1", "s2", "s3"]),
        "registered": np.array([1000, 1000, 900]),
        "received": np.array([1000, 900, 900]),
        "issued": np.array([700, 600, 950]),
        "cancelled": np.array([300, 300, 0]),
        "ballots": np.array([700, 601, 940]),
        "valid": np.array([690, 590, 930]),
        "invalid": np.array([10, 11, 10]),
        "A": np.array([400, 300, 500]),
        "B": np.array([290, 290, 431]),
    }
    result = check_protocols(table)
    assert [(f.station, f.equation, f.difference) for f in result.failures] == [
        ("s2", "ballots_within_issued", 1),  # 601 - 600
        ("s3", "received_balance", -50),  # 900 - (950 + 0)
        ("s3", "issued_within_registered", 50),  # 950 - 900
        ("s3", "valid_is_sum_of_choices", -1),  # 930 - 931
    ]
    assert result.failed_stations == 2
    assert result.summary["received_balance"] == 1
    assert result.to_dict()["failures"][0] == {
        "station": "s2",
        "equation": "ballots_within_issued",
        "expression": "ballots <= issued + issued_mobile",
        "lhs": 601,
        "rhs": 600,
        "difference": 1,
    }


def test_custom_equations_from_dicts_and_strings_with_quoted_names():
    protocol = {"station": "k1", "valid": 100, "Ak Zhol": 60, "Auyl": 38, "lost": 1}
    equations: list[dict[str, str] | str] = [
        {"name": "sum", "lhs": "valid", "op": "==", "rhs": '"Ak Zhol" + Auyl + 2'},
        "Auyl - 40 >= 0",
        {"lhs": "lost", "op": "<=", "rhs": "0"},
    ]
    failures = check_protocol(protocol, equations)
    assert [(f.equation, f.difference) for f in failures] == [
        ("Auyl - 40 >= 0", -2),  # (38 - 40) - 0
        ("lost <= 0", 1),
    ]


def test_explicit_equations_must_only_use_existing_fields():
    with pytest.raises(InputError, match="issued"):
        check_protocols({"station": ["a"], "received": [1]}, ["received == issued"])


@pytest.mark.parametrize(
    "text",
    ["a * 2", "a +", "a b", "", "__import__('os').system('true')", "a == b", "1.5", "a +* b"],
)
def test_expressions_only_allow_names_numbers_plus_and_minus(text):
    with pytest.raises(EquationError):
        Equation("bad", text, "==", "0")


def test_unknown_operator_is_rejected():
    with pytest.raises(EquationError, match="operator"):
        Equation("bad", "a", "!=", "b")


def test_equation_round_trip():
    equation = Equation.parse("received == issued + cancelled", name="received_balance")
    assert equation.to_dict() == {
        "name": "received_balance",
        "lhs": "received",
        "op": "==",
        "rhs": "issued + cancelled",
    }
    assert Equation.from_dict(equation.to_dict()) == equation
    assert equation.columns() == {"received", "issued", "cancelled"}


def test_unary_minus_and_constants():
    # -a - -3 == b  <=>  -5 + 3 == -2 (hand computed): holds.
    assert check_protocol({"a": 5, "b": -2}, ["-a - -3 == b"]) == []


def test_non_numeric_cell_is_an_input_error():
    with pytest.raises(InputError, match="whole number"):
        check_protocol({"received": "many", "issued": 1, "cancelled": 1})


def test_checks_a_large_table_at_once():
    rng = np.random.default_rng(0)
    n = 200_000
    issued = rng.integers(300, 900, n)
    cancelled = rng.integers(0, 300, n)
    table = {"received": issued + cancelled, "issued": issued, "cancelled": cancelled}
    table["received"][::1000] += 1  # 200 protocols off by one
    start = time.perf_counter()
    result = check_protocols(table)
    assert time.perf_counter() - start < 2.0
    assert result.summary["received_balance"] == 200
    assert {f.difference for f in result.failures} == {1}


@pytest.mark.parametrize("bad", ["many", 12.5, float("inf")])
def test_cell_that_is_not_a_count_is_named_by_column_and_row(bad):
    with pytest.raises(InputError, match="column issued, row 2: counts must be whole numbers"):
        check_protocols([{"received": 1, "issued": 1}, {"received": 1, "issued": bad}])


def test_numbers_written_as_text_and_blanks_are_read():
    result = check_protocols([{"received": "10", "issued": "7", "cancelled": None}])
    assert result.not_evaluated["received_balance"] == 1
