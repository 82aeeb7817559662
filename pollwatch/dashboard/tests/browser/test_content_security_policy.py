"""Under the Content-Security-Policy the pages still work in a real browser, and the browser
reports no violation: the coverage map (Leaflet) and its htmx refresh, the quick count and
forensics charts (Chart.js), the language picker, the observer page and its service worker,
and the admin."""

import pytest
from django.core.cache import cache

from pollwatch.browsertest import PHONE

from ..reports import install_forms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


def watched(page):
    """Record CSP violations the page reports, as events and as console errors."""
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(WATCH)
    return console


def violations(page, console) -> list[str]:
    return page.evaluate("window.__violations") + console


def test_map_charts_htmx_and_language_picker_work_with_no_csp_violation(browser, live_server, world,
                                                                       signed_in):
    from ..elections import import_official, observe_like_official, official_rows

    install_forms(world.alpha)
    world.station_astana.latitude, world.station_astana.longitude = 51.16, 71.45
    world.station_astana.save()
    page = signed_in(world.alice)
    console = watched(page)
    page.clock.install()
    page.goto(f"{live_server.url}/m/alpha/coverage/?phase=opening")
    page.wait_for_selector("#coverage-map[data-loaded='1']")
    assert page.locator(".leaflet-marker-icon").count() >= 1
    # htmx polls the live coverage every 30 s: let the clock run and the refresh arrive.
    with page.expect_response(lambda r: "/m/alpha/coverage/" in r.url
                              and r.request.headers.get("hx-request") == "true") as refreshed:
        page.clock.run_for(31_000)
    assert refreshed.value.status == 200
    page.wait_for_selector("#coverage-live")
    assert violations(page, console) == []

    # The language picker submits its form from app.js (no inline handler).
    with page.expect_navigation():
        page.select_option("#lang-select", "ru")
    assert page.evaluate("document.documentElement.lang") == "ru"
    page.select_option("#lang-select", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")

    cache.clear()
    rows = official_rows(world)
    import_official(world, rows)
    observe_like_official(world, rows, sorted(rows)[::2])
    analyst = signed_in(world.anna)
    console = watched(analyst)
    analyst.goto(f"{live_server.url}/m/alpha/")
    analyst.click("nav.mission-nav >> text=Quick count")
    analyst.wait_for_selector("#qc-chart[data-drawn='1']")
    analyst.click("nav.mission-nav >> text=Forensics")
    analyst.wait_for_selector("#fingerprint[data-drawn='1']")
    assert violations(analyst, console) == []
    cache.clear()


def test_observer_page_and_its_service_worker_work_with_no_csp_violation(live_server, world, signed_in):
    install_forms(world.alpha)
    page = signed_in(world.oleg, viewport=PHONE)
    console = watched(page)
    page.goto(f"{live_server.url}/observe/")
    page.wait_for_selector("#observe[data-ready='1']")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    assert page.locator(".assignment[data-station='71001']").count() == 3
    assert violations(page, console) == []


def test_admin_works_with_no_csp_violation(live_server, world, signed_in):
    page = signed_in(world.admin)
    console = watched(page)
    page.goto(f"{live_server.url}/admin/accounts/user/")
    page.wait_for_selector("#result_list")
    page.click("#result_list a >> text=alice")
    page.wait_for_selector("#user_form")
    # The admin's own scripts ran: the date and time shortcuts are added by DateTimeShortcuts.js.
    page.wait_for_selector(".datetimeshortcuts")
    assert violations(page, console) == []
