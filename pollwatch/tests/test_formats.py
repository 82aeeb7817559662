"""Dates and numbers are written as each language writes them."""

import datetime as dt

import pytest
from django.utils import formats, translation

ELECTION_EVENING = dt.datetime(2023, 3, 19, 20, 5)


@pytest.mark.parametrize(("language", "date", "date_time", "number"), [
    ("en", "March 19, 2023", "March 19, 2023, 8:05 p.m.", "12032550.5"),
    ("ru", "19 марта 2023 г.", "19 марта 2023 г. 20:05", "12032550,5"),
    ("kk", "2023 ж. 19 наурыз", "2023 ж. 19 наурыз, 20:05", "12032550,5"),
])
def test_dates_and_numbers_follow_the_language(language, date, date_time, number):
    with translation.override(language):
        assert formats.date_format(ELECTION_EVENING) == date
        assert formats.date_format(ELECTION_EVENING, "DATETIME_FORMAT") == date_time
        assert formats.localize(12032550.5) == number


def test_kazakh_short_dates_put_the_day_first():
    with translation.override("kk"):
        assert formats.date_format(ELECTION_EVENING, "SHORT_DATE_FORMAT") == "19.03.2023"
        assert formats.sanitize_separators("1234,5") == "1234.5"
        assert "%d.%m.%Y" in formats.get_format("DATE_INPUT_FORMATS")


# --- the formatting layer (pollwatch.formats.numbers) --------------------------------------

from pollwatch.formats import numbers  # noqa: E402

NB = "\u00a0"


@pytest.mark.parametrize(("language", "count", "share", "decimal"), [
    ("en", "10,223", "52.3" + NB + "%", "1,234,567.89"),
    ("ru", "10" + NB + "223", "52,3" + NB + "%", "1" + NB + "234" + NB + "567,89"),
    ("kk", "10" + NB + "223", "52,3" + NB + "%", "1" + NB + "234" + NB + "567,89"),
])
def test_numbers_and_shares_in_each_language(language, count, share, decimal):
    assert numbers.number(10223, language) == count
    assert numbers.percent(0.523, language) == share
    assert numbers.number(1234567.891, language, 2) == decimal


def test_small_and_odd_numbers():
    assert numbers.number(999, "ru") == "999"
    assert numbers.number(1000, "ru") == "1" + NB + "000"
    assert numbers.number(-57, "en") == "-57"
    assert numbers.number(-1234, "ru") == "-1" + NB + "234"
    assert numbers.number(0.5, "ru") == "0,5"
    assert numbers.number(None, "en") == "–"
    assert numbers.number("A12", "en") == "A12"  # text that is no number is left as it is
    assert numbers.percent(None, "ru") == "–"
    assert numbers.percent(0.0005, "en", 2) == "0.05" + NB + "%"
    assert numbers.percent(1, "kk", 0) == "100" + NB + "%"
    assert numbers.percent(0.0125, "en", 1) == "1.3" + NB + "%"  # half up, not to even
    assert numbers.percent(-0.0001, "en", 1) == "0.0" + NB + "%"
    assert numbers.percent_value("7.50", "ru") == "7,5" + NB + "%"
    assert numbers.signed(1200, "en") == "+1,200" and numbers.signed(-57, "ru") == "-57"


def test_the_active_language_is_the_default():
    with translation.override("ru"):
        assert numbers.number(12345) == "12" + NB + "345"
    with translation.override("en"):
        assert numbers.number(12345) == "12,345"
    assert numbers.number(12345, "de") == "12,345"  # a language without its own: English


def test_local_times_are_at_the_station_in_the_language():
    moment = dt.datetime(2023, 3, 19, 14, 5, tzinfo=dt.UTC)  # 20:05 in Almaty (UTC+6 in 2023)
    assert numbers.local_datetime(moment, "Asia/Almaty", "en", "time") == "20:05"
    assert numbers.local_datetime(moment, "Asia/Almaty", "en") == "2023-03-19 20:05"
    assert numbers.local_datetime(moment, "Asia/Almaty", "ru") == "19.03.2023 20:05"
    assert numbers.local_datetime(moment, "Asia/Almaty", "kk") == "19.03.2023 20:05"
    assert numbers.local_datetime(moment, "Asia/Almaty", "kk", "long") == "2023 ж. 19 наурыз, 20:05"
    assert numbers.local_datetime(moment, None, "ru", "time") == "14:05"
    assert numbers.local_datetime(None, "Asia/Almaty", "ru") == "–"


def test_template_filters_are_built_in():
    from django.template import engines

    page = engines["django"].from_string("{{ n|number }} · {{ s|percent }} · {{ s|percent:0 }} · {{ t|percent_value }}")
    with translation.override("ru"):
        assert page.render({"n": 10223, "s": 0.523, "t": 5}) == f"10{NB}223 · 52,3{NB}% · 52{NB}% · 5{NB}%"
    with translation.override("en"):
        assert page.render({"n": 10223, "s": 0.523, "t": 5}) == f"10,223 · 52.3{NB}% · 52{NB}% · 5{NB}%"


def test_codes_reach_a_person_as_labels():
    from django.template import engines

    page = engines["django"].from_string(
        "{{ a|answer_label:labels }} · {{ many|answer_label:labels }} · {{ yes|answer_label:labels }} · "
        "{{ flag|flag_label }} · {{ state|record_state_label }}")
    labels = {"very_good": "Очень хорошо", "bad": "Плохо"}
    context = {"a": "very_good", "many": ["bad", "other"], "yes": True, "flag": "late", "state": "partial",
               "labels": labels}
    with translation.override("ru"):
        assert page.render(context) == "Очень хорошо · Плохо, other · Да · с опозданием · Неполные данные"
    with translation.override("en"):
        assert page.render({**context, "flag": "some_new_flag"}).endswith("Yes · some new flag · Partial")


def test_value_labels_follow_the_language_asked():
    from types import SimpleNamespace

    from pollwatch.submissions.aggregates import value_labels

    question = SimpleNamespace(type="select_one", choices=[
        {"name": "good", "label": {"en": "Good", "ru": "Хорошо", "kk": "Жақсы"}}, {"name": "odd", "label": {}}])
    assert value_labels(question) == [("good", "Good"), ("odd", "odd")]
    assert value_labels(question, "kk") == [("good", "Жақсы"), ("odd", "odd")]
    assert value_labels(SimpleNamespace(type="yes_no", choices=[]), "ru") == [("yes", "Да"), ("no", "Нет")]
    assert value_labels(SimpleNamespace(type="yes_no", choices=[])) == [("yes", "Yes"), ("no", "No")]
