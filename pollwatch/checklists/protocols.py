"""Result protocol forms: reading figures and votes out of answers, and checking them with
the election's control equations (``pollwatch.analysis.protocols`` does the arithmetic).

A protocol form keeps its layout in the version settings (``settings["protocol"]``):
which question holds which protocol line, and where the votes are (one integer question per
choice, or rows of ``choice`` + ``count`` for contests with districts, where the ballot
depends on the station).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pollwatch.analysis._csv import InputError
from pollwatch.analysis.protocols import Equation, EquationError, check_protocol

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


def equation_failures(equations: list[Mapping[str, str]], figures: Mapping[str, int],
                      votes: Mapping[str, int]) -> list[dict[str, Any]]:
    """The control equations that fail, as ``{"equation", "expression", "lhs", "rhs",
    "difference"}``. An equation using a figure that was not answered is not evaluated."""
    failures = []
    for data in equations:
        try:
            equation = Equation.from_dict(data)
            row: dict[str, Any] = dict.fromkeys(equation.columns())
            row.update(figures)
            row.update(votes)
            for failure in check_protocol(row, [equation], choices=list(votes)):
                failures.append({"equation": failure.equation, "expression": failure.expression,
                                 "lhs": failure.lhs, "rhs": failure.rhs,
                                 "difference": failure.difference})
        except (EquationError, InputError):
            continue  # e.g. sum(choices) with no votes given: nothing to check
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
