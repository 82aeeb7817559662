"""Everything the mission knows about one polling station: its assignments, every report (all
revisions), the merged records, incidents, and each observed protocol next to the official one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from pollwatch.elections.models import Contest, PollingStation
from pollwatch.missions.models import Assignment, Mission, Observer
from pollwatch.results import services as results
from pollwatch.results.reasons import FIGURE_LABELS
from pollwatch.submissions.models import Incident, ObservedProtocol, StationRecord, Submission

FIGURES = ("registered", "received", "issued", "cancelled", "ballots", "valid", "invalid")


@dataclass
class ProtocolLine:
    name: str
    label: str
    official: int | None
    observed: list[int | None]

    @property
    def differs(self) -> bool:
        return self.official is not None and any(v is not None and v != self.official for v in self.observed)

    @property
    def disagree(self) -> bool:
        """The observers' copies disagree among themselves."""
        return len({v for v in self.observed if v is not None}) > 1


@dataclass
class ProtocolComparison:
    contest: Contest
    official: dict[str, Any] | None
    observed: list[ObservedProtocol]
    lines: list[ProtocolLine] = field(default_factory=list)

    @property
    def differences(self) -> int:
        return sum(line.differs for line in self.lines)


@dataclass
class StationDossier:
    station: PollingStation
    assignments: list[Assignment]
    submissions: list[Submission]
    records: list[StationRecord]
    incidents: list[Incident]
    protocols: list[ProtocolComparison]


def _compare(contest: Contest, official: dict[str, Any] | None, observed: list[ObservedProtocol],
             choices: list[tuple[str, str]]) -> ProtocolComparison:
    lines = []
    for name in FIGURES:
        values = [p.figures.get(name) for p in observed]
        value = (official or {}).get("figures", {}).get(name)
        if value is not None or any(v is not None for v in values):
            label = str(FIGURE_LABELS.get(name, name.replace("_", " ")))
            lines.append(ProtocolLine(name, label, value, values))
    for code, label in choices:
        values = [p.votes.get(code) for p in observed]
        value = (official or {}).get("votes", {}).get(code)
        if value is not None or any(v is not None for v in values):
            lines.append(ProtocolLine(f"votes:{code}", label, value, values))
    return ProtocolComparison(contest, official, observed, lines)


def _protocols(mission: Mission, station: PollingStation) -> list[ProtocolComparison]:
    observed_by_contest: dict[int, list[ObservedProtocol]] = {}
    for protocol in (ObservedProtocol.objects.filter(mission=mission, station=station, is_current=True)
                     .select_related("submission", "submission__observer")
                     .order_by("-submission__received_at", "-id")):
        observed_by_contest.setdefault(protocol.contest_id, []).append(protocol)
    comparisons = []
    for contest in station.election.contests.prefetch_related("choices").order_by("ballot_order", "code"):
        official = next(iter(results.current_rows(contest, station_ids=[station.pk])), None)
        observed = observed_by_contest.get(contest.pk, [])
        if official is None and not observed:
            continue
        district_ids = {official.get("district_id")} if official else set()
        district_ids |= {p.district_id for p in observed}
        choices = [(c.code, c.local_name) for c in contest.choices.all()
                   if c.district_id is None or c.district_id in district_ids]
        comparisons.append(_compare(contest, official, observed, choices))
    return comparisons


def station_dossier(mission: Mission, station: PollingStation) -> StationDossier:
    members = Prefetch("team__members", queryset=Observer.objects.order_by("full_name"))
    assignments = list(Assignment.objects.filter(team__mission=mission, station=station)
                       .select_related("team", "team__leader").prefetch_related(members)
                       .order_by("report_due_at", "team__code"))
    submissions = list(Submission.objects.filter(mission=mission, station=station)
                       .select_related("form", "form_version", "observer", "team")
                       .order_by("received_at", "id"))
    records = list(StationRecord.objects.filter(mission=mission, station=station).select_related("form")
                   .order_by("form__kind", "form__code"))
    incidents = list(Incident.objects.filter(mission=mission, station=station)
                     .select_related("reported_by").prefetch_related("events")
                     .order_by("-reported_at", "-id"))
    return StationDossier(station, assignments, submissions, records, incidents,
                          _protocols(mission, station))


def station_by_code(mission: Mission, code: str) -> PollingStation | None:
    return (PollingStation.objects.filter(election_id=mission.election_id, code=code)
            .select_related("area", "region", "election").first())


class QuestionLabel(str):
    """A question's label in the page's language, with its choices' labels (``choices``:
    ``{value: label}``) so that an answer reads as its label, never as its code."""

    choices: dict[str, str]

    def __new__(cls, text: str, choices: dict[str, str] | None = None) -> QuestionLabel:
        label = super().__new__(cls, text)
        label.choices = choices or {}
        return label


def question_labels(submissions: list[Submission]) -> dict[int, dict[str, QuestionLabel]]:
    """Per form version, each question's label and its choices' labels in the current
    language (one query)."""
    from django.utils import translation

    from pollwatch.checklists.models import Question
    from pollwatch.submissions.aggregates import choice_label_map, label_in

    language = (translation.get_language() or "en").split("-")[0]
    labels: dict[int, dict[str, QuestionLabel]] = {}
    versions = {s.form_version_id for s in submissions}
    for version_id, name, label, choices in (Question.objects.filter(version_id__in=versions)
                                             .values_list("version_id", "name", "label", "choices")):
        labels.setdefault(version_id, {})[name] = QuestionLabel(
            label_in(label or {}, language, name), choice_label_map(choices, language))
    return labels


def answer_rows(submission: Submission,
                labels: dict[int, dict[str, QuestionLabel]]) -> list[tuple[str, str, Any]]:
    """(name, label, value) of a submission's answers, in the order they were given; a
    choice's value reads as its label in the page's language."""
    from pollwatch.submissions.aggregates import answer_words

    names = labels.get(submission.form_version_id, {})
    rows = []
    for name, value in (submission.answers or {}).items():
        label = names.get(name)
        rows.append((name, label if label is not None else name,
                     answer_words(value, label.choices) if label is not None else value))
    return rows
