"""A published statement's open data: aggregates only, never who was where.

The open data of a publication is a CSV of counts per form, question and answer, overall, by
region (the area at depth 1, the finest level published) and by phase, plus one row per form
and scope with its number of reports and of polling stations. It leaves out everything that
identifies a station, an observer or a place smaller than a region: the station question,
questions whose choices come from a file (station or observer lists), selections without a
declared choice list, and every question that is not counted (free text, numbers, times,
locations, photos).

Small cells are suppressed: a cell (one question in one scope) computed from fewer than
``settings.OPEN_DATA_MIN_STATIONS`` polling stations is withheld; its row stays, with
``suppressed`` set to 1 and the numbers empty. A report made at no station counts as a place
of its own. When only one region (or phase) of a question is withheld, the next smallest is
withheld too, so the withheld one cannot be computed from the overall row.

The counting is in plain functions over plain values (:func:`is_public_question`,
:func:`form_rows`, :func:`suppress`, :func:`to_csv`); :func:`open_data_csv` reads the database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

from pollwatch.checklists.schema import STATION_QUESTION
from pollwatch.submissions import aggregates

if TYPE_CHECKING:
    from pollwatch.missions.models import Mission

FIELDS = ["form", "question", "label", "answer", "answer_label", "scope", "scope_value",
          "count", "base", "stations", "share", "suppressed"]
#: The answer under which values outside a question's declared choices are counted.
OTHER = "_other"
#: Scopes whose cells are compared with the overall row (secondary suppression).
PARTS = ("region", "phase")


def min_stations() -> int:
    return int(getattr(settings, "OPEN_DATA_MIN_STATIONS", 5))


# --- which questions ----------------------------------------------------------------------

def is_public_question(name: str, type_: str, choices: Iterable[Any], choices_from: str = "") -> bool:
    """A question whose answers may be published as counts: a yes/no or a selection from a
    declared choice list that is not the station, nor a list read from a file."""
    if name == STATION_QUESTION or choices_from:
        return False
    if type_ == "yes_no":
        return True
    return type_ in ("select_one", "select_multiple") and bool(list(choices))


@dataclass(frozen=True)
class QuestionSpec:
    name: str
    label: str
    values: tuple[tuple[str, str], ...]   # (answer, label) in the form's order


@dataclass(frozen=True)
class Report:
    """What the open data needs of one submission."""

    answers: Mapping[str, Any]
    phase: str
    region: str
    station: int | None


# --- counting -----------------------------------------------------------------------------

def _scopes(report: Report) -> list[tuple[str, str]]:
    return [("overall", ""), ("region", report.region or ""), ("phase", report.phase or "")]


@dataclass
class Cell:
    """Counts of one question (or of the reports) in one scope."""

    counts: dict[str, int]
    base: int
    stations: set[int]
    unplaced: int   # reports made at no station

    @property
    def places(self) -> int:
        return len(self.stations) + self.unplaced


def _cell() -> Cell:
    return Cell({}, 0, set(), 0)


def _add(cell: Cell, report: Report, values: tuple[str, ...] = ()) -> None:
    cell.base += 1
    if report.station is None:
        cell.unplaced += 1
    else:
        cell.stations.add(report.station)
    for value in values:
        cell.counts[value] = cell.counts.get(value, 0) + 1


def question_cells(question: QuestionSpec, reports: Iterable[Report]) -> dict[tuple[str, str], Cell]:
    known = {value for value, _ in question.values}
    cells: dict[tuple[str, str], Cell] = {("overall", ""): _cell()}   # shown even when unanswered
    for report in reports:
        answer = report.answers.get(question.name)
        if not aggregates.is_answered(answer):
            continue
        values = tuple(dict.fromkeys(v if v in known else OTHER for v in aggregates.answer_values(answer)))
        for scope in _scopes(report):
            _add(cells.setdefault(scope, _cell()), report, values)
    return cells


def report_cells(reports: Iterable[Report]) -> dict[tuple[str, str], Cell]:
    cells: dict[tuple[str, str], Cell] = {("overall", ""): _cell()}
    for report in reports:
        for scope in _scopes(report):
            _add(cells.setdefault(scope, _cell()), report)
    return cells


def suppress(places: Mapping[tuple[str, str], int], minimum: int) -> set[tuple[str, str]]:
    """The scopes to withhold: those with fewer than ``minimum`` places, and in each of region
    and phase, the next smallest when only one would be withheld (else overall minus the others
    gives it)."""
    withheld = {scope for scope, n in places.items() if n < minimum}
    for kind in PARTS:
        parts = sorted((n, scope) for scope, n in places.items() if scope[0] == kind)
        hidden = [scope for _, scope in parts if scope in withheld]
        if len(hidden) == 1 and len(parts) > 1 and ("overall", "") not in withheld:
            withheld.add(next(scope for _, scope in parts if scope not in withheld))
    return withheld


def _order(scope: tuple[str, str]) -> tuple[int, str]:
    return (["overall", *PARTS].index(scope[0]), scope[1])


def _row(form: str, question: str, label: str, answer: str, answer_label: str, scope: tuple[str, str],
         cell: Cell, count: int, hidden: bool, share: bool) -> dict[str, Any]:
    row = {"form": form, "question": question, "label": label, "answer": answer,
           "answer_label": answer_label, "scope": scope[0], "scope_value": scope[1]}
    if hidden:
        return {**row, "count": "", "base": "", "stations": "", "share": "", "suppressed": 1}
    return {**row, "count": count, "base": cell.base, "stations": len(cell.stations),
            "share": round(count / cell.base, 6) if share and cell.base else "", "suppressed": 0}


def form_rows(form_code: str, questions: Iterable[QuestionSpec], reports: Iterable[Report],
              minimum: int) -> list[dict[str, Any]]:
    """The open data rows of one form: its reports and stations per scope (question empty),
    then each public question's answers per scope."""
    reports = list(reports)
    rows = []
    cells = report_cells(reports)
    hidden = suppress({s: c.places for s, c in cells.items()}, minimum)
    for scope in sorted(cells, key=_order):
        rows.append(_row(form_code, "", "Reports", "", "", scope, cells[scope], cells[scope].base,
                         scope in hidden, share=False))
    for question in questions:
        cells = question_cells(question, reports)
        hidden = suppress({s: c.places for s, c in cells.items()}, minimum)
        values = list(question.values)
        if any(OTHER in c.counts for c in cells.values()):
            values.append((OTHER, "Other answers"))
        for scope in sorted(cells, key=_order):
            for value, label in values:
                rows.append(_row(form_code, question.name, question.label, value, label, scope,
                                 cells[scope], cells[scope].counts.get(value, 0), scope in hidden,
                                 share=True))
    return rows


def to_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


# --- from the database --------------------------------------------------------------------

def public_questions(form: Any) -> list[QuestionSpec]:
    """The form's public questions across its versions; the newest version's text and order."""
    from pollwatch.checklists.models import Question

    found: dict[str, QuestionSpec] = {}
    for question in (Question.objects.filter(version__form=form, type__in=aggregates.COUNTED_TYPES)
                     .order_by("-version__number", "position")):
        if question.name in found or not is_public_question(question.name, question.type, question.choices,
                                                               question.choices_from):
            continue
        found[question.name] = QuestionSpec(question.name, question.label_in(),
                                            tuple(aggregates.value_labels(question)))
    return list(found.values())


def reports_of(mission: Mission, form_code: str) -> list[Report]:
    return [Report(answers or {}, phase or "", region or "", station)
            for answers, phase, region, station in aggregates.observations(mission, form_code)
            .order_by("id").values_list("answers", "phase", "station__region__code", "station_id")]


def open_data_csv(mission: Mission, form_codes: Iterable[str], minimum: int | None = None) -> str:
    """The public CSV of the forms (by code; unknown ones are left out)."""
    minimum = min_stations() if minimum is None else minimum
    rows: list[dict[str, Any]] = []
    for code in dict.fromkeys(c for c in form_codes if c):
        try:
            form = aggregates.form_of(mission, code)
        except aggregates.UnknownQuestion:
            continue
        rows += form_rows(code, public_questions(form), reports_of(mission, code), minimum)
    return to_csv(rows)
