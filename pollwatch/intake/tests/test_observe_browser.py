"""The observer page in a real browser (Playwright driving the system Chromium): a report
filled offline waits in the outbox, survives a reload while offline, and is sent once the
phone is back online."""

import pytest

from pollwatch.browsertest import PHONE, fill_opening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def observer_page(signed_in, world, forms):
    page = signed_in(world.oleg, PHONE, locale="ru-RU")
    return page.context, page


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
    # In the page's language (the phone reads Russian): what to do, then each answer's code,
    # label and problem.
    assert page.inner_text("#outbox li[data-state='rejected'] .reason").startswith("Не принято")
    problem = page.inner_text("#outbox li[data-state='rejected'] ul li")
    assert problem.startswith("B1 · ") and problem.endswith(": вне допустимых пределов")


def test_language_chosen_on_the_page_holds_offline(observer_page, live_server, world):
    context, page = observer_page
    page.goto(f"{live_server.url}/observe/")
    page.wait_for_selector("#observe[data-ready='1']")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    assert page.inner_text("#today-title") == "Мои задания на сегодня"  # the phone reads Russian

    page.click(".observe-langs button[data-lang='kk']")
    assert page.inner_text("#today-title") == "Бүгінгі тапсырмаларым"
    assert "Дауыс беру" in page.inner_text(".assignment[data-phase='voting'] h3")
    assert {c["name"]: c["value"] for c in context.cookies()}["django_language"] == "kk"

    context.set_offline(True)
    page.reload()  # the kept page carries every language's words
    page.wait_for_selector("#observe[data-ready='1']")
    assert page.inner_text("#today-title") == "Бүгінгі тапсырмаларым"
    assert page.inner_text("#net").startswith("Желі жоқ")
    page.click("button[data-form='opening'][data-station='71001']")
    page.click("#report button[type=submit]")
    assert "Осы сұраққа жауап беріңіз." in page.inner_text("#report .problem:not([hidden])")
    assert page.inner_text("#report button[type=submit]") == "Шығысқа салып, жіберу"
