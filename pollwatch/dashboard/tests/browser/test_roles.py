"""Each role signs in and lands on its page; an observer signs in with a code the coordinator
issues, on a 360 px phone, and cannot open the coordinator's pages."""

import re

import pytest

from pollwatch.browsertest import DESKTOP, PHONE
from pollwatch.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_with_password(browser, live_server, username):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return context, page


def test_coordinator_and_analyst_sign_in_to_their_mission(browser, live_server, world):
    for username, role in (("alice", "Coordinator"), ("anna", "Analyst")):
        context, page = sign_in_with_password(browser, live_server, username)
        assert page.url.endswith("/m/alpha/")
        assert role in page.inner_text(".who")
        page.click("nav.mission-nav >> text=Coverage")
        page.wait_for_selector("#coverage-map[data-loaded]")
        context.close()


def test_observer_signs_in_with_the_code_the_coordinator_issues(browser, live_server, world, signed_in):
    coordinator = signed_in(world.alice)
    coordinator.goto(f"{live_server.url}/m/alpha/people/")
    coordinator.click("button[aria-label='Issue a sign-in code for Oleg Observer']")
    code = coordinator.inner_text("#sign-in-code")
    assert re.fullmatch(r"\d{4} \d{4}", code)
    assert coordinator.locator(".code-card svg").count() == 1

    phone = browser.new_context(viewport=PHONE, locale="ru-RU")
    page = phone.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    # The phone asks for Russian, so the sign-in page speaks Russian.
    page.click("text=Наблюдателям: войдите по коду, полученному от координатора")
    page.fill("#identifier", "+7 701 123 45 01")
    page.fill("#code", code)
    page.click("main button[type=submit]")
    page.wait_for_url("**/observe/")
    page.wait_for_selector("#observe[data-ready='1']")
    assert page.locator(".assignment[data-station='71001']").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling

    response = page.goto(f"{live_server.url}/m/alpha/coverage/")
    assert response.status == 403
    phone.close()


def test_wrong_code_says_what_to_do(browser, live_server, world):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/code/")
    page.fill("#identifier", "+77011234501")
    page.fill("#code", "12345678")
    page.click("main button[type=submit]")
    assert "ask your coordinator" in page.inner_text("[role=alert]")
    context.close()
