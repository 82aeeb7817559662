"""The submissions page in a real browser: every control labelled, a report ticked and
verified with the button, then rejected with a reason on its own page."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

from .test_accessibility import COLOUR_ONLY, NAMELESS, UNLABELLED  # noqa: E402


def test_verify_from_the_table_and_reject_on_the_report_page(browser, live_server, world, signed_in, tmp_path):
    from pollwatch.submissions.models import Submission

    from ..reports import OPENING, install_forms, report

    forms = install_forms(world.alpha)
    first = report(world.alpha, forms["opening"], world.station_astana, world.observer_oleg, OPENING)
    second = report(world.alpha, forms["opening"], world.station_west, world.observer_olga, OPENING)
    page = signed_in(world.anna)
    page.goto(f"{live_server.url}/m/alpha/submissions/")
    for check in (UNLABELLED, NAMELESS, COLOUR_ONLY):
        assert page.evaluate(check) == []
    page.check(f"#pick-{first.pk}")
    page.get_by_role("button", name="Verify selected").click()
    page.wait_for_load_state("networkidle")
    assert "1 report verified." in page.inner_text(".messages")
    assert Submission.objects.get(pk=first.pk).review_state == "verified"
    assert Submission.objects.get(pk=second.pk).review_state == "received"
    page.screenshot(path=tmp_path / "submissions.png", full_page=True)

    page.click(f"a[href$='/submissions/{second.pk}/']")
    page.check("input[name=state][value=rejected]")
    page.fill("#note", "the observer was at another station")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("networkidle")
    assert "the observer was at another station" in page.inner_text("main")
    assert Submission.objects.get(pk=second.pk).review_state == "rejected"
    for check in (UNLABELLED, NAMELESS, COLOUR_ONLY):
        assert page.evaluate(check) == []
    page.screenshot(path=tmp_path / "submission.png", full_page=True)
