"""Overdue reports: who to call, due times in the station's zone."""

import datetime as dt

import pytest
from django.urls import reverse

from pollwatch.dashboard.services.overdue import overdue_reports
from pollwatch.submissions.tests.observations import observe_protocol

from .reports import OPENING, install_forms, report

ALMATY = dt.timezone(dt.timedelta(hours=6))


def at(hour, minute=0):
    return dt.datetime(2023, 3, 19, hour, minute, tzinfo=ALMATY)


@pytest.fixture
def forms(world):
    return install_forms(world.alpha)


def test_team_is_overdue_for_opening_with_its_phone_and_local_due_time(world, forms):
    found = overdue_reports(world.alpha, at(8, 30), "opening")

    assert [(r.station_code, r.team.code, r.phone) for r in found] == [("71001", "ipa-1", "+77011234501")]
    assert found[0].due_local.strftime("%H:%M %Z") == "08:00 +06"
    assert found[0].late_minutes == 30


def test_report_from_the_team_clears_it_but_another_teams_does_not(world, forms):
    report(world.alpha, forms["opening"], world.station_west, world.observer_oleg, OPENING)  # not ec-1
    report(world.alpha, forms["opening"], world.station_astana, world.observer_oleg, OPENING)

    found = overdue_reports(world.alpha, at(12), "opening")

    assert [(r.station_code, r.team.code) for r in found] == [("27001", "ec-1")]
    assert found[0].due_local.strftime("%H:%M") == "08:00"  # Oral's local time


def test_protocol_is_overdue_after_closing_until_one_arrives(world, forms):
    late = dt.datetime(2023, 3, 20, 2, 0, tzinfo=ALMATY)  # 20:00 + 4 h has passed in both zones
    assert {r.station_code for r in overdue_reports(world.alpha, late, "protocol")} == {"71001", "27001"}

    observe_protocol(world.alpha, world.station_astana, world.contest, world.observer_oleg,
                     {"ballots": 10, "valid": 10, "invalid": 0}, {"amanat": 10})

    assert {r.station_code for r in overdue_reports(world.alpha, late, "protocol")} == {"27001"}


def test_overdue_page_lists_every_duty_and_exports(world, forms, login, django_assert_max_num_queries):
    from pollwatch.factories import StationFactory
    from pollwatch.missions.services import assign

    client = login(world.alice)
    for i in range(20):
        assign(world.team_ipa if i % 2 else world.team_ec, StationFactory(area=world.astana), "voting", "test")
    with django_assert_max_num_queries(16):
        page = client.get(reverse("dashboard:overdue", args=["alpha"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'href="tel:+77011234502"' in html and "Result protocol" in html
    csv = b"".join(client.get(reverse("dashboard:overdue", args=["alpha"]) + "?format=csv").streaming_content)
    assert csv.decode().splitlines()[0].startswith("duty,station,station_name,region,team,phone")
    assert len(csv.decode().splitlines()) == 1 + 8 + 20  # 2 stations x 4 duties, 20 voting visits
