"""The XLSForm expression subset: parsing, precedence, functions, XPath value rules, errors."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pollwatch.checklists.expressions import MAX_DEPTH, ExpressionError, evaluate, parse, references


def value(text, current=None, **values):
    return evaluate(text, values, current)


@pytest.mark.parametrize("text, expected", [
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("10 - 4 - 3", 3),          # left-associative
    ("2 * 3 mod 4", 2),         # (2*3) mod 4, same precedence, left to right
    ("7 div 2", 3.5),
    ("7 mod 3", 1),
    ("-7 mod 3", -1),           # XPath: the sign of the dividend
    ("-2 * 3", -6),
    ("2 - -3", 5),
    ("1 + 2 = 3", True),
    ("1 < 2 = 2 < 3", True),    # relational binds tighter than equality
    ("1 = 1 or 1 = 2 and 1 = 3", True),   # and binds tighter than or
    ("(1 = 1 or 1 = 2) and 1 = 3", False),
    ("not(1 = 1)", False),
    ("if(2 > 1, 'a', 'b')", "a"),
    ("string-length('abc')", 3),
    ("1 != 2", True),
])
def test_arithmetic_and_precedence(text, expected):
    assert value(text) == expected


def test_division_by_zero_follows_xpath():
    assert value("1 div 0") == math.inf
    assert value("-1 div 0") == -math.inf
    assert math.isnan(value("0 div 0"))
    assert math.isnan(value("5 mod 0"))
    assert value(". div ${n} < 2", 3, n=0) is False   # the constraint fails, nothing raises


def test_fields_and_current_value():
    assert value("${opened} = 'yes'", opened="yes") is True
    assert value("${opened} = 'yes'", opened="no") is False
    assert value(". >= 0 and . <= 10", 4) is True
    assert value(". >= 0 and . <= 10", 11) is False
    assert value(". <= ${issued}", 5, issued=4) is False
    assert value("${a} + ${b}", a=2, b="3") == 5


def test_unanswered_field_is_empty_and_compares_false_with_numbers():
    assert value("${x} = ''") is True
    assert value("${x} > 3") is False
    assert value("${x} < 3") is False
    assert value("not(${x} > 3)") is True


def test_times_and_dates_compare_as_text():
    assert value("${t} < '08:00'", t="07:30") is True
    assert value(". >= ${arrived}", "10:05", arrived="09:50") is True
    assert value("${d} > '2023-03-18'", d="2023-03-19") is True


def test_selected_and_count_selected():
    assert value("selected(${m}, 'police')", m=["police", "other"]) is True
    assert value("selected(${m}, 'officials')", m=["police", "other"]) is False
    assert value("selected(${m}, 'b')", m="a b c") is True    # XForms stores 'a b c'
    assert value("count-selected(${m})", m=["police", "other"]) == 2
    assert value("count-selected(${m})") == 0
    assert value("selected(., 'x')", ["x"]) is True


def test_sum_and_count_over_repeat_values():
    assert value("sum(${count})", count=[3, 4, 5]) == 12
    assert value("count(${count})", count=[3, 4]) == 2
    assert value("sum(${count})") == 0


def test_references_lists_fields():
    assert references("${a} = 'yes' and selected(${b}, 'x') or . > ${c}") == {"a", "b", "c"}


@pytest.mark.parametrize("text, fragment, position", [
    ("1 +", "ends where a value was expected", 3),
    ("${a", "not closed", 0),
    ("foo(1)", "unknown function foo()", 0),
    ("opened = 'yes'", "is not a value", 0),
    ("(1 + 2", "expected ')'", 6),
    ("1 2", "unexpected '2'", 2),
    ("'abc", "string is not closed", 0),
    ("1 # 2", "unexpected character '#'", 2),
    ("selected(${a})", "takes 2 argument(s), not 1", 0),
    ("count-selected('a')", "must be a field", 0),
    ("1 = = 2", "unexpected '='", 4),
])
def test_parse_errors_name_the_expression_and_position(text, fragment, position):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert fragment in str(caught.value)
    assert caught.value.position == position
    assert repr(text) in str(caught.value)


def test_empty_and_too_deep_expressions_are_refused():
    with pytest.raises(ExpressionError, match="empty"):
        parse("  ")
    with pytest.raises(ExpressionError, match="nested more than"):
        parse("(" * (MAX_DEPTH + 5) + "1" + ")" * (MAX_DEPTH + 5))
    with pytest.raises(ExpressionError, match="longer than"):
        parse("1 + " * 600 + "1")


def test_no_python_is_evaluated():
    for text in ("__import__('os')", "${a}.__class__", "[1]", "lambda: 1", "a; b"):
        with pytest.raises(ExpressionError):
            parse(text)


ALPHABET = st.sampled_from(list("${}.()'\"=!<>+-*/, abcdefdivmodandornot0123456789_") + [
    "selected(", "count-selected(", "${a}", "${b}", " and ", " or ", " div ", " mod ", "if(",
    "string-length(", "not(", ".", "'x'", "sum(", "true()"])


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(ALPHABET, max_size=40).map("".join)))
def test_parser_raises_only_its_own_error_on_any_text(text):
    try:
        expression = parse(text)
    except ExpressionError:
        return
    result = expression.evaluate({"a": "yes", "b": ["x", "y"]}, 3)
    assert result is not None


@settings(max_examples=200, deadline=None)
@given(st.lists(ALPHABET, max_size=30).map("".join),
       st.dictionaries(st.sampled_from(["a", "b"]),
                       st.one_of(st.integers(), st.floats(allow_nan=True), st.text(max_size=5),
                                 st.lists(st.text(max_size=3), max_size=3), st.booleans(), st.none())))
def test_evaluation_never_raises_on_any_values(text, values):
    try:
        expression = parse(text)
    except ExpressionError:
        return
    expression.evaluate(values, values.get("a"))
