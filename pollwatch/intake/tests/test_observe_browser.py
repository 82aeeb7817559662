"""The observer page in a real browser (Playwright driving the system Chromium): a report
filled offline waits in the outbox, survives a reload while offline, and is sent once the
phone is back online."""

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("no system Chromium (make chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def observer_page(browser, live_server, world, forms):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(world.oleg)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ru-RU")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    page = context.new_page()
    yield context, page
    context.close()


def fill_opening(page):
    page.fill("#q-arrived_at", "06:40")
    page.fill("#q-opened_at", "07:00")
    for name, index in [("opened_on_time", 0), ("unauthorised_present", 1), ("boxes_shown_empty", 0),
                        ("boxes_sealed", 0), ("observers_can_see", 0), ("assessment", 1)]:
        page.click(f"label[for='q-{name}-{index}']")


def test_report_filled_offline_is_sent_when_back_online(observer_page, live_server, world):
    from pollwatch.submissions.models import Submission

    context, page = observer_page
    page.goto(f"{live_server.url}/observe/")
    page.wait_for_selector("#observe[data-ready='1']")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    assert page.locator(".assignment[data-station='71001']").count() == 3
    assert "07:00" in page.inner_text(".assignment[data-phase='opening'] .times")

    context.set_offline(True)
    page.click("button[data-form='opening'][data-station='71001']")
    page.click("#report button[type=submit]")
    assert page.locator("#report .problem:not([hidden])").count() >= 1  # required questions
    fill_opening(page)
    page.click("#report button[type=submit]")
    page.wait_for_selector("#outbox li[data-state='queued']")
    assert not Submission.objects.exists()

    page.reload()  # offline: the service worker serves the kept page, IndexedDB the outbox
    page.wait_for_selector("#observe[data-ready='1']")
    page.wait_for_selector("#outbox li[data-state='queued']")
    assert page.locator(".assignment").count() == 3

    context.set_offline(False)
    page.wait_for_selector("#outbox li[data-state='sent']", timeout=15000)
    submission = Submission.objects.get()
    assert submission.channel == "web" and submission.observer == world.observer_oleg
    assert submission.answers["assessment"] == "good" and submission.station.code == "71001"


def test_rejected_report_shows_the_reason(observer_page, live_server, world):
    context, page = observer_page
    page.goto(f"{live_server.url}/observe/")
    page.wait_for_selector("#observe[data-ready='1']")
    page.click("button[data-form='opening'][data-station='71001']")
    fill_opening(page)
    page.fill("#q-commission_present", "500")  # above the form's maximum of 100
    page.click("#report button[type=submit]")
    page.wait_for_selector("#outbox li[data-state='rejected']", timeout=15000)
    assert "B1" in page.inner_text("#outbox li[data-state='rejected'] .reason")
