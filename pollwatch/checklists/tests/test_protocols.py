"""Result protocol forms: generated from the contest's choices, checked with the election's
control equations, and read back as figures and votes."""

import pytest

from pollwatch.checklists.models import Form
from pollwatch.checklists.services import (
    install_templates,
    protocol_from_answers,
    sms_schema,
    validate_answers,
)
from pollwatch.elections.models import Choice, Contest, ElectoralDistrict, StationDistrict

GOOD = {"registered": 2000, "received": 1500, "issued": 1000, "issued_mobile": 50, "cancelled": 450,
        "ballots": 1050, "invalid": 10, "valid": 1040}


@pytest.fixture
def districts(world):
    """A single-member contest: district 1 (Astana) and 2 (West), two candidates each."""
    contest = Contest.objects.create(election=world.election, code="majilis-smd", name="Majilis districts",
                                     kind=Contest.Kind.SINGLE_MEMBER, method=Contest.Method.PLURALITY,
                                     seats=2, ballot_order=2)
    one = ElectoralDistrict.objects.create(contest=contest, code="d1", name="District 1")
    two = ElectoralDistrict.objects.create(contest=contest, code="d2", name="District 2")
    for district in (one, two):
        for number in (1, 2):
            Choice.objects.create(contest=contest, district=district, code=f"{district.code}-c{number}",
                                  name=f"Candidate {number} of {district.code}",
                                  kind=Choice.Kind.CANDIDATE, ballot_number=number)
    StationDistrict.objects.create(station=world.station_astana, contest=contest, district=one)
    StationDistrict.objects.create(station=world.station_west, contest=contest, district=two)
    return contest


def protocol_version(mission, contest):
    return Form.objects.get(mission=mission, code=f"protocol-{contest.code}").published_version()


def test_party_list_protocol_has_a_question_per_choice(world):
    install_templates(world.alpha, "test")
    version = protocol_version(world.alpha, world.contest)
    schema = sms_schema(version)
    assert schema.keyword == "PR"
    votes = {code: field.name for code, field in schema.fields.items() if code.startswith("V")}
    assert votes == {"V1": "v_amanat", "V2": "v_auyl", "V3": "v_respublica", "V9": "v_against_all"}
    assert [schema.field(f"A{n}").name for n in range(1, 9)] == [
        "registered", "received", "issued", "issued_mobile", "cancelled", "ballots", "invalid", "valid"]
    question = version.questions.get(name="v_amanat")
    assert question.label["en"] == "1. AMANAT" and question.required


def test_figures_and_votes_are_read_with_mobile_ballots_in_issued(world):
    install_templates(world.alpha, "test")
    form = Form.objects.get(mission=world.alpha, code="protocol-majilis-list")
    answers = {**GOOD, "v_amanat": 600, "v_auyl": 200, "v_respublica": 140, "v_against_all": 100}
    result = validate_answers(form.published_version(), answers, station=world.station_astana)
    assert result.ok and result.warnings == []
    figures, votes = protocol_from_answers(form, result.cleaned)
    assert figures == {"registered": 2000, "received": 1500, "issued": 1050, "cancelled": 450,
                       "ballots": 1050, "valid": 1040, "invalid": 10}
    assert votes == {"amanat": 600, "auyl": 200, "respublica": 140, "against-all": 100}


def test_broken_control_equations_are_warnings_not_errors(world):
    install_templates(world.alpha, "test")
    version = protocol_version(world.alpha, world.contest)
    answers = {**GOOD, "received": 1600, "v_amanat": 600, "v_auyl": 200, "v_respublica": 140,
               "v_against_all": 100}
    result = validate_answers(version, answers, station=world.station_astana)
    assert result.ok
    assert [w.kind for w in result.warnings] == ["control_equation"]
    assert result.warnings[0].message == (
        "control equation received_balance (received == issued + cancelled) does not hold: "
        "1600 against 1500 (difference 100)")


def test_the_elections_own_equations_are_used_including_sum_of_choices(world):
    world.election.control_equations = [
        {"name": "valid_is_votes", "lhs": "valid", "op": "==", "rhs": "sum(choices)"}]
    world.election.save()
    install_templates(world.alpha, "test")
    version = protocol_version(world.alpha, world.contest)
    answers = {**GOOD, "v_amanat": 600, "v_auyl": 200, "v_respublica": 140, "v_against_all": 99}
    warnings = validate_answers(version, answers, station=world.station_astana).warnings
    assert [(w.kind, "difference 1" in w.message) for w in warnings] == [("control_equation", True)]
    # the phone shows the same check as a note
    note = version.questions.get(name="check_1")
    assert note.type == "note" and "sum(choices)" in note.label["en"]
    assert "coalesce(${v_amanat}, 0)" in note.relevant


def test_protocol_notes_warn_on_the_phone_when_figures_break_an_equation(world):
    install_templates(world.alpha, "test")
    version = protocol_version(world.alpha, world.contest)
    note = version.questions.get(name="check_1")
    assert note.relevant == ("${cancelled} != '' and ${issued} != '' and ${received} != '' and "
                             "${received} != (${issued} + coalesce(${issued_mobile}, 0)) + ${cancelled}")
    assert 'relevant=" /data/checks/check_1' not in version.xform  # a note of its own, not a constraint
    assert "check_1" in version.xform


def test_contests_with_districts_take_rows_of_choice_and_votes(world, districts):
    install_templates(world.alpha, "test")
    assert set(Form.objects.filter(mission=world.alpha, kind="protocol")
               .values_list("sms_keyword", flat=True)) == {"PR1", "PR2"}
    version = protocol_version(world.alpha, districts)
    schema = sms_schema(version)
    rows = schema.field("V")
    assert rows.is_repeat and [c.name for c in rows.columns] == ["choice", "count"]
    assert rows.columns[0].raw            # a ballot number, resolved with the station's district
    assert "instance('stations')/root/item[name =  /data/station ]/district_majilis-smd" in version.xform


def test_district_protocol_resolves_ballot_numbers_for_the_station(world, districts):
    install_templates(world.alpha, "test")
    version = protocol_version(world.alpha, districts)
    answers = {**GOOD, "votes": [{"choice": "1", "count": 700}, {"choice": "d1-c2", "count": 340}]}
    result = validate_answers(version, answers, station=world.station_astana)
    assert result.ok, result.errors
    assert result.cleaned["votes"] == [{"choice": "d1-c1", "count": 700}, {"choice": "d1-c2", "count": 340}]
    figures, votes = protocol_from_answers(version.form, result.cleaned, version=version)
    assert votes == {"d1-c1": 700, "d1-c2": 340}
    west = validate_answers(version, answers | {"votes": [{"choice": "1", "count": 5}]},
                            station=world.station_west)
    assert west.cleaned["votes"] == [{"choice": "d2-c1", "count": 5}]


def test_district_protocol_refuses_choices_of_other_districts_and_duplicates(world, districts):
    install_templates(world.alpha, "test")
    version = protocol_version(world.alpha, districts)
    answers = {**GOOD, "votes": [{"choice": "d2-c1", "count": 5}, {"choice": "d1-c1", "count": 5},
                                 {"choice": "1", "count": 5}]}
    result = validate_answers(version, answers, station=world.station_astana)
    assert {(e.kind, e.row) for e in result.errors} == {("district", 1), ("duplicate", 3)}
    assert "'d2-c1' is not on the ballot of this station's district" in result.errors[0].message


def test_a_ballot_number_without_a_station_is_not_guessed(world, districts):
    install_templates(world.alpha, "test")
    version = protocol_version(world.alpha, districts)
    result = validate_answers(version, {**GOOD, "station": "71001", "votes": [{"choice": "1", "count": 5}]})
    assert [e.kind for e in result.errors] == ["choice"]


def test_equation_failures_follow_the_analysis_language():
    from pollwatch.checklists.protocols import equation_failures

    figures = {"received": 500, "issued": 410, "cancelled": 80, "valid": 400, "invalid": 10,
               "ballots": 410}
    votes = {"amanat": 300, "Ak Zhol": 99}
    equations = [
        {"name": "received_balance", "lhs": "received", "op": "==", "rhs": "issued + cancelled"},
        {"name": "votes", "lhs": "valid", "op": "==", "rhs": "sum(choices)"},
        {"name": "amanat_share", "lhs": 'amanat + "Ak Zhol" - 399', "op": ">=", "rhs": "0"},
        {"name": "unknown_field", "lhs": "registered", "op": ">=", "rhs": "issued"},   # not answered
        {"name": "unreadable", "lhs": "valid * 2", "op": "==", "rhs": "ballots"},
    ]
    failures = equation_failures(equations, figures, votes)
    assert [(f["equation"], f["lhs"], f["rhs"], f["difference"]) for f in failures] == [
        ("received_balance", 500, 490, 10), ("votes", 400, 399, 1)]
