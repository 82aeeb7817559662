"""A coordinator edits and publishes a statement in a real browser (Playwright driving the
system Chromium), and the public page shows its frozen figure."""

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def page(live_server, world):
    if not os.path.exists(CHROMIUM):
        pytest.skip("no system Chromium (make chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(world.alice)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                              "url": live_server.url}])
        yield context.new_page()
        browser.close()


def test_coordinator_edits_publishes_and_the_public_reads_the_figure(page, live_server, world):
    from pollwatch.statements.models import Statement
    from pollwatch.statements.services import create_statement

    from .helpers import voting_reports

    voting_reports(world)
    create_statement(world.alpha, world.anna, group=world.ipa, slug="interim", languages=["en"])
    page.goto(f"{live_server.url}/m/alpha/")
    page.click("nav.mission-nav >> text=Statements")
    page.click("text=Statement of preliminary findings and conclusions")
    assert "25 per cent of 4 observations" in page.inner_text("article")
    page.click("text=Edit text")
    page.fill("textarea[name='section:summary']", "Calm. Negative in "
              '{{ share form="voting" question="overall" values="bad,very_bad" show="percent" }}.')
    page.click("text=Save and preview")
    assert "Negative in 25 per cent." in page.inner_text("article")
    page.click("text=Publish: freeze the text and figures")
    page.wait_for_url(f"{live_server.url}/statements/alpha/interim/")
    assert "Published as version 1." in page.inner_text(".messages")
    assert Statement.objects.get().status == "published"
    page.click("a.figure-ref >> nth=0")
    assert "What this figure counts" in page.inner_text("h1")
    assert "as published in version 1" in page.inner_text("main")
