"""The observers page narrowed by text, team, region and "has not reported", in the query string."""

import pytest

from pollwatch.missions.models import Observer
from pollwatch.missions.services import add_team_member

from .reports import OPENING, install_forms, report

PEOPLE = "/m/alpha/people/"


@pytest.fixture
def alice(world, login):
    return login(world.alice)


def listed(response):
    assert response.status_code == 200
    return [row.observer.full_name for row in response.context["page"]]


def teams(response):
    return [row.team.code for row in response.context["people"].teams]


def test_without_filters_everyone_is_listed(world, alice):
    response = alice.get(PEOPLE)
    assert listed(response) == ["Olga Observer", "Oleg Observer"]
    assert teams(response) == ["ec-1", "ipa-1"]


@pytest.mark.parametrize("text", ["olga", "ACC-4502", "8 (701) 123-45-02", "+77011234502", "34502"])
def test_text_finds_an_observer_by_name_code_or_phone_in_any_format(world, alice, text):
    response = alice.get(PEOPLE, {"q": text})
    assert listed(response) == ["Olga Observer"], text
    assert teams(response) == ["ec-1"]


def test_team_and_region_narrow_observers_and_teams(world, alice):
    by_team = alice.get(PEOPLE, {"team": "ipa-1"})
    assert listed(by_team) == ["Oleg Observer"] and teams(by_team) == ["ipa-1"]
    # ec-1 works at 27001 in West Kazakhstan (27); ipa-1 at 71001 in Astana (71).
    west = alice.get(PEOPLE, {"region": "27"})
    assert listed(west) == ["Olga Observer"] and teams(west) == ["ec-1"]
    astana = alice.get(PEOPLE, {"region": "71", "team": "ec-1"})
    assert listed(astana) == [] and teams(astana) == []
    assert "No observer matches these filters." in astana.content.decode()


def test_has_not_reported_leaves_out_who_has(world, alice):
    forms = install_forms(world.alpha)
    report(world.alpha, forms["opening"], world.station_astana, world.observer_oleg, OPENING)
    response = alice.get(PEOPLE, {"not_reported": "1"})
    assert listed(response) == ["Olga Observer"] and teams(response) == ["ec-1"]


@pytest.mark.parametrize("params", [
    {"team": "no-such-team"}, {"region": "ZZ"}, {"not_reported": "maybe"}, {"group": "<script>"},
    {"page": "abc"}, {"page": "-3"}, {"q": "x" * 5000}, {"q": "%_'\""}, {"q": "ol\x00ga"}, {"region": ["71", "27"]},
])
def test_bad_filter_values_are_answered_without_error(world, alice, params):
    response = alice.get(PEOPLE, params)
    assert response.status_code == 200, params


def test_a_value_naming_nothing_of_the_mission_is_ignored(world, alice):
    assert listed(alice.get(PEOPLE, {"team": "no-such-team", "region": "ZZ"})) == ["Olga Observer",
                                                                                   "Oleg Observer"]


def test_the_pages_keep_the_filters(world, alice):
    for i in range(105):
        observer = Observer.objects.create(mission=world.alpha, group=world.ipa, full_name=f"Extra {i:03d}",
                                           phone=f"+7701555{i:04d}")
        add_team_member(world.team_ipa, observer, "test")
    first = alice.get(PEOPLE, {"q": "extra", "team": "ipa-1"})
    assert len(listed(first)) == 100 and first.context["page"].paginator.count == 105
    html = first.content.decode()
    assert "q=extra&amp;team=ipa-1&amp;page=2" in html
    second = alice.get(PEOPLE, {"q": "extra", "team": "ipa-1", "page": "2"})
    assert listed(second) == [f"Extra {i:03d}" for i in range(100, 105)]


def test_the_export_follows_the_filters(world, alice):
    response = alice.get(PEOPLE, {"team": "ec-1", "format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "Olga Observer" in body and "Oleg Observer" not in body
