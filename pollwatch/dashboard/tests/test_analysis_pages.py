"""The analyst's quick count and forensics pages over a seeded election."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from .elections import STUFFED, import_official, observe_like_official, official_rows


@pytest.fixture
def election(world):
    cache.clear()
    rows = official_rows(world)
    import_official(world, rows)
    sample = sorted(rows)[::2]
    observe_like_official(world, rows, sample, change={sample[0]: {"amanat": rows[sample[0]][4] + 50}})
    yield rows, sample
    cache.clear()


def test_quick_count_page_shows_estimates_seats_and_the_official_comparison(world, login, election):
    rows, sample = election
    response = login(world.anna).get(reverse("dashboard:quick_count", args=["alpha"]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "AMANAT" in page and "inside" in page
    check = response.context["check"]
    assert check.result.stations == len(sample)
    amanat = next(r for r in response.context["rows"] if r["choice"] == "amanat")
    official = sum(v[4] for v in rows.values()) / sum(sum(v[4:]) for v in rows.values())
    assert amanat["official"] == pytest.approx(official)
    assert amanat["low"] <= amanat["estimate"] <= amanat["high"]
    arrival = {s.code: s for s in response.context["arrival"]}
    in_astana = {c for c in sample if c.startswith("71")}
    assert arrival["71"].arrived == len(in_astana)
    assert arrival["71"].drawn == len(in_astana | {"71001"})  # the world's own closing assignment
    assert arrival["27"].frame == len([c for c in rows if c.startswith("27")])


def test_quick_count_is_computed_once_until_a_protocol_arrives(world, login, election, django_assert_max_num_queries):
    client = login(world.anna)
    client.get(reverse("dashboard:quick_count", args=["alpha"]))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("dashboard:quick_count", args=["alpha"]))
    assert response.status_code == 200


def test_quick_count_export_has_one_row_per_choice(world, login, election):
    response = login(world.anna).get(reverse("dashboard:quick_count", args=["alpha"]) + "?format=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("contest,choice,name,estimate")
    assert len(lines) == 1 + 4 + 2  # four choices, turnout and invalid


def test_forensics_page_ranks_the_stuffed_station_and_links_it(world, login, election):
    from pollwatch.elections.models import PollingStation

    response = login(world.anna).get(reverse("dashboard:forensics", args=["alpha"]))

    assert response.status_code == 200
    view = response.context["view"]
    assert view.stations == len(election[0])
    assert view.flagged[0].station.code == STUFFED
    stuffed = PollingStation.objects.get(election=world.election, code=STUFFED)
    assert reverse("dashboard:station", args=["alpha", stuffed.pk]) in response.content.decode()
    assert len(view.fingerprint["counts"]) == view.fingerprint["bins"]


def test_forensics_page_tests_second_digits_against_the_binomial_null(world, login, election):
    response = login(world.anna).get(reverse("dashboard:forensics", args=["alpha"]))

    second = response.context["view"].second_digit
    assert second["null"] == "binomial" and second["n"] > 100
    chart = response.context["charts"]["second_digit"]
    assert chart["observed"] == second["counts"]
    assert sum(chart["expected"]) == pytest.approx(second["n"], abs=1)
    assert sum(chart["benford"]) == pytest.approx(second["n"], abs=1)
    assert chart["expected"] != chart["benford"]
    page = response.content.decode()
    assert f"{second['expected_mean']:.3f}" in page
    assert "a description, not a test" in page


def test_forensics_page_writes_its_figures_in_the_page_language(world, login, election):
    response = login(world.anna).get(reverse("dashboard:forensics", args=["alpha"]), HTTP_ACCEPT_LANGUAGE="kk")

    page = response.content.decode()
    assert "Екінші цифр: орташа" in page
    assert "Бенфорд 4,187" in page and "4.187" not in page
def test_forensics_page_without_official_results_says_so(world, login):
    cache.clear()
    response = login(world.anna).get(reverse("dashboard:forensics", args=["alpha"]))
    assert response.status_code == 200
    assert "No official results" in response.content.decode() or "no official results" in response.content.decode()


def test_station_page_shows_observed_protocol_next_to_the_official_one(world, login, election):
    rows, sample = election
    from pollwatch.elections.models import PollingStation

    station = PollingStation.objects.get(election=world.election, code=sample[0])
    response = login(world.alice).get(reverse("dashboard:station", args=["alpha", station.pk]))

    assert response.status_code == 200
    comparison = response.context["dossier"].protocols[0]
    amanat = next(line for line in comparison.lines if line.name == "votes:amanat")
    assert amanat.official == rows[sample[0]][4]
    assert amanat.observed == [rows[sample[0]][4] + 50]
    assert amanat.differs
    assert comparison.differences == 1


def test_new_protocol_within_a_minute_serves_the_kept_estimate_marked_stale(world, login, election, settings):
    from pollwatch.results.computed import cached_quick_count

    rows, sample = election
    first = cached_quick_count(world.alpha, world.contest)
    assert not first.stale
    unsampled = next(code for code in sorted(rows) if code not in sample and code != "71001")
    observe_like_official(world, rows, [unsampled])

    kept = cached_quick_count(world.alpha, world.contest)
    assert kept.stale and kept.value.result.stations == first.value.result.stations
    page = login(world.anna).get(reverse("dashboard:quick_count", args=["alpha"]))
    assert "recomputed at most once a minute" in page.content.decode()

    settings.DASHBOARD_RECOMPUTE_SECONDS = 0
    fresh = cached_quick_count(world.alpha, world.contest)
    assert not fresh.stale and fresh.value.result.stations == first.value.result.stations + 1
