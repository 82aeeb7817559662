"""Observers and teams: who is where, last report, devices, sign-in codes issued from the page."""

import re

from django.urls import reverse
from django.utils import timezone

from pollwatch.accounts.models import SignInCode
from pollwatch.dashboard.services.people import mission_people

from .reports import OPENING, install_forms, report


def test_people_show_duties_last_report_and_devices(world):
    from pollwatch.intake.credentials import issue_observer_token

    forms = install_forms(world.alpha)
    report(world.alpha, forms["opening"], world.station_astana, world.observer_oleg, OPENING)
    issue_observer_token(world.observer_oleg, "test", label="phone")

    people = mission_people(world.alpha, timezone.now())

    teams = {row.team.code: row for row in people.teams}
    assert teams["ipa-1"].stations("opening") == ["71001"] and teams["ec-1"].stations("closing") == ["27001"]
    assert teams["ipa-1"].last_report.station_code == "71001" and teams["ec-1"].last_report is None
    observers = {row.observer.full_name: row for row in people.observers}
    assert observers["Oleg Observer"].devices.state == "active"
    assert observers["Olga Observer"].devices.state == "none"
    assert observers["Oleg Observer"].code_state(people.now) == "none"


def test_coordinator_issues_a_code_shown_once_with_its_qr(world, login, client):
    coordinator = login(world.alice)
    response = coordinator.post(reverse("dashboard:issue_code", args=["alpha", world.observer_olga.pk]))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    html = response.content.decode()
    assert "<svg" in html
    code = re.search(r'id="sign-in-code">(\d{4} \d{4})<', html).group(1)
    record = SignInCode.objects.get(user=world.olga)
    assert record.created_by == world.alice and record.used_at is None

    coordinator.logout()
    signed = client.post(reverse("accounts:code_sign_in"), {"identifier": "+77011234502", "code": code})
    assert signed.status_code == 302
    assert client.get(signed["Location"], follow=True).request["PATH_INFO"] == "/observe/"


def test_people_page_queries_do_not_grow(world, login, django_assert_max_num_queries):
    from pollwatch.missions.models import Observer
    from pollwatch.missions.services import add_team_member

    client = login(world.alice)
    for i in range(20):
        observer = Observer.objects.create(mission=world.alpha, group=world.ipa, full_name=f"Extra {i}",
                                           phone=f"+7701555{i:04d}")
        add_team_member(world.team_ipa, observer, "test")
    with django_assert_max_num_queries(16):
        page = client.get(reverse("dashboard:people", args=["alpha"]))
    assert page.status_code == 200
    assert len(page.context["people"].observers) == 22
