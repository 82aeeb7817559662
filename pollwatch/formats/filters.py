"""Template filters of the formatting layer (:mod:`pollwatch.formats.numbers`), built into every
template (``TEMPLATES["OPTIONS"]["builtins"]``): no ``{% load %}`` needed.

``{{ n|number }}`` → ``10,223`` / ``10 223``; ``{{ x|number:1 }}`` with one decimal;
``{{ share|percent }}`` → ``52.3 %`` / ``52,3 %`` (``percent:0`` whole, ``percent:2``);
``{{ threshold|percent_value:0 }}`` for a value already in per cent; ``{{ d|signed }}`` → ``+57``;
``{{ moment|local_datetime:station.timezone }}``. The page's language decides.
"""

from __future__ import annotations

from django import template

from . import numbers

register = template.Library()


@register.filter(name="number")
def number_filter(value, digits=None):
    return numbers.number(value, None, None if digits in (None, "") else int(digits))


@register.filter(name="percent")
def percent_filter(share, digits=1):
    return numbers.percent(share, None, int(digits))


@register.filter(name="percent_value")
def percent_value_filter(value, digits=None):
    return numbers.percent_value(value, None, None if digits in (None, "") else int(digits))


@register.filter(name="signed")
def signed_filter(value):
    return numbers.signed(value)


@register.filter(name="local_datetime")
def local_datetime_filter(moment, zone=None):
    return numbers.local_datetime(moment, zone)


@register.filter(name="local_date")
def local_date_filter(moment, zone=None):
    return numbers.local_datetime(moment, zone, style="date")


@register.filter(name="answer_label")
def answer_label_filter(value, labels):
    """An answer with each choice's value as its label (``labels``: ``{value: label}``);
    yes/no as the page's yes or no."""
    from django.utils.translation import gettext

    from pollwatch.submissions.aggregates import answer_words

    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return answer_words(value, labels or {})


@register.filter(name="flag_label")
def flag_label_filter(code):
    """A submission flag's code as its label in the page's language."""
    from pollwatch.submissions.reasons import flag_label

    return flag_label(str(code or ""))


@register.filter(name="record_state_label")
def record_state_label_filter(state):
    """A station record's state (``partial``) as its label in the page's language."""
    from pollwatch.submissions.models import StationRecord

    return dict(StationRecord.State.choices).get(str(state or ""), state)
