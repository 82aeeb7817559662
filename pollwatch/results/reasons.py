"""Why a station or a region is listed by the forensic screens, and which control equation of
a protocol fails, in the reader's language.

The screens (:mod:`pollwatch.analysis.forensics`) give each reason as a code with its values
(``reason_codes``) beside its English words; :func:`forensics_reason` writes it with this
table's translatable templates and the formatting layer's numbers, shares and signs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pollwatch.formats import numbers

#: code -> (template, how each value is written: count, share, z, whole, signed_whole, decimal, p).
FORENSICS_REASONS: dict[str, tuple[Any, dict[str, str]]] = {
    "over_registered": (_("%(ballots)s ballots for %(registered)s registered voters"),
                        {"ballots": "count", "registered": "count"}),
    "turnout_vs_region": (_("turnout %(turnout)s against %(median)s in the region (robust z %(z)s)"),
                          {"turnout": "share", "median": "share", "z": "z"}),
    "leader_vs_region": (_("%(leader)s %(share)s against %(median)s in the region (robust z %(z)s)"),
                         {"share": "share", "median": "share", "z": "z"}),
    "stuffing_pattern": (_("turnout and %(leader)s both above the region (combined z %(z)s): the pattern "
                           "of ballot stuffing"), {"z": "z"}),
    "smear": (_("in the fingerprint's smear towards 100 %% turnout and 100 %% %(leader)s"), {}),
    "whole_turnout": (_("turnout is a whole percentage (%(turnout)s)"), {"turnout": "share"}),
    "whole_leader": (_("%(leader)s's share is a whole percentage (%(share)s)"), {"share": "share"}),
    "turnout_100": (_("turnout is 100 %"), {}),
    "region_whole_percentages": (_("%(observed)s stations at a whole percentage, %(expected)s expected "
                                   "(excess %(excess)s, p = %(p)s)"),
                                 {"observed": "count", "expected": "whole", "excess": "signed_whole",
                                  "p": "p"}),
    "region_last_digits": (_("last digits not uniform (chi2 = %(chi2)s, p = %(p)s)"),
                           {"chi2": "decimal", "p": "p"}),
    "region_outliers": (_("%(outliers)s outlier station(s) of %(stations)s"),
                        {"outliers": "count", "stations": "count"}),
    "region_smear": (_("%(count)s station(s) in the fingerprint's smear"), {"count": "count"}),
}

#: The default control equations of a protocol by name (an election's own keep their name).
EQUATIONS: dict[str, Any] = {
    "received_balance": _("ballots received = issued + cancelled"),
    "boxes_within_issued": _("ballots in the boxes ≤ issued"),
    "ballots_within_issued": _("ballots in the boxes ≤ issued"),
    "ballots_balance": _("valid + invalid = ballots in the boxes"),
    "issued_within_registered": _("ballots issued ≤ registered voters"),
    "valid_is_sum_of_choices": _("valid ballots = the sum of the votes"),
}


def _signed(value: float, language: str, digits: int) -> str:
    text = numbers.number(value, language, digits)
    return text if text.startswith("-") or set(text) <= set("0.,") else "+" + text


def _value(kind: str, value: Any, language: str) -> Any:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return value
    if kind == "count":
        return numbers.number(value, language)
    if kind == "share":
        return numbers.percent(value, language, 1)
    if kind == "z":
        return _signed(value, language, 1)
    if kind == "whole":
        return numbers.number(value, language, 0)
    if kind == "signed_whole":
        return _signed(value, language, 0)
    if kind == "decimal":
        return numbers.number(value, language, 1)
    if kind == "p":
        return f"{value:.1e}".replace(".", numbers.SEPARATORS[language][0])
    return value


def forensics_reason(code: str, values: Mapping[str, Any], language: str | None = None,
                     leader: str | None = None, fallback: str = "") -> str:
    """One reason in ``language`` (None: the page's); ``leader`` names the leading choice
    (else its code as the screens give it). ``fallback`` for a code this table lacks."""
    entry = FORENSICS_REASONS.get(code)
    if entry is None:
        return fallback or code
    template, kinds = entry
    language = numbers.language_of(language)
    shown = {name: _value(kinds.get(name, ""), value, language) for name, value in values.items()}
    if leader:
        shown["leader"] = leader
    with translation.override(language):
        text = str(template)
        if not shown and "%(" not in text:
            return text
        try:
            return text % shown
        except (KeyError, TypeError, ValueError):
            return fallback or code


def forensics_reasons(codes: Iterable[Any], english: Iterable[str] = (), language: str | None = None,
                      leader: str | None = None) -> tuple[str, ...]:
    """Every reason of a station or region in ``language``; the English words where the screens
    gave no codes (a check kept from before they did)."""
    codes = list(codes or ())
    if not codes:
        return tuple(english)
    return tuple(forensics_reason(str(code), dict(values or {}), language, leader) for code, values in codes)


def equation_label(name: str, expression: str = "", language: str | None = None) -> str:
    """A control equation by its name, in ``language``; its expression when it has no label."""
    label = EQUATIONS.get(name)
    if label is None:
        return expression or name
    with translation.override(numbers.language_of(language)):
        return str(label)


def equation_failure(failure: Mapping[str, Any], language: str | None = None) -> str:
    """A failed control equation with its difference: ``ballots received = issued + cancelled
    (-57)``."""
    label = equation_label(str(failure.get("equation", "")), str(failure.get("expression", "")), language)
    difference = failure.get("difference")
    if difference is None:
        return label
    return f"{label} ({numbers.signed(difference, numbers.language_of(language))})"


#: A result protocol's figures, as a person reads them.
FIGURE_LABELS: dict[str, Any] = {
    "registered": pgettext_lazy("protocol line", "Registered voters"),
    "received": pgettext_lazy("protocol line", "Ballots received"),
    "issued": pgettext_lazy("protocol line", "Ballots issued"),
    "cancelled": pgettext_lazy("protocol line", "Ballots cancelled"),
    "ballots": pgettext_lazy("protocol line", "Ballots in the boxes"),
    "valid": pgettext_lazy("protocol line", "Valid ballots"),
    "invalid": pgettext_lazy("protocol line", "Invalid ballots"),
}

#: How a station's result changed from one batch to the next.
CHANGE_KINDS: dict[str, Any] = {
    "added": pgettext_lazy("batch change", "added"),
    "removed": pgettext_lazy("batch change", "not repeated"),
    "changed": pgettext_lazy("batch change", "changed"),
}


def line_labels(contest: Any) -> dict[str, str]:
    """Every line of the contest's protocol by its code (``ballots``, ``votes:<choice>``),
    named in the page's language: the figures, then each choice by its name."""
    labels = {name: str(label) for name, label in FIGURE_LABELS.items()}
    labels.update({f"votes:{choice.code}": choice.local_name for choice in contest.choices.all()})
    return labels


def change_kinds() -> dict[str, str]:
    return {kind: str(label) for kind, label in CHANGE_KINDS.items()}
