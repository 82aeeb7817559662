"""Playwright driving the system Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[4] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 360, "height": 740}


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
def signed_in(browser, live_server):
    """``signed_in(user, viewport)``: a new page whose browser context holds ``user``'s session
    (signing in through the form is tested once, in test_sign_in)."""
    from django.conf import settings
    from django.test import Client

    contexts = []

    def open_page(user, viewport=DESKTOP, **options):
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport=viewport, **options)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                              "url": live_server.url}])
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def fill_opening(page):
    """The required questions of the built-in opening form on the observer page."""
    page.fill("#q-arrived_at", "06:40")
    page.fill("#q-opened_at", "07:00")
    for name, index in [("opened_on_time", 0), ("unauthorised_present", 1), ("boxes_shown_empty", 0),
                        ("boxes_sealed", 0), ("observers_can_see", 0), ("assessment", 1)]:
        page.click(f"label[for='q-{name}-{index}']")
