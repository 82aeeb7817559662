"""One search box for the mission's staff: a polling station, an observer or a report.

``search_mission(actor, mission, text)`` finds, within the mission only:

- polling stations of the mission's election by code (exact or its beginning) or name;
- the mission's observers by name, accreditation code, or phone: the text is read as a phone
  number the way the observer import reads one (:func:`~pollwatch.missions.services.normalise_phone`,
  the election's country for a national number), and four digits or more match part of a phone;
- reports by id (``123`` or ``#123``) or idempotency key: the mission's submissions, and the
  raw inbound reports the actor may see (:func:`~pollwatch.accounts.access.inbound_reports_for_user`)
  that did not become one of the submissions found.

A hit is *exact* when the text is the whole code, phone, id or key; a search with exactly
one exact hit may go straight to it. Each kind shows at most ``LIMIT`` hits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from pollwatch.accounts.access import inbound_reports_for_user, may_read_mission
from pollwatch.elections.models import PollingStation
from pollwatch.missions.models import Mission, Observer
from pollwatch.missions.services import InvalidPhone, normalise_phone
from pollwatch.submissions.models import Submission

LIMIT = 20
MAX_LENGTH = 100
#: Shorter texts only match whole codes, ids and keys (one letter would match every name).
MIN_PARTIAL = 2
#: How many digits a text needs before it matches part of a phone number.
MIN_PHONE_DIGITS = 4
#: How long a key's beginning must be to find the report it starts.
MIN_KEY_PREFIX = 8
ID = re.compile(r"#?(\d{1,12})")
#: What a phone number may be written with: digits, spaces, brackets, dots, dashes and a plus.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
PHONE_LIKE = re.compile(r"[\d\s()+.\-]+")


@dataclass(frozen=True)
class Hit:
    """One thing found: ``kind`` is station, observer, submission or inbound."""

    kind: str
    obj: Any
    url: str
    exact: bool


@dataclass
class SearchResults:
    text: str
    stations: list[Hit] = field(default_factory=list)
    observers: list[Hit] = field(default_factory=list)
    reports: list[Hit] = field(default_factory=list)
    #: Kinds with more hits than shown: station or observer -> the list page that shows all.
    more: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.stations) + len(self.observers) + len(self.reports)

    def single_exact(self) -> Hit | None:
        """The one exact hit, when there is exactly one (and it has a page)."""
        exact = [hit for hit in (*self.stations, *self.observers, *self.reports) if hit.exact]
        return exact[0] if len(exact) == 1 and exact[0].url else None


def clean_text(text: str | None) -> str:
    """The search text, trimmed, spaces collapsed, control characters (a NUL, which no
    database column holds) left out, at most ``MAX_LENGTH`` characters."""
    return " ".join(CONTROL.sub(" ", text or "").split())[:MAX_LENGTH]


def search_mission(actor: Any, mission: Mission, text: str | None) -> SearchResults:
    """Everything of ``mission`` that ``text`` names (see the module docstring), for a
    signed-in member of the mission's staff; anyone else is refused."""
    if not may_read_mission(actor, mission):
        raise PermissionDenied(_("Only the mission's staff search it"))
    text = clean_text(text)
    results = SearchResults(text)
    if not text:
        return results
    results.stations = _limited(results, "station", _stations(mission, text),
                                reverse("dashboard:stations", args=[mission.code]))
    results.observers = _limited(results, "observer", _observers(mission, text),
                                 reverse("dashboard:people", args=[mission.code]))
    results.reports = _reports(actor, mission, text)
    return results


def _limited(results: SearchResults, kind: str, hits: list[Hit], more_url: str) -> list[Hit]:
    if len(hits) > LIMIT:
        results.more[kind] = f"{more_url}?{urlencode({'q': results.text})}"
    return hits[:LIMIT]


def _exact_first(query: QuerySet, exact: Q, *order: str) -> QuerySet:
    return (query.annotate(_exact=Case(When(exact, then=Value(0)), default=Value(1),
                                       output_field=IntegerField()))
            .order_by("_exact", *order))


def _stations(mission: Mission, text: str) -> list[Hit]:
    exact = Q(code__iexact=text)
    match = exact | Q(code__istartswith=text)
    if len(text) >= MIN_PARTIAL:
        match |= Q(name__icontains=text)
    query = (PollingStation.objects.filter(election_id=mission.election_id).filter(match)
             .select_related("region", "area"))
    found = _exact_first(query, exact, "code")[:LIMIT + 1]
    return [Hit("station", s, reverse("dashboard:station", args=[mission.code, s.pk]),
                s.code.lower() == text.lower()) for s in found]


def _phone(mission: Mission, text: str) -> str:
    if not re.search(r"\d", text) or not PHONE_LIKE.fullmatch(text):
        return ""
    try:
        return normalise_phone(text, mission.election.country or None)
    except InvalidPhone:
        return ""


@dataclass(frozen=True)
class ObserverMatch:
    """How a text finds observers: ``exact`` (the whole accreditation code or phone) and
    ``any`` (that, or part of a name, a code or a phone's digits); ``phone`` is the text read
    as a phone number in E.164, or ``""``."""

    exact: Q
    any: Q
    phone: str

    def is_exact(self, observer: Observer, text: str) -> bool:
        code = observer.accreditation_number
        same_code = bool(code and code.lower() == text.lower())
        return same_code or bool(self.phone and observer.phone == self.phone)


def observer_match(mission: Mission, text: str) -> ObserverMatch:
    """The lookups that find the observers ``text`` names (name, code, phone in any format)."""
    phone = _phone(mission, text)
    exact = Q(accreditation_number__iexact=text)
    if phone:
        exact |= Q(phone=phone)
    match = exact
    if len(text) >= MIN_PARTIAL:
        match |= Q(full_name__icontains=text) | Q(accreditation_number__icontains=text)
    digits = re.sub(r"\D", "", text)
    if len(digits) >= MIN_PHONE_DIGITS and PHONE_LIKE.fullmatch(text):
        match |= Q(phone__contains=digits)
    return ObserverMatch(exact, match, phone)


def _observers(mission: Mission, text: str) -> list[Hit]:
    match = observer_match(mission, text)
    query = Observer.objects.filter(mission=mission).filter(match.any).select_related("group")
    found = _exact_first(query, match.exact, "full_name", "pk")[:LIMIT + 1]
    people = reverse("dashboard:people", args=[mission.code])
    return [Hit("observer", o, f"{people}?{urlencode({'q': _observer_key(o)})}#observer-{o.pk}",
                match.is_exact(o, text)) for o in found]


def _observer_key(observer: Observer) -> str:
    """What finds this observer alone on the observers page."""
    return observer.phone or observer.accreditation_number or observer.full_name


def _report_match(text: str) -> Q | None:
    match = ID.fullmatch(text)
    if match:
        return Q(pk=int(match.group(1))) | Q(key=text)
    if " " in text:
        return None
    query = Q(key=text)
    if len(text) >= MIN_KEY_PREFIX:
        query |= Q(key__startswith=text)
    return query


def _report_is_exact(report: Any, text: str) -> bool:
    match = ID.fullmatch(text)
    return report.key == text or bool(match and report.pk == int(match.group(1)))


def _reports(actor: Any, mission: Mission, text: str) -> list[Hit]:
    match = _report_match(text)
    if match is None:
        return []
    submissions = list(Submission.objects.filter(mission=mission).filter(match)
                       .select_related("form", "station", "observer").order_by("-received_at", "-id")[:LIMIT])
    hits = [Hit("submission", s, _submission_url(mission, s), _report_is_exact(s, text)) for s in submissions]
    seen = {s.inbound_id for s in submissions if s.inbound_id}
    inbound = (inbound_reports_for_user(actor, mission).filter(match).exclude(pk__in=seen)
               .select_related("observer").order_by("-received_at", "-id")[:LIMIT])
    hits += [Hit("inbound", r, reverse("intake:quarantine_detail", args=[mission.code, r.pk]),
                 _report_is_exact(r, text)) for r in inbound]
    return hits[:LIMIT]


def _submission_url(mission: Mission, submission: Submission) -> str:
    if submission.station_id:
        station = reverse("dashboard:station", args=[mission.code, submission.station_id])
        return f"{station}#report-{submission.pk}"
    if submission.inbound_id:
        return reverse("intake:quarantine_detail", args=[mission.code, submission.inbound_id])
    return ""
