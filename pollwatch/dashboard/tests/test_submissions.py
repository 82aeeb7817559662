"""The submissions page: every report in one table, its filters, search, pagination, bulk
verification and exports; one report's page with its review history."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pollwatch.accounts.models import AuditEntry
from pollwatch.dashboard.services.review import set_review_state
from pollwatch.submissions.models import Submission

from .reports import OPENING, install_forms, report

ELECTION_DAY = dt.datetime(2023, 3, 19, tzinfo=dt.UTC)


@pytest.fixture
def reports(world):
    """Four reports: two opening (Astana 01:40 UTC by Oleg; West 02:10 UTC by Olga), one
    voting by SMS (West, 06:00 UTC), one opening at an unassigned station (flagged)."""
    forms = install_forms(world.alpha)
    at = ELECTION_DAY.replace
    return {
        "astana": report(world.alpha, forms["opening"], world.station_astana, world.observer_oleg, OPENING,
                         received_at=at(hour=1, minute=40)),
        "west": report(world.alpha, forms["opening"], world.station_west, world.observer_olga, OPENING,
                       received_at=at(hour=2, minute=10)),
        "sms": report(world.alpha, forms["voting"], world.station_west, world.observer_olga,
                      {"assessment": "good"}, received_at=at(hour=6), channel="sms"),
        "stray": report(world.alpha, forms["opening"], world.station_unassigned, world.observer_oleg,
                        OPENING, received_at=at(hour=3)),
    }


def url(**params):
    from django.utils.http import urlencode

    return reverse("dashboard:submissions", args=["alpha"]) + ("?" + urlencode(params) if params else "")


def listed(client, **params):
    response = client.get(url(**params))
    assert response.status_code == 200
    return [s.pk for s in response.context["page"]]


def test_every_report_is_listed_newest_first(world, reports, login, django_assert_max_num_queries):
    client = login(world.anna)
    with django_assert_max_num_queries(14):
        response = client.get(url())
    assert response.status_code == 200
    ids = [s.pk for s in response.context["page"]]
    assert ids == [reports[k].pk for k in ("sms", "stray", "west", "astana")]
    html = response.content.decode()
    assert reverse("dashboard:submission", args=["alpha", reports["west"].pk]) in html
    # Received times are the station's own: Astana is UTC+6 (01:40 -> 07:40), West UTC+5.
    assert "2023-03-19 07:40" in html and "2023-03-19 07:10" in html


@pytest.mark.parametrize(("params", "expected"), [
    ({"form": "voting"}, ["sms"]),
    ({"phase": "opening"}, ["stray", "west", "astana"]),
    ({"region": "27"}, ["sms", "west"]),
    ({"station": "71002"}, ["stray"]),
    ({"team": "ec-1"}, ["sms", "west"]),
    ({"channel": "sms"}, ["sms"]),
    ({"flag": "not_assigned"}, ["stray"]),
    ({"flag": "incomplete"}, ["sms"]),  # an SMS answers a few questions at a time
    ({"flag": "none"}, ["west", "astana"]),
    # The time range is read in the election's zone (Asia/Almaty, UTC+6): 08:00-09:00 is 02:00-03:00 UTC.
    ({"since": "2023-03-19T08:00", "until": "2023-03-19T09:00"}, ["west"]),
])
def test_each_filter_narrows_the_table(world, reports, login, params, expected):
    assert listed(login(world.anna), **params) == [reports[k].pk for k in expected]


def test_observer_filter(world, reports, login):
    assert listed(login(world.anna), observer=world.observer_oleg.pk) == [reports["stray"].pk, reports["astana"].pk]


def test_review_state_filter(world, reports, login):
    set_review_state(reports["west"], "rejected", world.alice, "not at the station")
    client = login(world.anna)
    assert listed(client, review="rejected") == [reports["west"].pk]
    assert listed(client, review="received") == [reports[k].pk for k in ("sms", "stray", "astana")]


@pytest.mark.parametrize(("q", "expected"), [
    ("27001", ["sms", "west"]),                     # station code
    ("No. 71002", ["stray"]),                       # station name
    ("olga", ["sms", "west"]),                      # observer name
    ("ACC-4501", ["stray", "astana"]),              # observer's accreditation code
])
def test_search_narrows_the_table(world, reports, login, q, expected):
    assert listed(login(world.anna), q=q) == [reports[k].pk for k in expected]


def test_search_by_report_key_and_id(world, reports, login):
    client = login(world.anna)
    key = reports["astana"].key
    assert listed(client, q=key[4:16]) == [reports["astana"].pk]
    assert listed(client, q=f"#{reports['west'].pk}") == [reports["west"].pk]


def test_unknown_filter_values_are_said_and_ignored(world, reports, login):
    response = login(world.anna).get(url(form="nope", phase="night", since="yesterday", observer="x"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 4
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 4 and any("nope" in m for m in shown)


def test_corrected_revisions_are_listed_only_when_asked(world, reports, login):
    from pollwatch.submissions.services import Draft, prepare_submission, record_submission

    old = reports["astana"]
    draft = Draft(mission=world.alpha, channel="api", key="fix-1", form=old.form,
                  version=old.form_version, answers={**OPENING, "assessment": "bad"},
                  station=old.station, observer=old.observer, corrects=old)
    fixed = record_submission(prepare_submission(draft))
    client = login(world.anna)
    assert old.pk not in listed(client) and fixed.pk in listed(client)
    assert {old.pk, fixed.pk} <= set(listed(client, revisions="all"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_has_the_filtered_rows_of_the_table(world, reports, login, fmt):
    client = login(world.anna)
    params = {"region": "27", "form": "opening"}
    shown = listed(client, **params)
    assert shown == [reports["west"].pk]
    response = client.get(url(format=fmt, **params))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body.decode())))
    else:
        rows = [[("" if v is None else str(v)) for v in r]
                for r in load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True)]
    header, data = rows[0], rows[1:]
    assert [int(r[header.index("submission_id")]) for r in data] == shown
    row = dict(zip(header, data[0], strict=False))
    assert (row["station"], row["form"], row["review_state"]) == ("27001", "opening", "received")
    assert row["received_at_local"].startswith("2023-03-19T07:10")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DOWNLOAD, user=world.anna).exists()


def test_export_of_all_pages_equals_the_table(world, reports, login):
    client = login(world.anna)
    response = client.get(url(format="csv", flag="any"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [int(r["submission_id"]) for r in rows] == listed(client, flag="any")


def test_pages_of_fifty(world, login):
    forms = install_forms(world.alpha)
    made = [report(world.alpha, forms["voting"], world.station_west, world.observer_olga,
                   {"assessment": "good"}, received_at=ELECTION_DAY + dt.timedelta(minutes=i), channel="sms")
            for i in range(53)]
    client = login(world.anna)
    first, second = listed(client), listed(client, page=2)
    assert len(first) == 50 and len(second) == 3
    assert first + second == [s.pk for s in reversed(made)]
    assert listed(client, page="many") == first


def test_bulk_verify_changes_the_selected_received_reports(world, reports, login):
    set_review_state(reports["west"], "has_issues", world.alice, "unclear seal")
    client = login(world.anna)
    picked = [reports["astana"].pk, reports["west"].pk]
    response = client.post(url(), {"ids": picked, "query": "region=71"})
    assert response.status_code == 302 and response["Location"].endswith("?region=71")
    states = dict(Submission.objects.values_list("pk", "review_state"))
    assert states[reports["astana"].pk] == "verified"
    assert states[reports["west"].pk] == "has_issues"
    assert states[reports["sms"].pk] == "received"
    assert AuditEntry.objects.filter(model="submissions.Submission", object_id=str(reports["astana"].pk),
                                     user=world.anna).exists()


def test_bulk_verify_needs_the_csrf_token(world, reports):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.anna)
    response = client.post(url(), {"ids": [reports["astana"].pk]})
    assert response.status_code == 403
    assert Submission.objects.get(pk=reports["astana"].pk).review_state == "received"


def test_submission_page_shows_the_history_and_changes_the_state(world, reports, login):
    client = login(world.alice)
    target = reports["west"]
    page_url = reverse("dashboard:submission", args=["alpha", target.pk])
    response = client.post(page_url, {"state": "rejected", "note": "observer was at another station"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.review_state == "rejected"
    page = client.get(page_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "observer was at another station" in html and "alice" in html
    assert [r.state for r in page.context["history"]] == ["rejected"]


def test_rejection_without_a_reason_is_refused_on_the_page(world, reports, login):
    client = login(world.alice)
    page_url = reverse("dashboard:submission", args=["alpha", reports["west"].pk])
    response = client.post(page_url, {"state": "rejected", "note": ""}, follow=True)
    assert response.status_code == 200
    assert "Say why the report is rejected." in response.content.decode()
    assert Submission.objects.get(pk=reports["west"].pk).review_state == "received"
    assert client.post(page_url, {"state": "bogus"}).status_code == 302


def test_observer_is_refused(world, reports, login):
    client = login(world.oleg)
    assert client.get(url()).status_code == 403
    assert client.post(url(), {"ids": [reports["astana"].pk]}).status_code == 403
    page_url = reverse("dashboard:submission", args=["alpha", reports["astana"].pk])
    assert client.get(page_url).status_code == 403
    assert client.post(page_url, {"state": "verified"}).status_code == 403
    assert Submission.objects.get(pk=reports["astana"].pk).review_state == "received"


def test_staff_of_another_mission_find_no_such_submission(world, reports, login):
    client = login(world.bob)
    page_url = reverse("dashboard:submission", args=["beta", reports["astana"].pk])
    assert client.get(page_url).status_code == 404
    assert client.post(page_url, {"state": "verified"}).status_code == 404
    assert client.get(url()).status_code == 403  # alpha's list
    client.post(reverse("dashboard:submissions", args=["beta"]), {"ids": [reports["astana"].pk]})
    assert Submission.objects.get(pk=reports["astana"].pk).review_state == "received"


def test_menu_links_the_page(world, login):
    html = login(world.anna).get(reverse("dashboard:mission", args=["alpha"])).content.decode()
    assert reverse("dashboard:submissions", args=["alpha"]) in html


@pytest.mark.parametrize(("language", "words"), [("ru", "Проверить выбранные"), ("kk", "Таңдалғандарды растау")])
def test_pages_have_no_english_left(world, reports, client, login, language, words):
    from django.conf import settings

    from pollwatch.tests.test_translated_pages import _english_left

    login(world.alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for path in (url(), reverse("dashboard:submission", args=["alpha", reports["stray"].pk])):
        html = client.get(path).content.decode()
        assert _english_left(html, language) == (language, []), path
    assert words in client.get(url()).content.decode()
