"""Every report of a mission in one table: the filters and search of the submissions page,
and the same filtered set as an export.

:func:`read_filter` reads the page's query string into a :class:`SubmissionFilter`, turning
each value it cannot use into a message instead of an error page; :func:`filtered_submissions`
gives the matching submissions, newest first; :func:`listing_table` the same rows for
:func:`pollwatch.submissions.exports.stream` (CSV, XLSX, GeoJSON).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pollwatch.checklists.models import Form
from pollwatch.elections.models import Area
from pollwatch.missions.models import Mission, Observer, Phase, Team

from .exports import CHUNK, Table, _point, _text, _when
from .models import Channel, ReviewState, Submission

#: The flags intake sets on a report (:mod:`pollwatch.submissions.services`), and two
#: filters of their own: any flag, no flag.
FLAGS = {
    "not_assigned": gettext_lazy("Station not assigned to the team"),
    "late": gettext_lazy("Late"),
    "incomplete": gettext_lazy("Incomplete"),
    "not_saved": gettext_lazy("Answers not saved"),
}
ANY_FLAG, NO_FLAG = "any", "none"
#: Current revisions only (what findings count, rejected ones aside), or every revision.
CURRENT, ALL_REVISIONS = "current", "all"
SEARCH_LENGTH = 100


@dataclass(frozen=True)
class SubmissionFilter:
    """What the page asks for; empty values do not filter. ``since`` and ``until`` are UTC."""

    form: str = ""
    phase: str = ""
    region: str = ""
    station: str = ""
    observer: int | None = None
    team: str = ""
    channel: str = ""
    flag: str = ""
    review: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    q: str = ""
    revisions: str = CURRENT


@dataclass
class FilterChoices:
    """The values each filter offers, read once for the page."""

    forms: list[Form]
    regions: list[Area]
    teams: list[Team]
    observers: list[Observer]
    phases: list[tuple[str, str]] = field(default_factory=lambda: list(Phase.choices))
    channels: list[tuple[str, str]] = field(default_factory=lambda: list(Channel.choices))
    review_states: list[tuple[str, str]] = field(default_factory=lambda: list(ReviewState.choices))
    flags: list[tuple[str, str]] = field(default_factory=lambda: [(k, str(v)) for k, v in FLAGS.items()])


def filter_choices(mission: Mission) -> FilterChoices:
    return FilterChoices(
        forms=list(Form.objects.filter(mission=mission).order_by("kind", "code")),
        regions=list(Area.objects.filter(election_id=mission.election_id, depth=1).order_by("name")),
        teams=list(Team.objects.filter(mission=mission).order_by("code")),
        observers=list(Observer.objects.filter(mission=mission).order_by("full_name", "id")))


def listing_zone(mission: Mission) -> zoneinfo.ZoneInfo:
    """The time zone the time range is read in: the election's default one."""
    return zoneinfo.ZoneInfo(mission.election.default_timezone or "UTC")


def _moment(value: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """``2023-03-19T08:00`` (the date alone is midnight) in ``zone``, as UTC."""
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(dt.UTC)


def read_filter(mission: Mission, params: Mapping[str, str]) -> tuple[SubmissionFilter, list[str]]:
    """The filter a query string asks for, and a message for each value left out because it
    is not one the mission knows (the rest of the filter still applies)."""
    errors: list[str] = []
    values: dict[str, Any] = {}

    def pick(name: str, allowed: set[str], what: str) -> None:
        value = (params.get(name) or "").strip()
        if not value:
            return
        if value in allowed:
            values[name] = value
        else:
            errors.append(_("No such %(what)s: %(value)s.") % {"what": what, "value": value[:64]})

    pick("form", set(Form.objects.filter(mission=mission).values_list("code", flat=True)), _("form"))
    pick("phase", set(Phase.values), _("phase"))
    pick("region", set(Area.objects.filter(election_id=mission.election_id, depth=1)
                       .values_list("code", flat=True)), _("region"))
    pick("team", set(Team.objects.filter(mission=mission).values_list("code", flat=True)), _("team"))
    pick("channel", set(Channel.values), _("channel"))
    pick("flag", {*FLAGS, ANY_FLAG, NO_FLAG}, _("flag"))
    pick("review", set(ReviewState.values), _("review state"))
    pick("revisions", {CURRENT, ALL_REVISIONS}, _("choice of revisions"))
    observer = (params.get("observer") or "").strip()
    if observer:
        if observer.isdigit() and Observer.objects.filter(mission=mission, pk=int(observer)).exists():
            values["observer"] = int(observer)
        else:
            errors.append(_("No such %(what)s: %(value)s.") % {"what": _("observer"), "value": observer[:64]})
    station = (params.get("station") or "").strip()[:64]
    if station:
        values["station"] = station
    zone = listing_zone(mission)
    for name in ("since", "until"):
        value = (params.get(name) or "").strip()
        if not value:
            continue
        try:
            values[name] = _moment(value, zone)
        except ValueError:
            errors.append(_("Not a date and time: %(value)s (write 2023-03-19 08:00).")
                          % {"value": value[:64]})
    values["q"] = (params.get("q") or "").strip()[:SEARCH_LENGTH]
    return SubmissionFilter(**values), errors


def search(query: QuerySet[Submission], text: str) -> QuerySet[Submission]:
    """Reports whose station (code or name), observer (name or accreditation code) or key
    contains ``text``; ``#123`` is submission 123."""
    text = text.strip()
    if not text:
        return query
    if text.startswith("#") and text[1:].isdigit():
        return query.filter(pk=int(text[1:]))
    return query.filter(Q(station__code__icontains=text) | Q(station__name__icontains=text)
                        | Q(observer__full_name__icontains=text)
                        | Q(observer__accreditation_number__icontains=text) | Q(key__icontains=text))


def _flag_text(code: str) -> str:
    """How a flag's code appears in the stored JSON (the same on SQLite and PostgreSQL)."""
    return f'"code": "{code}"'


def filtered_submissions(mission: Mission, wanted: SubmissionFilter) -> QuerySet[Submission]:
    """The mission's reports (never test reports) that match ``wanted``, newest first."""
    query = Submission.objects.filter(mission=mission, is_test=False)
    if wanted.revisions != ALL_REVISIONS:
        query = query.filter(is_current=True)
    exact = {"form__code": wanted.form, "phase": wanted.phase, "station__region__code": wanted.region,
             "observer_id": wanted.observer, "team__code": wanted.team, "channel": wanted.channel,
             "review_state": wanted.review}
    query = query.filter(**{name: value for name, value in exact.items() if value not in ("", None)})
    if wanted.station:
        query = query.filter(Q(station__code__iexact=wanted.station)
                             | Q(station__name__iexact=wanted.station))
    if wanted.flag == ANY_FLAG:
        query = query.exclude(flags=[])
    elif wanted.flag == NO_FLAG:
        query = query.filter(flags=[])
    elif wanted.flag:
        query = query.filter(flags__icontains=_flag_text(wanted.flag))
    if wanted.since:
        query = query.filter(received_at__gte=wanted.since)
    if wanted.until:
        query = query.filter(received_at__lt=wanted.until)
    query = search(query, wanted.q)
    return (query.select_related("form", "station", "station__region", "observer", "team")
            .order_by("-received_at", "-id"))


LISTING_HEADER = ["submission_id", "key", "revision", "is_current", "form", "phase", "station",
                  "station_name", "region", "observer", "observer_code", "team", "channel",
                  "received_at_utc", "received_at_local", "observed_at_utc", "flags", "review_state"]


def listing_table(mission: Mission, query: QuerySet[Submission]) -> Table:
    """The filtered reports as an export, in the page's order: one row per report with what
    the table shows (a form's answers are in that form's own export)."""

    def rows() -> Iterator[tuple[list[Any], tuple[float, float] | None]]:
        for s in query.iterator(chunk_size=CHUNK):
            station = s.station
            yield [s.pk, s.key, s.revision, _text(s.is_current), s.form.code, s.phase,
                   station.code if station else "", station.name if station else "",
                   station.region.name if station and station.region_id else "",
                   s.observer.full_name if s.observer_id else "",
                   s.observer.accreditation_number if s.observer_id else "",
                   s.team.code if s.team_id else "", s.channel, _when(s.received_at),
                   station.to_local(s.received_at).isoformat() if station else "",
                   _when(s.observed_at), " ".join(f.get("code", "") for f in s.flags or []),
                   s.review_state], _point(station)

    return Table(f"{mission.code}-submissions", list(LISTING_HEADER), rows())


@dataclass
class AnswerRow:
    """One answer as the submission's page shows it: the question's label in the page's
    language and the answer in words (yes / no and choices by their labels)."""

    name: str
    label: str
    text: str


def _choice_label(choice: dict[str, Any], language: str) -> str:
    label = choice.get("label") or {}
    if isinstance(label, Mapping):
        return str(label.get(language) or label.get("en") or next(iter(label.values()), "")
                   or choice.get("name"))
    return str(label or choice.get("name"))


def _answer_text(question: Any, value: Any, language: str) -> str:
    if question is None:
        return str(_text(value))
    if question.type == "yes_no" and value in (True, False, "yes", "no"):
        return _("Yes") if value in (True, "yes") else _("No")
    if question.type in ("select_one", "select_multiple") and question.choices:
        labels = {str(c.get("name")): _choice_label(c, language) for c in question.choices}
        chosen = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(item), str(item)) for item in chosen)
    return str(_text(value))


def answer_rows(submission: Submission) -> list[AnswerRow]:
    """The submission's answers in its form version's order (answers to questions the
    version does not have come last, by name)."""
    from django.utils import translation

    from pollwatch.checklists.models import Question

    language = (translation.get_language() or "en").split("-")[0]
    questions = {q.name: q for q in Question.objects.filter(version_id=submission.form_version_id)}
    order = {name: q.position for name, q in questions.items()}
    answers = submission.answers or {}
    names = sorted(answers, key=lambda n: (n not in order, order.get(n, 0), n))
    return [AnswerRow(name, questions[name].label_in(language) if name in questions else name,
                      _answer_text(questions.get(name), answers[name], language)) for name in names]
