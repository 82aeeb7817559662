"""Every mission page checks the role: observers and other missions' staff see nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from pollwatch.submissions.models import Incident

READ_PAGES = ["coverage", "overdue", "incidents", "findings", "people", "messages", "quick_count", "forensics"]


def urls(world, mission="alpha"):
    incident = Incident.objects.create(mission=world.alpha, station=world.station_astana, category="voting",
                                       reported_at=timezone.now())
    found = [reverse(f"dashboard:{name}", args=[mission]) for name in READ_PAGES]
    found += [reverse("dashboard:coverage_data", args=[mission]),
              reverse("dashboard:station", args=[mission, world.station_astana.pk]),
              reverse("dashboard:incident", args=[mission, incident.pk]),
              reverse("dashboard:findings_drill", args=[mission, "voting"]) + "?question=assessment"]
    return found


def test_coordinator_and_analyst_open_every_page(world, login):
    from .reports import install_forms

    install_forms(world.alpha)
    for user in (world.alice, world.anna):
        client = login(user)
        for url in urls(world):
            assert client.get(url).status_code == 200, url


def test_observer_cannot_open_a_coordinator_page(world, login):
    client = login(world.oleg)
    for url in urls(world):
        assert client.get(url).status_code == 403, url


def test_coordinator_of_beta_sees_nothing_of_alpha(world, login):
    client = login(world.bob)
    for url in urls(world):
        assert client.get(url).status_code == 403, url
    beta_incident_url = reverse("dashboard:incident", args=["beta", Incident.objects.get().pk])
    assert client.get(beta_incident_url).status_code == 404
    beta_coverage = client.get(reverse("dashboard:coverage", args=["beta"]))
    assert beta_coverage.status_code == 200
    assert "71001" not in beta_coverage.content.decode()


def test_anonymous_is_sent_to_sign_in(world, client):
    for url in urls(world):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_analyst_cannot_act(world, login):
    from pollwatch.accounts.models import SignInCode
    from pollwatch.dashboard.models import Notice

    client = login(world.anna)
    incident = Incident.objects.create(mission=world.alpha, station=world.station_astana, category="voting",
                                       reported_at=timezone.now())
    assert client.post(reverse("dashboard:issue_code", args=["alpha", world.observer_oleg.pk])).status_code == 403
    assert client.post(reverse("dashboard:messages", args=["alpha"]),
                       {"text": "hello", "audience": "all"}).status_code == 403
    assert client.post(reverse("dashboard:incident", args=["alpha", incident.pk]),
                       {"action": "review"}).status_code == 403
    assert not SignInCode.objects.exists() and not Notice.objects.exists()
    assert Incident.objects.get(pk=incident.pk).status == "new"


def test_coordinator_cannot_issue_a_code_for_another_missions_observer(world, login):
    from pollwatch.accounts.models import SignInCode

    client = login(world.bob)
    response = client.post(reverse("dashboard:issue_code", args=["beta", world.observer_oleg.pk]))
    assert response.status_code == 404
    assert not SignInCode.objects.exists()


def test_station_of_another_election_is_not_found(world, login):
    from pollwatch.factories import StationFactory

    other = StationFactory()
    response = login(world.alice).get(reverse("dashboard:station", args=["alpha", other.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["observer_notices"])
def test_observer_pages_need_an_observer(world, login, url_name):
    assert login(world.alice).get(reverse(f"dashboard:{url_name}")).status_code == 404
    assert login(world.oleg).get(reverse(f"dashboard:{url_name}")).status_code == 200
