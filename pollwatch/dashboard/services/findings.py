"""Findings: every counted question of every form as shares of observations with their base,
overall, by region and by phase, and the submissions behind each figure.

The counting is the submissions app's (:mod:`pollwatch.submissions.aggregates`); this module
picks the forms, adds the overall assessments per phase (counted in the database), the
drill-down, and the export rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, QuerySet
from django.db.models.fields.json import KT
from django.utils import translation

from pollwatch.checklists.models import Form
from pollwatch.elections.models import PollingStation
from pollwatch.missions.models import Mission, Phase
from pollwatch.submissions.aggregates import (
    ROW_FIELDS,
    FindingsTable,
    ShareResult,
    answer_shares,
    counted_submissions,
    findings_table,
    observations,
    question_of,
)
from pollwatch.submissions.exports import Table
from pollwatch.submissions.models import Submission

ASSESSMENT_QUESTION = "assessment"
ASSESSMENT_VALUES = ("very_good", "good", "bad", "very_bad")
NEGATIVE = ("bad", "very_bad")
#: Kinds of forms whose questions are findings (protocols are figures, not findings).
FINDING_KINDS = (Form.Kind.OPENING, Form.Kind.VOTING, Form.Kind.CLOSING, Form.Kind.INCIDENT,
                 Form.Kind.OTHER)


def finding_forms(mission: Mission) -> list[Form]:
    order = {kind: i for i, kind in enumerate(FINDING_KINDS)}
    forms = list(Form.objects.filter(mission=mission, kind__in=FINDING_KINDS))
    return sorted(forms, key=lambda f: (order.get(f.kind, 99), f.code))


def form_findings(mission: Mission, form: Form) -> FindingsTable:
    """The form's findings, its questions, answers and regions named in the page's language."""
    return findings_table(mission, form, translation.get_language() or "en")


@dataclass
class AssessmentRow:
    phase: str
    form: Form
    base: int
    counts: dict[str, int]

    def share(self, value: str) -> float | None:
        return self.counts.get(value, 0) / self.base if self.base else None

    @property
    def negative(self) -> int:
        return sum(self.counts.get(v, 0) for v in NEGATIVE)

    @property
    def negative_share(self) -> float | None:
        return self.negative / self.base if self.base else None

    def cells(self) -> list[tuple[str, int, float | None]]:
        return [(v, self.counts.get(v, 0), self.share(v)) for v in ASSESSMENT_VALUES]


def assessments_by_phase(mission: Mission) -> list[AssessmentRow]:
    """The overall assessment of each phase's checklist: how many observations gave each of
    very good / good / bad / very bad, over those that answered (counted in the database)."""
    forms = {f.pk: f for f in Form.objects.filter(mission=mission, kind__in=Phase.values)}
    rows = (counted_submissions(mission).filter(form_id__in=forms)
            .annotate(value=KT(f"answers__{ASSESSMENT_QUESTION}"))
            .values("form_id", "value").annotate(n=Count("id")).order_by())
    counts: dict[int, dict[str, int]] = {pk: {} for pk in forms}
    for row in rows:
        if row["value"] in ASSESSMENT_VALUES:
            counts[row["form_id"]][row["value"]] = row["n"]
    order = {phase: i for i, phase in enumerate(Phase.values)}
    result = [AssessmentRow(form.kind, form, sum(counts[pk].values()), counts[pk])
              for pk, form in forms.items()]
    return sorted(result, key=lambda r: (order.get(r.phase, 9), r.form.code))


def drill_down(mission: Mission, form: Form, question: str, values: list[str] | None, *,
               region: str = "", phase: str = "") -> tuple[ShareResult | None, QuerySet[Submission]]:
    """The submissions behind a figure: those counted (answer in ``values``), or with no
    values, those in the base (every observation that answered)."""
    if values:
        result = answer_shares(mission, form.code, question, values, region=region or None,
                               phase=phase or None)
        ids = result.submission_ids
    else:
        question_of(form, question)
        rows = (observations(mission, form.code, region=region or None, phase=phase or None)
                .values_list("id", "answers"))
        ids = tuple(pk for pk, answers in rows if (answers or {}).get(question) not in (None, "", []))
        result = None
    query = (Submission.objects.filter(pk__in=ids)
             .select_related("station", "station__region", "observer", "team")
             .order_by("-received_at", "-id"))
    return result, query


def region_points(mission: Mission) -> dict[str, tuple[float, float]]:
    """Each region's mean station location (lon, lat), for GeoJSON exports by region."""
    rows = (PollingStation.objects.filter(election_id=mission.election_id, latitude__isnull=False,
                                          region__isnull=False)
            .values("region__code").annotate(lat=Avg("latitude"), lon=Avg("longitude")).order_by())
    return {r["region__code"]: (float(r["lon"]), float(r["lat"])) for r in rows}


def findings_export(mission: Mission, tables: list[FindingsTable]) -> Table:
    """Every figure of ``tables`` as rows (form, question, answer, scope, count, base, share);
    rows by region carry the region's mean station location in GeoJSON."""
    points = region_points(mission)

    def rows():
        for table in tables:
            for row in table.rows():
                point = points.get(row["scope_value"]) if row["scope"] == "region" else None
                yield [row[f] for f in ROW_FIELDS], point

    return Table(f"{mission.code}-findings", list(ROW_FIELDS), rows())


def drill_labels(form: Form, question: str) -> tuple[str, dict[str, str]]:
    """The question's label and its answers' labels in the page's language, for the page
    listing the submissions behind a figure (the code itself when the form has no such
    question)."""
    from pollwatch.submissions.aggregates import UnknownQuestion, value_labels

    language = translation.get_language() or "en"
    try:
        found = question_of(form, question)
    except UnknownQuestion:
        return question, {}
    return found.label_in(language), dict(value_labels(found, language))


def share_link_params(question: str, value: str, scope: str = "", scope_value: str = "") -> dict[str, Any]:
    params: dict[str, Any] = {"question": question, "answer": value}
    if scope in ("region", "phase") and scope_value:
        params[scope] = scope_value
    return params


@dataclass
class Cell:
    count: int
    base: int
    share: float | None
    params: dict[str, Any]


@dataclass
class QuestionView:
    """One question laid out for the page: per answer, the overall cell, one per phase and
    one per region (each linking to its submissions)."""

    name: str
    label: str
    type: str
    base: int
    phases: list[tuple[str, int]]
    regions: list[tuple[str, str, int]]
    rows: list[dict[str, Any]]


def _cell(tally: Any, value: str, params: dict[str, Any]) -> Cell:
    return Cell(tally.counts.get(value, 0) if tally else 0, tally.base if tally else 0,
                tally.share(value) if tally else None, params)


def question_views(table: FindingsTable) -> list[QuestionView]:
    phase_labels = dict(Phase.choices)
    views = []
    for q in table.questions:
        phases = sorted(p for p in q.by_phase if p)
        regions = sorted((code for code in q.by_region if code), key=lambda c: table.regions.get(c, c))
        rows = []
        for value, label in q.values:
            rows.append({
                "value": value, "label": label,
                "overall": _cell(q.overall, value, share_link_params(q.name, value)),
                "phases": [_cell(q.by_phase.get(p), value, share_link_params(q.name, value, "phase", p))
                           for p in phases],
                "regions": [_cell(q.by_region.get(r), value, share_link_params(q.name, value, "region", r))
                            for r in regions],
            })
        views.append(QuestionView(
            q.name, q.label, q.type, q.overall.base,
            [(str(phase_labels.get(p, p)), q.by_phase[p].base) for p in phases],
            [(r, table.regions.get(r, r), q.by_region[r].base) for r in regions], rows))
    return views
