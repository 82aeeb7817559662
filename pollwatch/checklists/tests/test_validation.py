"""Checking answers: types, choices, bounds, required only when relevant, skip logic,
constraints, repeats, unknown names (validate_answers through its database-free core)."""

import pytest

from pollwatch.checklists.validation import check_answers

YES_NO_LABEL = {"en": "Q", "ru": "В"}


def q(name, type_, code="", **extra):
    return {"name": name, "type": type_, "code": code, "label": {"en": name, "ru": name}, **extra}


CHOICES = [{"name": "police", "sms": "1", "label": {"en": "Police"}},
           {"name": "officials", "sms": "2", "label": {"en": "Officials"}},
           {"name": "other", "sms": "3", "label": {"en": "Other"}}]

FORM = [
    {"name": "station", "type": "select_one", "choices_from": "stations.csv", "required": True,
     "label": {"en": "Station"}},
    q("opened", "yes_no", "A1", required=True),
    q("opened_at", "time", "A2", relevant="${opened} = 'yes'", required=True),
    q("voters", "integer", "A3", minimum=0, maximum=5000),
    q("voted", "integer", "A4", minimum=0, constraint="${voters} = '' or . <= ${voters}",
      constraint_message={"en": "More voted than on the list"}),
    q("share", "decimal", "A5"),
    q("who", "select_multiple", "B1", choices=CHOICES),
    q("kind", "select_one", "B2", choices=CHOICES, relevant="count-selected(${who}) > 0"),
    q("seen_at", "datetime", "B3"),
    q("day", "date", "B4"),
    q("where", "geopoint", "B5"),
    q("photo", "photo"),
    q("note", "note"),
    {"name": "details", "type": "group", "label": {"en": "Details"}, "relevant": "${opened} = 'no'",
     "children": [q("reason", "text", "C1", required=True)]},
    {"name": "rows", "type": "repeat", "code": "R", "label": {"en": "Rows"}, "children": [
        q("item", "select_one", choices=CHOICES, required=True),
        q("count", "integer", minimum=0, required=True),
        q("why", "text", relevant="${count} > 10"),
    ]},
    q("comments", "text", "@"),
]


@pytest.fixture(scope="module")
def form():
    from .conftest import schema_from_definition

    return schema_from_definition(FORM)


def check(form, answers, **kwargs):
    return check_answers(form, {"station": "71001", "opened": "yes", "opened_at": "07:00", **answers},
                         **kwargs)


def kinds(result):
    return {(error.question, error.kind) for error in result.errors}


def test_valid_answers_are_typed_and_normalised(form):
    result = check(form, {"voters": "1 500", "voted": 12.0, "share": "12,5", "who": "police other",
                          "kind": "2", "seen_at": "2023-03-19T10:15:00+06:00", "day": "2023-03-19",
                          "where": "51.12 71.43 350 5", "photo": "img1.jpg", "note": "",
                          "comments": "  calm  "})
    assert result.ok, result.errors
    assert result.cleaned == {
        "station": "71001", "opened": "yes", "opened_at": "07:00", "voters": 1500, "voted": 12,
        "share": 12.5, "who": ["police", "other"], "kind": "officials",
        "seen_at": "2023-03-19T04:15:00Z", "day": "2023-03-19",
        "where": {"lat": 51.12, "lon": 71.43, "alt": 350.0, "accuracy": 5.0}, "photo": "img1.jpg",
        "comments": "calm",
    }


@pytest.mark.parametrize("given, expected", [
    ("yes", "yes"), ("Y", "yes"), ("n", "no"), (True, "yes"), (False, "no"), ("да", "yes"),
    ("нет", "no"), ("0", "no"),
])
def test_yes_no_accepts_the_usual_spellings(form, given, expected):
    assert check(form, {"opened": given, "reason": "x"}).cleaned["opened"] == expected


def test_a_wrong_choice_says_which_question_and_what_is_allowed(form):
    result = check(form, {"opened": "maybe"})
    assert result.errors[0].message == "A1: 'maybe' is not one of yes, no"
    assert result.errors[0].code == "A1" and result.errors[0].kind == "choice"
    result = check(form, {"who": "police army"})
    assert result.errors[0].message == "B1: 'army' is not one of police, officials, other"


@pytest.mark.parametrize("field, given, kind", [
    ("voters", "12a", "type"), ("voters", True, "type"), ("voters", 1.5, "type"),
    ("share", "abc", "type"), ("opened_at", "25:00", "type"), ("opened_at", "soon", "type"),
    ("seen_at", "yesterday", "type"), ("day", "19.03.2023", "type"), ("where", "north", "type"),
    ("where", "91 10", "bounds"), ("comments", ["a"], "type"),
])
def test_values_of_the_wrong_type_are_errors(form, field, given, kind):
    result = check(form, {field: given})
    assert (field, kind) in kinds(result), result.errors


@pytest.mark.parametrize("given, expected", [("7:05", "07:05"), ("0705", "07:05"), ("7.05", "07:05"),
                                             ("07:05:00.000+06:00", "07:05")])
def test_times_are_read_leniently_and_kept_as_hh_mm(form, given, expected):
    assert check(form, {"opened_at": given}).cleaned["opened_at"] == expected


def test_datetime_without_zone_uses_the_station_zone(form):
    result = check(form, {"seen_at": "2023-03-19 10:15"}, timezone="Asia/Oral", station_code="71001")
    assert result.cleaned["seen_at"] == "2023-03-19T05:15:00Z"
    result = check(form, {"seen_at": "2023-03-19 10:15"})
    assert ("seen_at", "type") in kinds(result)
    assert "no time zone" in result.errors[0].message


def test_bounds_are_checked_with_clear_messages(form):
    result = check(form, {"voters": 6000})
    assert result.errors[0].message == "A3: 6000 is above the maximum 5000"
    assert result.errors[0].kind == "bounds"
    result = check(form, {"voters": -1})
    assert result.errors[0].message == "A3: -1 is below the minimum 0"
    assert "voters" not in result.cleaned


def test_constraints_use_other_answers_and_their_message(form):
    result = check(form, {"voters": 100, "voted": 101})
    assert result.errors[0].message == "A4: 101 is not accepted: More voted than on the list"
    assert result.errors[0].kind == "constraint"
    assert check(form, {"voters": 100, "voted": 100}).ok
    assert check(form, {"voted": 100}).ok   # nothing to compare with


def test_required_only_when_relevant(form):
    result = check_answers(form, {"station": "71001"})
    assert ("opened", "required") in kinds(result)
    assert ("opened_at", "required") not in kinds(result)  # not asked until opened = yes
    result = check_answers(form, {"station": "71001", "opened": "yes"})
    assert ("opened_at", "required") in kinds(result)
    result = check_answers(form, {"station": "71001", "opened": "no"})
    assert ("reason", "required") in kinds(result)          # the group is now relevant
    assert ("opened_at", "required") not in kinds(result)


def test_answers_to_irrelevant_questions_are_dropped_with_a_warning(form):
    result = check_answers(form, {"station": "71001", "opened": "no", "opened_at": "07:10",
                                  "reason": "no staff"})
    assert result.ok
    assert "opened_at" not in result.cleaned
    assert result.dropped == ["opened_at"]
    assert result.warnings[0].kind == "irrelevant" and result.warnings[0].code == "A2"
    # a whole group skipped: its answers go too
    result = check(form, {"reason": "x"})
    assert "reason" not in result.cleaned and result.dropped == ["reason"]


def test_skip_logic_with_count_selected(form):
    assert "kind" in check(form, {"who": ["police"], "kind": "1"}).cleaned
    result = check(form, {"kind": "1"})
    assert "kind" not in result.cleaned and result.dropped == ["kind"]


def test_unknown_question_names_are_errors(form):
    result = check(form, {"bogus": 1})
    assert result.errors[0].kind == "unknown"
    assert result.errors[0].message == "bogus: there is no such question in this form"


def test_notes_and_odk_meta_are_ignored(form):
    result = check(form, {"note": "whatever", "meta": {"instanceID": "uuid:1"}})
    assert result.ok and "note" not in result.cleaned and "meta" not in result.cleaned


def test_odk_groups_are_flattened(form):
    result = check_answers(form, {"station": "71001", "opened": "no", "details": {"reason": "x"}})
    assert result.ok and result.cleaned["reason"] == "x"


def test_repeats_are_lists_of_rows_checked_row_by_row(form):
    result = check(form, {"rows": [{"item": "1", "count": "4"}, {"item": "other", "count": 12, "why": "x"},
                                   {"item": "police", "count": 3, "why": "dropped"}]})
    assert result.ok, result.errors
    assert result.cleaned["rows"] == [{"item": "police", "count": 4},
                                      {"item": "other", "count": 12, "why": "x"},
                                      {"item": "police", "count": 3}]
    assert result.warnings[0].row == 3 and result.warnings[0].kind == "irrelevant"


def test_repeat_row_errors_name_the_row(form):
    result = check(form, {"rows": [{"item": "police", "count": 1}, {"item": "army", "count": -2}, {}]})
    found = {(e.question, e.kind, e.row) for e in result.errors}
    assert found == {("item", "choice", 2), ("count", "bounds", 2), ("item", "required", 3),
                     ("count", "required", 3)}
    assert "(row 2)" in result.errors[0].message


def test_malformed_repeats_are_errors(form):
    assert ("rows", "repeat") in kinds(check(form, {"rows": "lots"}))
    assert ("rows", "repeat") in kinds(check(form, {"rows": [1, 2]}))
    assert ("count", "repeat") in kinds(check(form, {"count": 3}))   # belongs inside the rows


def test_station_answer_must_match_the_station_given(form):
    result = check_answers(form, {"opened": "yes", "opened_at": "7:00"}, station_code="71001")
    assert result.ok and result.cleaned["station"] == "71001"
    result = check_answers(form, {"station": "27001", "opened": "yes", "opened_at": "7:00"},
                           station_code="71001")
    assert result.errors[0].kind == "station"


def test_answers_must_be_an_object(form):
    assert check_answers(form, ["a"]).errors[0].kind == "type"


def test_an_unreadable_answer_to_a_question_not_asked_is_dropped_not_an_error(form):
    result = check_answers(form, {"station": "71001", "opened": "no", "opened_at": "whenever",
                                  "reason": "no staff"})
    assert result.ok and result.dropped == ["opened_at"]
    result = check_answers(form, {"station": "71001", "opened": "yes", "opened_at": "whenever"})
    assert [(e.question, e.kind) for e in result.errors] == [("opened_at", "type")]


def test_skip_logic_is_judged_on_the_record_given_as_prior(form):
    result = check_answers(form, {"station": "71001", "opened_at": "07:10"}, prior={"opened": "yes"})
    assert result.cleaned["opened_at"] == "07:10" and not result.not_saved
    # the report's own answers win over the record's
    result = check_answers(form, {"station": "71001", "opened": "no", "opened_at": "07:10"},
                           prior={"opened": "yes"})
    assert "opened_at" not in result.cleaned
    # a prior answer makes an answer not asked, too
    result = check_answers(form, {"station": "71001", "opened_at": "07:10"}, prior={"opened": "no"})
    assert "opened_at" not in result.cleaned and result.dropped == ["opened_at"]


def test_not_saved_names_the_answer_and_the_condition_not_met(form):
    result = check_answers(form, {"station": "71001", "opened": "no", "opened_at": "07:10",
                                  "reason": "no staff"})
    assert result.not_saved == [{"question": "opened_at", "code": "A2", "row": None,
                                 "when": {"tag": "A1", "op": "=", "value": "Y"}}]
    # a section's condition is the one named; an expression that is no plain comparison: None
    result = check(form, {"reason": "x", "kind": "1"})
    conditions = {item["question"]: item["when"] for item in result.not_saved}
    assert conditions == {"reason": {"tag": "A1", "op": "=", "value": "N"}, "kind": None}
