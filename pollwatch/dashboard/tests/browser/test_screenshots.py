"""The README's screenshots, taken from the demo so that they stay current: the coordinator's
coverage page, the observer's phone page (360 px wide) and the analyst's forensics page.

Written to docs/screenshots/ (coverage.png, observer-phone.png, forensics.png) by
`make screenshots`; a plain test run writes them to a temporary folder."""

import pytest
from django.core.cache import cache

from pollwatch.browsertest import PHONE, screenshot_folder

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path):
    from pollwatch.accounts.models import User
    from pollwatch.dashboard.services.messages import send_notice
    from pollwatch.demo.build import build_demo
    from pollwatch.demo.simulate import fill_day_if_empty

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SMS_GATEWAY = "log"
    cache.clear()
    built = build_demo()
    fill_day_if_empty(built.mission)
    coordinator = User.objects.get(username="coordinator")
    send_notice(built.mission, coordinator, "Polls close at 20:00 local time. Stay for the count and "
                "copy the protocol once it is posted.", "all", by_sms=False)
    yield built
    cache.clear()


def test_screenshots_of_the_demo(demo, live_server, signed_in, tmp_path):
    from pollwatch.accounts.models import User

    folder = screenshot_folder(tmp_path)
    code = demo.mission.code

    page = signed_in(User.objects.get(username="coordinator"), {"width": 1280, "height": 1000})
    page.goto(f"{live_server.url}/m/{code}/coverage/?phase=voting")
    page.wait_for_selector("#coverage-map[data-loaded='1']")
    page.wait_for_timeout(300)
    clustered = sum(int(n) for n in page.locator(".cluster > span").all_inner_texts())
    single = page.locator(".leaflet-marker-icon:not(.cluster)").count()
    assert clustered + single > 100  # every observed station stands on the map, alone or in a cluster
    page.screenshot(path=folder / "coverage.png")

    phone = signed_in(User.objects.get(username="observer"), PHONE)
    phone.goto(f"{live_server.url}/observe/")
    phone.wait_for_selector("#observe[data-ready='1']")
    assert phone.locator(".assignment").count() >= 3
    phone.screenshot(path=folder / "observer-phone.png")

    analyst = signed_in(User.objects.get(username="analyst"), {"width": 1280, "height": 1000})
    analyst.goto(f"{live_server.url}/m/{code}/forensics/")
    analyst.wait_for_selector("#fingerprint[data-drawn='1']")
    analyst.wait_for_timeout(300)
    top = analyst.locator("main h1").bounding_box()["y"] - 8
    analyst.screenshot(path=folder / "forensics.png", full_page=True,
                       clip={"x": 0, "y": top, "width": 1280, "height": 1000})

    for name in ("coverage.png", "observer-phone.png", "forensics.png"):
        assert (folder / name).stat().st_size > 10_000
