"""Every control of the mission pages has a label, every button a name, and states carry a word
or a symbol beside their colour."""

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["coverage/", "overdue/", "incidents/", "findings/", "people/", "messages/", "quick-count/",
         "forensics/", "stations/"]
UNLABELLED = """() => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea, header select')]
    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
    .map(el => el.outerHTML.slice(0, 120))"""
NAMELESS = """() => [...document.querySelectorAll('main button, main a[href]')]
    .filter(el => !(el.innerText || '').trim() && !el.getAttribute('aria-label') && !el.getAttribute('title'))
    .map(el => el.outerHTML.slice(0, 120))"""
COLOUR_ONLY = """() => [...document.querySelectorAll('main .badge')]
    .filter(el => !(el.innerText || '').trim()).map(el => el.outerHTML.slice(0, 120))"""


def test_every_control_is_labelled_and_no_state_is_colour_only(browser, live_server, world, signed_in):
    from pollwatch.submissions.models import Incident

    from ..reports import OPENING, install_forms, report

    forms = install_forms(world.alpha)
    report(world.alpha, forms["opening"], world.station_astana, world.observer_oleg, OPENING)
    Incident.objects.create(mission=world.alpha, station=world.station_west, category="security",
                            severity="critical", reported_at=timezone.now())
    page = signed_in(world.alice)
    for path in PAGES:
        page.goto(f"{live_server.url}/m/alpha/{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate(UNLABELLED) == [], path
        assert page.evaluate(NAMELESS) == [], path
        assert page.evaluate(COLOUR_ONLY) == [], path
        assert page.locator("[role=alert]").count() == 1, path  # the critical incident banner
