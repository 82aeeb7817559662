"""The incident board: incidents in columns by follow-up state, filtered, and the critical ones
nobody has looked at yet (the banner on every mission page).

The follow-up itself (review, verify, escalate, acknowledge, close) is the submissions app's
(:mod:`pollwatch.submissions.incidents`); :func:`follow_up` only maps a form's action to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.utils.translation import get_language, gettext, pgettext_lazy

from pollwatch.accounts import audit
from pollwatch.checklists.templates_builtin import CATEGORY_LABELS
from pollwatch.missions.models import Mission
from pollwatch.submissions import incidents as follow
from pollwatch.submissions.models import Incident, IncidentEvent

Status = Incident.Status
#: The board's columns and the statuses each holds.
COLUMNS = [
    ("new", pgettext_lazy("incidents", "New"), (Status.NEW,)),
    ("under_review", pgettext_lazy("incidents", "Under review"), (Status.UNDER_REVIEW,)),
    ("verified", pgettext_lazy("incidents", "Verified or settled"),
     (Status.VERIFIED, Status.UNVERIFIABLE, Status.REJECTED)),
    ("escalated", pgettext_lazy("incidents", "Escalated"), (Status.ESCALATED,)),
    ("closed", pgettext_lazy("incidents", "Closed"), (Status.CLOSED,)),
]
#: Incidents shown per column (the counts cover all; the export lists all).
COLUMN_LIMIT = 60
SEVERITY_SYMBOLS = {Incident.Severity.CRITICAL: "⚠", Incident.Severity.SERIOUS: "▲",
                    Incident.Severity.MINOR: "·"}
SEVERITY_RANK = Case(When(severity=Incident.Severity.CRITICAL, then=Value(0)),
                     When(severity=Incident.Severity.SERIOUS, then=Value(1)),
                     default=Value(2), output_field=IntegerField())


@dataclass
class Column:
    code: str
    label: str
    count: int
    incidents: list[Incident]


@dataclass
class Board:
    columns: list[Column]
    total: int
    categories: list[dict[str, str]]
    filters: dict[str, str] = field(default_factory=dict)

    @cached_property
    def labels(self) -> dict[str, str]:
        """Category code -> its label in the page's language."""
        return {c["code"]: c["label"] for c in self.categories}


def incidents_of(mission: Mission, *, severity: str = "", region: str = "",
                 category: str = "", status: str = "") -> QuerySet[Incident]:
    """The board's incidents; ``status`` may name a column (all the states it holds)."""
    statuses = next((c[2] for c in COLUMNS if c[0] == status), (status,)) if status else ()
    return follow.incidents_matching(mission, severity=severity, region=region,
                                     category=category, statuses=statuses)


def category_label(code: str, label: str = "") -> str:
    """A category's name in the active language: the built-in taxonomy's own translation, else
    the label the mission gave it, else its code."""
    names = CATEGORY_LABELS.get(code)
    if names:
        return names.get((get_language() or "en")[:2]) or names["en"]
    return label or code


def category_of(incident: Incident) -> str:
    """An incident's category in the active language (its mission's label for a code the
    built-in taxonomy does not know)."""
    code = incident.category
    if not code:
        return "–"
    if code in CATEGORY_LABELS:  # no need to read the mission
        return category_label(code)
    given = {c.get("code"): c.get("label", "") for c in (incident.mission.incident_categories or [])}
    return category_label(code, given.get(code, ""))


def categories_of(mission: Mission) -> list[dict[str, str]]:
    """The mission's taxonomy, plus any category reports used that it does not list, each with
    its label in the active language."""
    known = [{"code": str(c.get("code")), "label": category_label(str(c.get("code")), c.get("label", ""))}
             for c in (mission.incident_categories or [])]
    codes = {c["code"] for c in known}
    used = (Incident.objects.filter(mission=mission).exclude(category__in=codes)
            .values_list("category", flat=True).distinct())
    return known + [{"code": code, "label": category_label(code)} for code in used if code]


def incident_board(mission: Mission, *, severity: str = "", region: str = "",
                   category: str = "") -> Board:
    """The board: per column, its count and its newest incidents (critical ones first)."""
    base = incidents_of(mission, severity=severity, region=region, category=category)
    counts = dict(base.values_list("status").annotate(n=Count("id")).order_by())
    columns = []
    for code, label, statuses in COLUMNS:
        query = base.filter(status__in=statuses).select_related("station", "station__region",
                                                                  "reported_by")
        if code != "closed":
            query = query.annotate(rank=SEVERITY_RANK).order_by("rank", "-reported_at", "-id")
        rows = list(query[:COLUMN_LIMIT])
        columns.append(Column(code, str(label), sum(counts.get(s, 0) for s in statuses), rows))
    return Board(columns, sum(counts.values()), categories_of(mission),
                 {"severity": severity, "region": region, "category": category})


def unacknowledged_critical(mission: Mission | int) -> QuerySet[Incident]:
    """Critical incidents nobody has taken up yet (still new), oldest first."""
    return (Incident.objects.filter(mission=mission, severity=Incident.Severity.CRITICAL,
                                    status=Status.NEW).order_by("reported_at", "id"))


def incident_detail(mission: Mission, incident_id: int) -> Incident | None:
    return (Incident.objects.filter(mission=mission, pk=incident_id)
            .select_related("station", "station__region", "reported_by", "submission")
            .prefetch_related("events", "events__by", "submission__evidence").first())


ACTIONS = ("review", "verified", "unverifiable", "rejected", "escalate", "acknowledge", "close")


def follow_up(incident: Incident, action: str, actor: audit.Actor, *, note: str = "",
              to: str = "", event_id: int | None = None) -> Any:
    """Take one follow-up step on ``incident``; ``ValueError`` says why a step is refused."""
    if action == "review":
        return follow.review_incident(incident, actor, note)
    if action in ("verified", "unverifiable", "rejected"):
        return follow.verify_incident(incident, action, actor, note)
    if action == "escalate":
        return follow.escalate_incident(incident, to, actor, note)
    if action == "acknowledge":
        event = IncidentEvent.objects.filter(incident=incident, pk=event_id).first()
        if event is None:
            raise ValueError(gettext("say which escalation was acknowledged"))
        return follow.acknowledge(event, actor)
    if action == "close":
        return follow.close_incident(incident, actor, note)
    raise ValueError(gettext("unknown action %(action)s") % {"action": repr(action)})
