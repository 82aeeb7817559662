"""The forensic screens' reasons and failed control equations, in each reader's language."""

import pytest
from django.conf import settings

from pollwatch.analysis import forensics_report, simulate_election
from pollwatch.analysis.forensics.report import reason_text
from pollwatch.results.models import ResultBatch
from pollwatch.results.reasons import equation_failure, forensics_reason, forensics_reasons
from pollwatch.submissions.tests.observations import observe_protocol

from .helpers import import_rows

NB = "\u00a0"


@pytest.mark.parametrize(("language", "words"), [
    ("en", f"turnout 91.2{NB}% against 64.0{NB}% in the region (robust z +4.5)"),
    ("ru", f"явка 91,2{NB}% против 64,0{NB}% по региону (робастный z +4,5)"),
    ("kk", f"қатысу 91,2{NB}%, өңірде 64,0{NB}% (робаст z +4,5)"),
])
def test_a_station_reason_in_each_language(language, words):
    values = {"turnout": 0.9123, "median": 0.64, "z": 4.46}
    assert forensics_reason("turnout_vs_region", values, language) == words


def test_counts_signs_p_values_and_the_leader_by_name():
    values = {"observed": 1234, "expected": 980.4, "excess": 253.6, "p": 0.0000123}
    assert forensics_reason("region_whole_percentages", values, "ru") == (
        f"1{NB}234 участков с целым числом процентов при ожидаемых 980 (избыток +254, p = 1,2e-05)")
    assert forensics_reason("smear", {"leader": "amanat"}, "en", leader="AMANAT") == (
        "in the fingerprint's smear towards 100 % turnout and 100 % AMANAT")
    assert forensics_reason("turnout_100", {}, "kk") == "қатысу 100 %"
    assert forensics_reason("no_such_code", {}, "ru", fallback="as it was") == "as it was"
    # A check kept from before the screens gave codes keeps its English words.
    assert forensics_reasons((), ("turnout is 100 %",), "ru") == ("turnout is 100 %",)


def test_the_screens_give_codes_whose_english_is_their_words():
    sim = simulate_election(2_000, regions=5, seed=1, stuffing=0.05, stuffing_strength=(0.6, 1.0))
    report = forensics_report(sim.results)
    assert report.outliers
    for outlier in report.outliers[:50]:
        assert [reason_text(code, values) for code, values in outlier.reason_codes] == list(outlier.reasons)
    flagged_regions = [r for r in report.regions if r.reasons]
    for region in flagged_regions:
        assert [reason_text(code, values) for code, values in region.reason_codes] == list(region.reasons)
    assert report.to_dict(limit=1)["outliers"][0]["reason_codes"]


@pytest.mark.parametrize(("language", "words"), [
    ("en", "ballots received = issued + cancelled (-57)"),
    ("ru", "получено бюллетеней = выдано + погашено (-57)"),
    ("kk", "алынған бюллетеньдер = берілген + жойылған (-57)"),
])
def test_a_failed_control_equation_is_named_not_coded(language, words):
    failure = {"equation": "received_balance", "expression": "received == issued + cancelled",
               "lhs": 1000, "rhs": 1057, "difference": -57}
    assert equation_failure(failure, language) == words
    assert equation_failure({"equation": "own_rule", "expression": "a == b", "difference": 1200}, language) \
        == ("a == b (+1,200)" if language == "en" else f"a == b (+1{NB}200)")


def test_the_discrepancy_page_names_failed_equations_in_russian(world, login):
    import_rows(world)
    observe_protocol(world.alpha, world.station_astana, world.contest, world.observer_oleg,
                     {"ballots": 1000, "valid": 900, "invalid": 20},
                     {"amanat": 500, "auyl": 200, "respublica": 180, "against-all": 20}, reconciles=False,
                     failures=[{"equation": "ballots_balance", "expression": "valid + invalid == ballots",
                                "lhs": 920, "rhs": 1000, "difference": -80}])
    client = login(world.anna)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = client.get("/m/alpha/results/majilis-list/discrepancies/").content.decode()
    assert "ballots_balance" not in page
    assert "действительные + недействительные = бюллетеней в ящиках (-80)" in page


@pytest.mark.parametrize(("language", "votes", "registered"), [
    ("en", "1,250", "5,000"), ("ru", f"1{NB}250", f"5{NB}000"), ("kk", f"1{NB}250", f"5{NB}000")])
def test_results_pages_write_counts_as_the_language_does(world, login, language, votes, registered):
    import_rows(world)  # AMANAT: 500 + 300 + 450 votes; 2,000 + 1,200 + 1,800 registered
    client = login(world.anna)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    seats = client.get("/m/alpha/results/majilis-list/seats/").content.decode()
    assert f'<td class="num">{votes}</td>' in seats
    batch = ResultBatch.objects.get(contest=world.contest)
    page = client.get(f"/m/alpha/results/batches/{batch.pk}/").content.decode()
    assert f'<td class="num">{registered}</td>' in page
    forensics = client.get("/m/alpha/forensics/?contest=majilis-list")
    assert forensics.status_code == 200
