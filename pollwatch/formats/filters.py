"""Template filters of the formatting layer (:mod:`pollwatch.formats.numbers`), built into every
template (``TEMPLATES["OPTIONS"]["builtins"]``): no ``{% load %}`` needed.

``{{ n|number }}`` → ``10,223`` / ``10 223``; ``{{ x|number:1 }}`` with one decimal;
``{{ share|percent }}`` → ``52.3 %`` / ``52,3 %`` (``percent:0`` whole, ``percent:2``);
``{{ threshold|percent_value:0 }}`` for a value already in per cent; ``{{ d|signed }}`` → ``+57``;
``{{ moment|local_datetime:station.timezone }}``. The page's language decides. Codes shown
by their labels (``answer_label``, ``flag_label``, ``record_state_label``) are in
:mod:`pollwatch.submissions.templatetags.labels`, built in the same way.
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

