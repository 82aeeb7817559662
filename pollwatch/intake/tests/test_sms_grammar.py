"""The coded SMS grammar: forgiving reading, exact problems, and properties (hypothesis)."""

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from pollwatch.intake.sms.grammar import (
    SmsQuestion,
    SmsSchema,
    format_message,
    normalise_station,
    parse_message,
)

YES_NO = {"Y": "yes", "N": "no"}
OPENING = SmsSchema("OP", (
    SmsQuestion("A1", "opened_on_time", "yes_no", YES_NO),
    SmsQuestion("A2", "boxes_sealed", "yes_no", YES_NO),
    SmsQuestion("A12", "queue", "yes_no", YES_NO),
    SmsQuestion("B", "commission_present", "integer", minimum=0, maximum=100),
    SmsQuestion("C", "assessment", "select_one", {"1": "very_good", "2": "good", "3": "bad"}),
    SmsQuestion("D", "unauthorised_who", "select_multiple", {"1": "police", "2": "officials", "3": "other"}),
    SmsQuestion("T", "opened_at", "time"),
    SmsQuestion("V", "votes", "repeat", columns=(SmsQuestion("c", "choice", "raw"),
                                                 SmsQuestion("n", "count", "integer"))),
), comment="comments")
SCHEMAS = {"OP": OPENING}


def test_reads_the_example_message():
    parsed = parse_message("OP 12345 A1 Y A2 N B 3 @ late start", SCHEMAS)
    assert parsed.ok, parsed.problems
    assert (parsed.keyword, parsed.station) == ("OP", "12345")
    assert parsed.answers == {"opened_on_time": "yes", "boxes_sealed": "no",
                              "commission_present": 3, "comments": "late start"}


def test_tolerates_case_spacing_separators_and_joined_tags():
    parsed = parse_message("  op12345   a1y,a2=n ; b:3   c 2  @  late   start ", SCHEMAS)
    assert parsed.ok, parsed.problems
    assert parsed.station == "12345"
    assert parsed.answers["opened_on_time"] == "yes" and parsed.answers["boxes_sealed"] == "no"
    assert parsed.answers["commission_present"] == 3 and parsed.answers["assessment"] == "good"
    assert parsed.answers["comments"] == "late start"


def test_reads_o_as_zero_and_l_or_i_as_one_in_numbers_and_station_codes():
    parsed = parse_message("OP l2O45 B lO C I A1 l", SCHEMAS)
    assert parsed.ok, parsed.problems
    assert parsed.station == "12045"
    assert parsed.answers["commission_present"] == 10
    assert parsed.answers["assessment"] == "very_good"
    assert parsed.answers["opened_on_time"] == "yes"


def test_longest_tag_wins_when_tags_share_a_prefix():
    parsed = parse_message("OP 1 A12Y A1N", SCHEMAS)
    assert parsed.ok, parsed.problems
    assert parsed.answers == {"queue": "yes", "opened_on_time": "no"}


def test_reads_russian_and_kazakh_yes_no_and_times_and_several_choices():
    parsed = parse_message("OP 1 A1 да A2 жоқ T 715 D 1,3", SCHEMAS)
    assert parsed.ok, parsed.problems
    assert parsed.answers["opened_on_time"] == "yes" and parsed.answers["boxes_sealed"] == "no"
    assert parsed.answers["opened_at"] == "07:15"
    assert parsed.answers["unauthorised_who"] == ["police", "other"]
    assert parse_message("OP 1 D 13", SCHEMAS).answers["unauthorised_who"] == ["police", "other"]


def test_repeat_rows_take_one_value_per_column():
    parsed = parse_message("OP 1 V 1 2345 V 2 678 V 9 -", SCHEMAS)
    assert parsed.ok, parsed.problems
    assert parsed.answers["votes"] == [{"choice": "1", "count": 2345}, {"choice": "2", "count": 678},
                                       {"choice": "9"}]


def test_names_each_problem_with_its_tag():
    parsed = parse_message("OP 12345 A1 X B 101 Z9 4 A2", SCHEMAS)
    problems = {(p.tag, p.code) for p in parsed.problems}
    assert problems == {("A1", "not_yes_no"), ("B", "too_large"), ("Z9", "unknown_tag"),
                        ("4", "unknown_tag"), ("A2", "missing_value")}


def test_a_tag_given_twice_is_a_problem():
    parsed = parse_message("OP 1 A1 Y A1 N", SCHEMAS)
    assert [(p.tag, p.code) for p in parsed.problems] == [("A1", "duplicate")]


def test_unknown_keyword_and_missing_station():
    assert parse_message("XX 12345 A1 Y", SCHEMAS).problems[0].code == "unknown_keyword"
    assert parse_message("OP", SCHEMAS).problems[0].code == "missing_station"
    assert parse_message("   ", SCHEMAS).problems[0].code == "empty"


def test_normalise_station_keeps_letters_when_not_a_number():
    assert normalise_station("#l2O45,") == "12045"
    assert normalise_station("ab-12") == "AB-12"


@given(st.text(max_size=200))
@settings(max_examples=400, deadline=None)
def test_reader_never_raises_on_arbitrary_text(text):
    parsed = parse_message(text, SCHEMAS)
    assert parsed.ok or parsed.problems


@given(st.text(alphabet="OPABCDTVYNlIo0123456789 @,;=:-" + string.ascii_letters, max_size=80))
@settings(max_examples=400, deadline=None)
def test_reader_never_raises_on_near_miss_messages(text):
    parse_message("OP " + text, SCHEMAS)


# --- round trip: every message the formatter writes reads back to the same answers -----------

CODES = st.from_regex(r"[A-Z][0-9]{1,2}", fullmatch=True)
WORD = st.text(alphabet=string.ascii_letters + "абвгдеёжзиклмнопрстуфхцчшщэюяәқ", min_size=1,
               max_size=8)


@st.composite
def question_and_value(draw, code, name):
    kind = draw(st.sampled_from(["yes_no", "select_one", "select_multiple", "integer",
                                 "decimal", "time", "text", "repeat"]))
    if kind == "yes_no":
        return SmsQuestion(code, name, kind, YES_NO), draw(st.sampled_from(["yes", "no"]))
    if kind in ("select_one", "select_multiple"):
        size = draw(st.integers(1, 12))
        choices = {str(i): f"choice_{i}" for i in range(1, size + 1)}
        question = SmsQuestion(code, name, kind, choices)
        if kind == "select_one":
            return question, draw(st.sampled_from(sorted(choices.values())))
        picked = draw(st.lists(st.sampled_from(list(choices.values())), min_size=1, unique=True))
        return question, picked
    if kind == "integer":
        return SmsQuestion(code, name, kind, minimum=0), draw(st.integers(0, 10**9))
    if kind == "decimal":
        return SmsQuestion(code, name, kind), draw(st.integers(0, 10**6)) / 100
    if kind == "time":
        return SmsQuestion(code, name, kind), f"{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
    if kind == "text":
        return SmsQuestion(code, name, kind), draw(WORD)
    columns = (SmsQuestion("c", "choice", "raw"), SmsQuestion("n", "count", "integer"))
    rows = draw(st.lists(st.fixed_dictionaries({"choice": st.from_regex(r"[1-9][0-9]?", fullmatch=True),
                                                "count": st.integers(0, 99999)}), min_size=1, max_size=5))
    return SmsQuestion(code, name, "repeat", columns=columns), rows


@st.composite
def schema_and_answers(draw):
    codes = draw(st.lists(CODES, min_size=1, max_size=10, unique=True))
    questions, answers = [], {}
    for index, code in enumerate(codes):
        question, value = draw(question_and_value(code, f"q{index}"))
        questions.append(question)
        if draw(st.booleans()) or index == 0:
            answers[question.name] = value
    comment = " ".join(draw(st.lists(WORD, max_size=5)))
    schema = SmsSchema(draw(st.sampled_from(["OP", "VT", "CL", "IN", "PR1"])), tuple(questions),
                       comment="note")
    if comment:
        answers["note"] = comment
    station = draw(st.from_regex(r"[1-9][0-9]{2,5}", fullmatch=True))
    return schema, station, answers


@given(schema_and_answers())
@settings(max_examples=300, deadline=None)
def test_every_formatted_message_reads_back_to_the_same_answers(case):
    schema, station, answers = case
    text = format_message(schema, station, answers)
    parsed = parse_message(text, {schema.keyword: schema})
    assert parsed.ok, (text, parsed.problems)
    assert parsed.station == station
    assert parsed.answers == answers, text
