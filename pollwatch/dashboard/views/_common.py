"""What several pages share: the export response, the phase under way, filters read safely."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.http import Http404, StreamingHttpResponse

from pollwatch.missions.models import Mission, Phase
from pollwatch.submissions import exports

EXPORT_FORMATS = exports.FORMATS


def export_format(request) -> str:
    """The export asked for with ``?format=csv|xlsx|geojson``, or ``""`` for the page."""
    fmt = request.GET.get("format", "")
    if fmt and fmt not in EXPORT_FORMATS:
        raise Http404("No such format")
    return fmt


def export_response(table: exports.Table, fmt: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(exports.stream(table, fmt), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{table.name}.{fmt}"'
    response["X-Accel-Buffering"] = "no"
    return response


def choice(request, name: str, allowed: Iterable[str], default: str = "") -> str:
    """A query parameter that must be one of ``allowed`` (anything else reads as the default)."""
    value = request.GET.get(name, default)
    return value if value in set(allowed) else default


def phase_under_way(mission: Mission, now: dt.datetime) -> str:
    """The phase of election day at ``now`` in the election's default time zone: opening until
    the opening reports are due, voting until 20:00, then closing and counting (also after the
    day, when the count is what is left to follow)."""
    election = mission.election
    zone = zoneinfo.ZoneInfo(election.default_timezone or "UTC")
    local = now.astimezone(zone)
    if local.date() < election.date:
        return Phase.OPENING
    if local.date() > election.date:
        return Phase.CLOSING
    opening_due = (dt.datetime.combine(election.date, dt.time(7), tzinfo=zone)
                   + dt.timedelta(minutes=mission.report_deadline_minutes(Phase.OPENING)))
    if local < opening_due:
        return Phase.OPENING
    if local < dt.datetime.combine(election.date, dt.time(20), tzinfo=zone):
        return Phase.VOTING
    return Phase.CLOSING
