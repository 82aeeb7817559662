import pytest
from django.urls import reverse

from .reports import OPENING, install_forms, report


@pytest.mark.parametrize("name", ["coverage", "overdue", "incidents", "findings", "people", "quick_count", "forensics", "messages"])
def test_pages_render(world, login, name):
    forms = install_forms(world.alpha)
    report(world.alpha, forms["opening"], world.station_astana, world.observer_oleg, OPENING)
    client = login(world.alice)
    response = client.get(reverse(f"dashboard:{name}", args=["alpha"]))
    assert response.status_code == 200, response.content[:2000]


def test_critical_banner_shows_on_mission_pages_until_taken_up(world, login):
    from django.utils import timezone

    from pollwatch.submissions.models import Incident

    incident = Incident.objects.create(mission=world.alpha, station=world.station_astana, category="security",
                                       severity="critical", reported_at=timezone.now(), description="Shots")
    client = login(world.alice)
    page = client.get(reverse("dashboard:stations", args=["alpha"]))
    assert "critical incident is waiting" in page.content.decode()
    beta = login(world.bob).get(reverse("dashboard:stations", args=["beta"]))
    assert "critical incident" not in beta.content.decode()
    Incident.objects.filter(pk=incident.pk).update(status="under_review")
    page = login(world.alice).get(reverse("dashboard:stations", args=["alpha"]))
    assert "critical incident is waiting" not in page.content.decode()


def test_pages_speak_russian_and_the_observer_strip_kazakh(world, login):
    from pollwatch.dashboard.services.messages import send_notice

    page = login(world.alice).get(reverse("dashboard:coverage", args=["alpha"]), HTTP_ACCEPT_LANGUAGE="ru")
    assert "Охват в реальном времени" in page.content.decode()
    send_notice(world.alpha, world.alice, "Hello", "all", by_sms=False)
    home = login(world.oleg).get(reverse("intake:observe_home"), HTTP_ACCEPT_LANGUAGE="kk")
    assert "Миссиядан 1 жаңа хабарлама" in home.content.decode()
