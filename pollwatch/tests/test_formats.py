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
