"""Result protocol forms: reading figures and votes out of answers, and checking them with
the election's control equations, in the same little language as
``pollwatch.analysis.protocols`` (which checks whole tables with numpy; one report at a time
is far quicker in plain Python: intake checks every protocol as it arrives).

A protocol form keeps its layout in the version settings (``settings["protocol"]``):
which question holds which protocol line, and where the votes are (one integer question per
choice, or rows of ``choice`` + ``count`` for contests with districts, where the ballot
depends on the station).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .schema import FormSchema, ProtocolLayout, _protocol_layout

if TYPE_CHECKING:
    from pollwatch.elections.models import PollingStation

    from .models import Form, FormVersion

__all__ = ["FIGURES", "district_ballot", "equation_warnings", "protocol_from_answers"]

#: The protocol lines an ObservedProtocol stores, in protocol order.
FIGURES = ("registered", "received", "issued", "cancelled", "ballots", "valid", "invalid")

#: Ballots issued for the mobile (home) box: asked separately, added into ``issued``.
ISSUED_MOBILE = "issued_mobile"


def figures_and_votes(layout: ProtocolLayout, cleaned: Mapping[str, Any]) -> tuple[dict, dict]:
    """``(figures, votes)`` from cleaned answers, following ``layout``."""
    lines: dict[str, int] = {}
    for question, line in layout.figures.items():
        value = cleaned.get(question)
        if isinstance(value, int):
            lines[line] = value
    figures = {key: lines[key] for key in FIGURES if key in lines}
    if ISSUED_MOBILE in lines and "issued" in figures:
        figures["issued"] = lines["issued"] + lines[ISSUED_MOBILE]
    votes: dict[str, int] = {}
    for question, choice in layout.votes.items():
        value = cleaned.get(question)
        if isinstance(value, int):
            votes[choice] = value
    if layout.repeat:
        for row in cleaned.get(layout.repeat) or []:
            choice, count = row.get(layout.choice_field), row.get(layout.count_field)
            if choice is not None and isinstance(count, int):
                votes[choice] = votes.get(choice, 0) + count
    return figures, votes


def _layout_of(form: Form, version: FormVersion | None) -> ProtocolLayout | None:
    if version is not None:
        return _protocol_layout((version.settings or {}).get("protocol"))
    merged: dict[str, Any] = {}
    for settings in form.versions.order_by("number").values_list("settings", flat=True):
        data = (settings or {}).get("protocol")
        if not data:
            continue
        figures = {**merged.get("figures", {}), **data.get("figures", {})}
        votes = {**merged.get("votes", {}), **data.get("votes", {})}
        merged = {**data, "figures": figures, "votes": votes}
    return _protocol_layout(merged)


def protocol_from_answers(form: Form, cleaned: Mapping[str, Any], *,
                          version: FormVersion | None = None) -> tuple[dict, dict]:
    """The protocol ``(figures, votes)`` in a protocol form's cleaned answers.

    ``figures`` has the standard keys ``registered, received, issued, cancelled, ballots,
    valid, invalid`` (those answered; ``issued`` includes ballots issued for the mobile box);
    ``votes`` maps a choice code to its votes. Pass the submission's ``version`` when known;
    otherwise the layouts of all the form's versions are merged. A form that is not a
    protocol gives ``({}, {})``.
    """
    layout = _layout_of(form, version)
    if layout is None:
        return {}, {}
    return figures_and_votes(layout, cleaned)


_TERM = re.compile(r'\s*(?:(?P<number>\d+)|(?P<choices>sum\(\s*choices\s*\))'
                   r'|(?P<name>[A-Za-z_][A-Za-z0-9_\-]*)|"(?P<quoted>[^"]+)"|(?P<sign>[+-]))')


@functools.lru_cache(maxsize=256)
def _linear(text: str) -> tuple[tuple[tuple[str, int], ...], int, int] | None:
    """``(terms, constant, choices coefficient)`` of a sum of protocol fields, in the language
    of ``pollwatch.analysis.protocols`` (names, whole numbers, + and -, ``sum(choices)``);
    None when it cannot be read."""
    terms: dict[str, int] = {}
    constant = choices = 0
    sign, expect_term, position = 1, True, 0
    text = text.strip()
    while position < len(text):
        match = _TERM.match(text, position)
        if match is None or match.end() == position:
            return None
        position = match.end()
        if match.group("sign"):
            sign = (1 if match.group("sign") == "+" else -1) * (sign if expect_term else 1)
            expect_term = True
            continue
        if not expect_term:
            return None
        if match.group("number"):
            constant += sign * int(match.group("number"))
        elif match.group("choices"):
            choices += sign
        else:
            name = match.group("name") or match.group("quoted")
            terms[name] = terms.get(name, 0) + sign
        sign, expect_term = 1, False
    if expect_term:
        return None
    return tuple(terms.items()), constant, choices


def _side(text: str, values: Mapping[str, int], votes: Mapping[str, int]) -> int | None:
    linear = _linear(text)
    if linear is None:
        return None
    terms, total, choices = linear
    for name, coefficient in terms:
        value = values.get(name)
        if value is None:
            return None
        total += coefficient * value
    if choices:
        if not votes:
            return None
        total += choices * sum(votes.values())
    return total


def equation_failures(equations: list[Mapping[str, str]], figures: Mapping[str, int],
                      votes: Mapping[str, int]) -> list[dict[str, Any]]:
    """The control equations that fail, as ``{"equation", "expression", "lhs", "rhs",
    "difference"}``. An equation using a figure that was not answered (or that cannot be
    read) is not evaluated. Equations follow ``pollwatch.analysis.protocols``: sums of
    protocol fields and choice codes, ``sum(choices)``, compared with ``==``, ``<=``, ``>=``."""
    values = {**votes, **figures}
    failures = []
    for data in equations:
        op = str(data.get("op", ""))
        lhs = _side(str(data.get("lhs", "")), values, votes)
        rhs = _side(str(data.get("rhs", "")), values, votes)
        if lhs is None or rhs is None or op not in {"==", "<=", ">="}:
            continue
        difference = lhs - rhs
        if (op == "==" and difference) or (op == "<=" and difference > 0) or (op == ">=" and difference < 0):
            expression = f"{data.get('lhs')} {op} {data.get('rhs')}"
            failures.append({"equation": str(data.get("name") or expression), "expression": expression,
                             "lhs": lhs, "rhs": rhs, "difference": difference})
    return failures


def equation_warnings(schema: FormSchema, cleaned: Mapping[str, Any]) -> list:
    """Control-equation failures as validation warnings (kind ``control_equation``)."""
    from .validation import AnswerError

    layout = schema.protocol
    if layout is None:
        return []
    figures, votes = figures_and_votes(layout, cleaned)
    warnings = []
    for failure in equation_failures(list(layout.equations), figures, votes):
        warnings.append(AnswerError(
            question="", code="", kind="control_equation",
            message=(f"control equation {failure['equation']} ({failure['expression']}) does not "
                     f"hold: {failure['lhs']} against {failure['rhs']} "
                     f"(difference {failure['difference']})")))
    return warnings


def district_ballot(station: PollingStation, contest_id: int) -> tuple[set[str] | None,
                                                                      dict[int, str] | None]:
    """The choice codes on the ballot of ``station``'s district in a contest, and the codes by
    ballot number; ``(None, None)`` when the station has no district in that contest."""
    from pollwatch.elections.models import Choice, StationDistrict

    link = StationDistrict.objects.filter(station=station, contest_id=contest_id).first()
    if link is None:
        return None, None
    rows = list(Choice.objects.filter(contest_id=contest_id, district_id=link.district_id)
                .values_list("code", "ballot_number"))
    codes = {code for code, _ in rows}
    numbers: dict[int, list[str]] = {}
    for code, number in rows:
        numbers.setdefault(number, []).append(code)
    return codes, {n: c[0] for n, c in numbers.items() if len(c) == 1 and n}
