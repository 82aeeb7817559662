"""What several pages share: the export response, the phase under way, filters read safely."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.http import Http404, StreamingHttpResponse

from pollwatch.missions.clock import election_now
from pollwatch.missions.models import Mission
from pollwatch.missions.phases import mission_phase_under_way
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


def phase_under_way(mission: Mission, now: dt.datetime | None = None) -> str:
    """The phase under way for the mission's pages at ``now`` (the election's clock by
    default): :func:`pollwatch.missions.phases.mission_phase_under_way`."""
    return mission_phase_under_way(mission, now or election_now(mission))
