"""Numbers, percentages, dates and times as each language writes them: one layer for every page,
export a person reads, statement and PDF.

- English: ``10,223`` and ``52.3 %``.
- Russian and Kazakh: ``10 223`` and ``52,3 %``.

Every language puts a no-break space (U+00A0) between the figure and the per cent sign, and
Russian and Kazakh group thousands with the same no-break space (as Django's own Russian
formats and pollwatch's Kazakh ones do), so a figure never breaks across lines.

The functions take the language explicitly (``None``: the active one), so a statement is
written in its own language whatever the reader's page is in.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats, translation

#: The space inside figures: thousands groups and before the per cent sign.
NBSP = "\u00a0"
DASH = "–"

#: Decimal separator and thousands separator of each language.
SEPARATORS: dict[str, tuple[str, str]] = {
    "en": (".", ","),
    "ru": (",", NBSP),
    "kk": (",", NBSP),
}


def language_of(language: str | None = None) -> str:
    """``language`` (or the active language) as one of SEPARATORS' keys; English otherwise."""
    code = (language or translation.get_language() or "en").split("-")[0].lower()
    return code if code in SEPARATORS else "en"


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def number(value: object, language: str | None = None, digits: int | None = None) -> str:
    """``value`` with the language's thousands and decimal separators: ``10,223`` /
    ``10 223``. ``digits`` fixes the decimals (rounded half up); without it an integer is
    written whole and a fraction as it is. A dash when there is no number; text that is not
    a number is returned as it is."""
    amount = _decimal(value)
    if amount is None:
        return DASH if value is None or value == "" else str(value)
    decimal_sep, thousands_sep = SEPARATORS[language_of(language)]
    if digits is not None:
        amount = amount.quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)
        text = f"{amount:f}"
    elif amount == amount.to_integral_value():
        text = f"{amount.to_integral_value():f}"
    else:
        text = f"{amount.normalize():f}"
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
        if set(text) <= {"0", "."}:
            sign = ""  # -0.0 reads as 0.0
    whole, _, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = sign + thousands_sep.join(groups)
    return out + decimal_sep + fraction if fraction else out


def percent(share: object, language: str | None = None, digits: int = 1) -> str:
    """A share (0 to 1) as a percentage: ``52.3 %`` / ``52,3 %``; a dash when there is none."""
    amount = _decimal(share)
    if amount is None:
        return DASH
    return number(amount * 100, language, int(digits)) + NBSP + "%"


def percent_value(value: object, language: str | None = None, digits: int | None = None) -> str:
    """A value already in per cent (``5`` for 5 %, ``7.50`` for 7.5 %): ``7.5 %`` /
    ``7,5 %``; ``digits`` fixes the decimals."""
    amount = _decimal(value)
    if amount is None:
        return DASH
    return number(amount, language, None if digits is None else int(digits)) + NBSP + "%"


def signed(value: object, language: str | None = None) -> str:
    """A difference with its sign: ``+1,200`` / ``-57``."""
    amount = _decimal(value)
    if amount is None:
        return DASH
    return ("+" if amount > 0 else "") + number(amount, language)


def _zone(zone: str | dt.tzinfo | None) -> dt.tzinfo:
    if isinstance(zone, dt.tzinfo):
        return zone
    if zone:
        try:
            return zoneinfo.ZoneInfo(str(zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return dt.UTC


#: What :func:`local_datetime` shows: a Django format name per choice.
DATETIME_STYLES = {"datetime": "SHORT_DATETIME_FORMAT", "date": "SHORT_DATE_FORMAT",
                   "time": "TIME_FORMAT", "long": "DATETIME_FORMAT", "long_date": "DATE_FORMAT"}


def local_datetime(moment: dt.datetime | None, zone: str | dt.tzinfo | None = None,
                   language: str | None = None, style: str = "datetime") -> str:
    """``moment`` (aware; naive is taken as UTC) at ``zone`` (a polling station's IANA time
    zone; UTC without one), in the language's format: ``style`` is ``datetime`` (short date
    and time), ``date``, ``time`` (24-hour ``HH:MM`` in Russian and Kazakh), ``long`` or
    ``long_date``. A dash when there is no moment."""
    if moment is None:
        return DASH
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        moment = moment.astimezone(_zone(zone))
    with translation.override(language_of(language)):
        if style == "time" and language_of(language) == "en":
            return moment.strftime("%H:%M")  # a 24-hour clock on election day in every language
        if style == "datetime" and language_of(language) == "en":
            return moment.strftime("%Y-%m-%d %H:%M")  # never the ambiguous 03/19/2023
        if style == "date" and language_of(language) == "en":
            return moment.strftime("%Y-%m-%d")
        return formats.date_format(moment, DATETIME_STYLES.get(style, style))
