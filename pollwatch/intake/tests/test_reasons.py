"""Quarantine reasons are stored as a code with its values and read in each person's
language; the English text stays as the sender and older rows have it."""

import pytest
from django.conf import settings

from pollwatch.intake.models import InboundReport
from pollwatch.submissions import reasons

from .conftest import submission_body

URL = "/api/v1/submissions"


@pytest.fixture
def oleg(api, forms, oleg_token):
    return api(oleg_token)


def test_a_reason_renders_in_each_language():
    why = reasons.reason("no_station", station="99999")
    assert why.text == "there is no polling station 99999 in this election"
    assert reasons.render(why.code, why.params, "ru") == "на этих выборах нет избирательного участка 99999"
    assert reasons.render(why.code, why.params, "kk") == "бұл сайлауда 99999 сайлау учаскесі жоқ"


def test_counts_in_a_reason_are_written_as_the_language_writes_them():
    why = reasons.reason("invalid_answers_more", count=1234, shown="a1: required", more=1229)
    assert why.text == "1,234 answer(s) not accepted: a1: required (and 1,229 more)"
    assert reasons.render(why.code, why.params, "ru") == ("не принято ответов: 1\u00a0234: a1: required "
                                                          "(и ещё 1\u00a0229)")


def test_a_row_without_a_code_or_with_an_unknown_one_shows_its_text():
    assert reasons.render("", {}, "ru", "old English text") == "old English text"
    assert reasons.render("gone_code", {"x": 1}, "ru", "old English text") == "old English text"
    assert reasons.render("no_station", {}, "ru", "missing values") == "missing values"
    with pytest.raises(KeyError):
        reasons.reason("no_such_reason")


def test_a_quarantined_report_keeps_code_values_and_english_text(oleg):
    response = oleg.post(URL, submission_body(station="99999"))
    assert response.status_code == 422
    assert response.json()["reason"] == "there is no polling station 99999 in this election"
    report = InboundReport.objects.get()
    assert (report.reason_code, report.reason_params) == ("no_station", {"station": "99999"})
    assert report.reason == "there is no polling station 99999 in this election"
    assert report.reason_in("kk") == "бұл сайлауда 99999 сайлау учаскесі жоқ"


@pytest.mark.parametrize(("language", "words"), [
    ("en", "there is no polling station 99999 in this election"),
    ("ru", "на этих выборах нет избирательного участка 99999"),
    ("kk", "бұл сайлауда 99999 сайлау учаскесі жоқ"),
])
def test_the_quarantine_pages_read_the_reason_in_the_page_language(oleg, client, login, world,
                                                                   language, words):
    oleg.post(URL, submission_body(station="99999"))
    report = InboundReport.objects.get()
    coordinator = login(world.alice)
    coordinator.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert words in coordinator.get("/m/alpha/quarantine/").content.decode()
    assert words in coordinator.get(f"/m/alpha/quarantine/{report.pk}/").content.decode()


def test_a_discarded_report_reads_its_note_and_its_earlier_reason(oleg, world):
    from pollwatch.intake.services import discard_report

    oleg.post(URL, submission_body(station="99999"))
    report = discard_report(InboundReport.objects.get(), "a test message", world.alice)
    assert report.reason == "a test message (was: there is no polling station 99999 in this election)"
    report.refresh_from_db()
    assert report.reason_in("ru") == ("a test message (было: на этих выборах нет избирательного "
                                      "участка 99999)")
