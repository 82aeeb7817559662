"""Answer shares: shares of observations with their base, over current, non-test reports."""

import pytest

from pollwatch.submissions.aggregates import (
    ShareResult,
    UnknownQuestion,
    answer_shares,
    findings_table,
    matches,
    parse_values,
    share_of,
    tally,
)

from .observations import correct, make_form, observe, voting_form


def test_share_of_counts_over_those_who_answered():
    # 5 reports, one unanswered: base 4; "bad" or "very_bad" in 1 and 4 -> 2 of 4.
    result = share_of([(1, "bad"), (2, "good"), (3, None), (4, "very_bad"), (5, "very_good")],
                      ["bad", "very_bad"])
    assert result == ShareResult(0.5, 2, 4, (1, 4), (1, 2, 4, 5))


def test_share_of_nobody_answering_has_no_share():
    assert share_of([(1, ""), (2, [])], ["yes"]).share is None


def test_multiple_selection_matches_any_chosen_value():
    assert matches(["queue", "pressure"], ["pressure"])
    assert not matches(["queue"], ["stuffing"])
    assert matches(True, ["yes"])


def test_tally_counts_each_value_once_per_report():
    counts = tally([["queue", "queue", "pressure"], ["queue"], None])
    assert counts.base == 2
    assert counts.counts == {"queue": 2, "pressure": 1}


def test_values_must_name_something():
    assert parse_values("bad, very_bad,") == ("bad", "very_bad")
    with pytest.raises(ValueError):
        parse_values(" , ")


def test_answer_shares_reads_current_real_reports_only(world):
    form = voting_form(world.alpha)
    bad = observe(world.alpha, form, world.station_astana, world.observer_oleg, {"overall": "bad"})
    observe(world.alpha, form, world.station_west, world.observer_olga, {"overall": "good"})
    observe(world.alpha, form, world.station_west, world.observer_olga, {"overall": "very_bad"},
            is_test=True)
    observe(world.alpha, form, world.station_unassigned, None, {"secrecy_ok": "no"})

    result = answer_shares(world.alpha, "voting", "overall", "bad,very_bad")
    assert (result.count, result.base, result.submission_ids) == (1, 2, (bad.pk,))
    assert result.share == pytest.approx(0.5)

    correct(bad, {"overall": "good"})
    after = answer_shares(world.alpha, "voting", "overall", ["bad", "very_bad"])
    assert (after.count, after.base) == (0, 2)


def test_answer_shares_by_region_and_phase(world):
    form = voting_form(world.alpha)
    observe(world.alpha, form, world.station_astana, None, {"overall": "bad"})
    observe(world.alpha, form, world.station_unassigned, None, {"overall": "good"})
    observe(world.alpha, form, world.station_west, None, {"overall": "bad"})
    astana = answer_shares(world.alpha, "voting", "overall", "bad", region="71")
    assert (astana.count, astana.base) == (1, 2)
    assert answer_shares(world.alpha, "voting", "overall", "bad", phase="opening").base == 0


def test_answer_shares_never_counts_another_missions_reports(world):
    form = voting_form(world.alpha)
    voting_form(world.beta)
    observe(world.alpha, form, world.station_astana, None, {"overall": "bad"})
    assert answer_shares(world.beta, "voting", "overall", "bad").base == 0


def test_unknown_form_or_question_is_named(world):
    voting_form(world.alpha)
    with pytest.raises(UnknownQuestion, match="no form 'opening'"):
        answer_shares(world.alpha, "opening", "overall", "bad")
    with pytest.raises(UnknownQuestion, match="no question 'overal'"):
        answer_shares(world.alpha, "voting", "overal", "bad")


def test_findings_table_gives_every_counted_question_with_its_base(world):
    form = voting_form(world.alpha)
    observe(world.alpha, form, world.station_astana, None,
            {"overall": "bad", "secrecy_ok": "yes", "problems": ["queue", "pressure"]})
    observe(world.alpha, form, world.station_west, None, {"overall": "good", "secrecy_ok": "no"})
    observe(world.alpha, form, world.station_unassigned, None, {"overall": "bad"})

    table = findings_table(world.alpha, "voting")
    assert table.observations == 3
    assert [q.name for q in table.questions] == ["overall", "secrecy_ok", "problems"]
    overall = table.questions[0]
    assert (overall.overall.counts["bad"], overall.overall.base) == (2, 3)
    assert overall.by_region["71"].counts == {"bad": 2}
    assert overall.by_region["27"].base == 1
    problems = table.questions[2]
    assert problems.overall.base == 1
    rows = [r for r in table.rows() if r["question"] == "secrecy_ok" and r["scope"] == "overall"]
    assert [(r["answer"], r["count"], r["base"]) for r in rows] == [("yes", 1, 2), ("no", 1, 2)]


def test_findings_leave_out_the_station_question(world):
    form = make_form(world.alpha, "opening", phase="opening", questions=[
        ("station", "select_one", [{"name": "71-001"}, {"name": "27-001"}]),
        ("opened_on_time", "yes_no", None),
    ])
    observe(world.alpha, form, world.station_astana, None, {"station": "71-001", "opened_on_time": "yes"})
    observe(world.alpha, form, world.station_west, None, {"station": "27-001", "opened_on_time": "no"})

    table = findings_table(world.alpha, "opening")
    assert [q.name for q in table.questions] == ["opened_on_time"]
    assert table.questions[0].overall.base == 2
