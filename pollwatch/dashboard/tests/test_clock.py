"""Election-day pages measure time on the election's clock, and say when it is the demo's."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from pollwatch.dashboard.templatetags.dashboard import local_time, use_clock
from pollwatch.demo.build import DEMO_TIME, stop_the_clock
from pollwatch.demo.context import Demo

from .reports import install_forms


@pytest.fixture
def demo_day(world):
    install_forms(world.alpha)
    stop_the_clock(Demo(election=world.election, mission=world.alpha))
    world.alpha.refresh_from_db()
    return world


def lateness(html):
    return [(int(h), int(m)) for h, m in re.findall(r'class="num">(\d+) h (\d+) min<', html)]


def test_overdue_page_on_the_demo_clock_is_late_by_hours_of_the_day(demo_day, login):
    html = login(demo_day.alice).get(reverse("dashboard:overdue", args=["alpha"])).content.decode()
    # 14:05 in Astana: the opening reports were due at 08:00 local, 08:00 in Oral is 09:00 in Astana
    assert sorted(lateness(html)) == [(5, 5), (6, 5)]
    assert "Demo time 19 March 2023 14:05 (Asia/Almaty)" in html


def test_overdue_page_on_the_real_clock_has_no_banner(world, login):
    install_forms(world.alpha)
    html = login(world.alice).get(reverse("dashboard:overdue", args=["alpha"])).content.decode()
    assert "clock-banner" not in html
    assert all(h > 24 * 365 for h, _m in lateness(html))  # the 2023 election, measured today


def test_the_banner_shows_on_every_page_of_the_mission_in_its_language(demo_day, login):
    client = login(demo_day.alice)
    for name in ("mission", "coverage", "overdue", "people", "stations"):
        html = client.get(reverse(f"dashboard:{name}", args=["alpha"])).content.decode()
        assert 'class="data-note clock-banner"' in html, name
    html = client.get(reverse("dashboard:station", args=["alpha", demo_day.station_astana.pk])).content.decode()
    assert "Demo time 19 March 2023 14:05" in html
    with translation.override("ru"):
        html = client.get(reverse("dashboard:overdue", args=["alpha"]), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Демонстрационное время 19 марта 2023 14:05" in html
    assert "clock-banner" not in client.get(reverse("dashboard:overdue", args=["beta"])).content.decode()


def test_the_coverage_page_opens_on_the_phase_under_way_on_the_election_clock(demo_day, login):
    html = login(demo_day.alice).get(reverse("dashboard:coverage", args=["alpha"])).content.decode()
    assert re.search(r'<a href="\?phase=voting[^"]*" aria-current="page">', html)
    demo_day.alpha.clock_frozen_at = DEMO_TIME.replace(hour=7, minute=30)
    demo_day.alpha.save()
    html = login(demo_day.alice).get(reverse("dashboard:coverage", args=["alpha"])).content.decode()
    assert re.search(r'<a href="\?phase=opening[^"]*" aria-current="page">', html)


def test_a_time_that_is_not_today_on_the_election_clock_shows_its_date():
    moment = dt.datetime(2023, 3, 19, 2, 0, tzinfo=dt.UTC)  # 08:00 in Almaty, 07:00 in Oral
    use_clock(DEMO_TIME)
    try:
        assert local_time(moment, "Asia/Almaty") == "08:00"
        assert local_time(moment, "Asia/Oral") == "07:00"
        assert local_time(moment + dt.timedelta(hours=18), "Asia/Almaty") == "2023-03-20 02:00"
        assert local_time(moment - dt.timedelta(hours=9), "Asia/Almaty") == "2023-03-18 23:00"
    finally:
        use_clock(None)
    assert local_time(moment, "Asia/Almaty") == "2023-03-19 08:00"  # the real today is later


def test_the_station_page_shows_election_day_times_without_a_date_on_its_clock(demo_day, login):
    client = login(demo_day.alice)
    url = reverse("dashboard:station", args=["alpha", demo_day.station_astana.pk])
    assert "<td>08:00</td>" in client.get(url).content.decode()
    demo_day.alpha.clock_frozen_at = None
    demo_day.alpha.save()
    assert "<td>2023-03-19 08:00</td>" in client.get(url).content.decode()
