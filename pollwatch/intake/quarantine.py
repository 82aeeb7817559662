"""The quarantine queue's filters: status, channel, reason, day and text, read from a query string.

A value that is not one of the choices is ignored (the queue shows what it would without
it); a day that is not a date is ignored and said so. The day is the election's: from
midnight to midnight in the election's default time zone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pollwatch.missions.models import Mission
from pollwatch.missions.services import InvalidPhone, normalise_phone
from pollwatch.submissions.models import Channel

from .models import InboundReport

Status = InboundReport.Status

#: Why reports are held, by the code intake keeps in ``meta["rejection"]``
#: (see :class:`pollwatch.submissions.errors.Rejected`).
REASONS = {
    "unknown_sender": gettext_lazy("Sender not on the roster"),
    "unknown_form": gettext_lazy("Unknown form"),
    "unknown_station": gettext_lazy("Unknown polling station"),
    "invalid_answers": gettext_lazy("Answers not accepted"),
    "bad_payload": gettext_lazy("Malformed report"),
    "unreadable": gettext_lazy("Unreadable text"),
    "not_allowed": gettext_lazy("Not allowed for this sender"),
    "bad_correction": gettext_lazy("Correction of nothing"),
    "internal": gettext_lazy("Processing failed"),
}
MAX_TEXT = 100
#: Days outside these years are not dates anyone means (and would overflow the bounds).
FIRST_YEAR, LAST_YEAR = 1900, 2999


@dataclass(frozen=True)
class QueueFilters:
    status: str = Status.QUARANTINED
    channel: str = ""
    reason: str = ""
    day: dt.date | None = None
    text: str = ""
    #: What was asked for but ignored, in the user's words.
    ignored: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_narrowed(self) -> bool:
        return bool(self.channel or self.reason or self.day or self.text)


def read_filters(params: Any) -> QueueFilters:
    """The filters of a query string (``status``, ``channel``, ``reason``, ``date``, ``q``)."""
    status = params.get("status", "")
    channel = params.get("channel", "")
    reason = params.get("reason", "")
    raw_day = (params.get("date") or "").strip()
    ignored = []
    day = None
    if raw_day:
        try:
            day = dt.date.fromisoformat(raw_day) if len(raw_day) == 10 else None
        except ValueError:
            day = None
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            day = None
        if day is None:
            ignored.append(_("%(value)s is not a date (YYYY-MM-DD); all days are shown")
                           % {"value": repr(raw_day[:20])})
    return QueueFilters(
        status=status if status in Status.values else Status.QUARANTINED,
        channel=channel if channel in Channel.values else "",
        reason=reason if reason in REASONS else "",
        day=day,
        text=" ".join(re.sub(r"[\x00-\x1f\x7f]", " ", params.get("q") or "").split())[:MAX_TEXT],
        ignored=tuple(ignored))


def filter_reports(reports: QuerySet[InboundReport], mission: Mission,
                   filters: QueueFilters) -> QuerySet[InboundReport]:
    """``reports`` (already the ones the user may see) narrowed by ``filters``, newest first."""
    reports = reports.filter(status=filters.status)
    if filters.channel:
        reports = reports.filter(channel=filters.channel)
    if filters.reason:
        reports = reports.filter(meta__rejection=filters.reason)
    if filters.day:
        zone = zoneinfo.ZoneInfo(mission.election.default_timezone or "UTC")
        start = dt.datetime.combine(filters.day, dt.time(0), tzinfo=zone)
        reports = reports.filter(received_at__gte=start, received_at__lt=start + dt.timedelta(days=1))
    if filters.text:
        reports = reports.filter(_text_match(mission, filters.text))
    return reports.order_by("-received_at", "-id")


def _text_match(mission: Mission, text: str) -> Q:
    """The sender (also a phone number written in another format), the raw text, or the name
    of the observer it was attributed to."""
    match = (Q(sender__icontains=text) | Q(payload__icontains=text)
             | Q(observer__full_name__icontains=text))
    if re.fullmatch(r"[\d\s()+.\-]*\d[\d\s()+.\-]*", text):
        with contextlib.suppress(InvalidPhone):
            match |= Q(sender=normalise_phone(text, mission.election.country or None))
    return match
