"""Election day in a real browser: a report filled offline on the phone syncs and shows on the
coordinator's map; a quarantined SMS is fixed and counted; the analyst's quick count draws."""

import pytest
from django.core.cache import cache

from pollwatch.browsertest import PHONE, fill_opening

from ..reports import install_forms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def day(world):
    forms = install_forms(world.alpha)
    for station, (lat, lon) in ((world.station_astana, (51.16, 71.45)), (world.station_west, (51.23, 51.37))):
        station.latitude, station.longitude = lat, lon
        station.save()
    return forms


def test_offline_report_syncs_and_appears_on_the_coordinators_map(browser, live_server, world, day, signed_in):
    from pollwatch.accounts import onetime
    from pollwatch.submissions.models import Submission

    coordinator = signed_in(world.alice)
    coordinator.goto(f"{live_server.url}/m/alpha/coverage/?phase=opening")
    coordinator.wait_for_selector("#coverage-map[data-loaded='1']")
    assert coordinator.locator(".leaflet-marker-icon[title='71001: Overdue']").count() == 1

    issued = onetime.issue_sign_in_code(world.oleg, world.alice, mission=world.alpha)
    phone = browser.new_context(viewport=PHONE)
    page = phone.new_page()
    page.goto(f"{live_server.url}/accounts/code/{issued.token}/")  # the QR code's link
    page.click("main button[type=submit]")
    page.wait_for_url("**/observe/")
    page.wait_for_selector("#observe[data-ready='1']")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)

    phone.set_offline(True)
    page.click("button[data-form='opening'][data-station='71001']")
    fill_opening(page)
    page.click("#report button[type=submit]")
    page.wait_for_selector("#outbox li[data-state='queued']")
    assert not Submission.objects.exists()
    phone.set_offline(False)
    page.wait_for_selector("#outbox li[data-state='sent']", timeout=15000)
    assert Submission.objects.get().station.code == "71001"

    coordinator.evaluate("window.pollwatchCoverage.reload()")  # what the 30 s refresh does
    coordinator.wait_for_selector(".leaflet-marker-icon[title='71001: Reported']")
    coordinator.evaluate("""() => {  // what the 30 s poll does to the table
        const live = document.querySelector('#coverage-live');
        return htmx.ajax('GET', live.getAttribute('hx-get'), {target: live, swap: 'outerHTML'});
    }""")
    coordinator.wait_for_selector("#coverage-stations tr.row-reported")
    assert "Reported" in coordinator.inner_text("#coverage-stations tr.row-reported")
    phone.close()


def test_coverage_page_works_from_the_keyboard(browser, live_server, world, day, signed_in):
    page = signed_in(world.alice)
    page.goto(f"{live_server.url}/m/alpha/coverage/?phase=opening")
    page.wait_for_selector("#coverage-map[data-loaded='1']")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    marker = page.locator(".leaflet-marker-icon[title='71001: Overdue']")
    assert marker.get_attribute("tabindex") == "0"
    marker.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content >> text=71001")
    for control in page.locator("main select, main input:not([type=hidden])").all():
        label = page.evaluate("(el) => el.labels && el.labels.length ? el.labels[0].innerText "
                              ": el.getAttribute('aria-label')", control.element_handle())
        assert label and label.strip(), control


def test_coordinator_fixes_a_quarantined_sms_and_it_is_counted(browser, live_server, world, day, signed_in):
    from pollwatch.intake.models import InboundReport
    from pollwatch.intake.sms.gateways import InboundSms
    from pollwatch.intake.sms.service import receive_sms
    from pollwatch.submissions.models import Submission

    result = receive_sms(InboundSms("generic", "+77011234501", "OP 71001 A3 maybe", "gw-1"))
    assert result.received.report.status == InboundReport.Status.QUARANTINED

    page = signed_in(world.alice)
    page.goto(f"{live_server.url}/m/alpha/")
    page.click("nav.mission-nav >> text=Quarantine")
    page.click("main table >> text=Fix")
    page.fill("#payload", "OP 71001 A3 Y")
    page.click("button[value=reprocess]")
    page.wait_for_selector(".messages >> text=Report accepted and counted.")

    assert InboundReport.objects.get(pk=result.received.report.pk).status == InboundReport.Status.PROCESSED
    submission = Submission.objects.get(channel="sms")
    assert submission.station.code == "71001" and submission.answers["opened_on_time"] == "yes"


def test_analyst_opens_the_quick_count_and_forensics(browser, live_server, world, signed_in):
    from ..elections import import_official, observe_like_official, official_rows

    cache.clear()
    rows = official_rows(world)
    import_official(world, rows)
    observe_like_official(world, rows, sorted(rows)[::2])

    page = signed_in(world.anna)
    page.goto(f"{live_server.url}/m/alpha/")
    page.click("nav.mission-nav >> text=Quick count")
    page.wait_for_selector("#qc-chart[data-drawn='1']")
    assert page.locator("main table .state-inside").count() >= 1
    page.click("nav.mission-nav >> text=Forensics")
    page.wait_for_selector("#fingerprint[data-drawn='1']")
    page.wait_for_selector("#second-digit[data-drawn='3']")  # observed, binomial null, Benford
    assert page.locator("main table a[href*='/stations/']").count() >= 1
    cache.clear()
