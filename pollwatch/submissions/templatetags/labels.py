"""Template filters that show a code as its label in the page's language, built into every
template (``TEMPLATES["OPTIONS"]["builtins"]``): ``{{ answer|answer_label:labels }}``,
``{{ flag.code|flag_label }}``, ``{{ record.state|record_state_label }}``."""

from __future__ import annotations

from django import template

register = template.Library()


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
