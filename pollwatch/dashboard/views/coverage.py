"""Live coverage: the map and the table of assigned stations by phase, refreshed every 30 s."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from pollwatch.accounts.access import STAFF, mission_view
from pollwatch.missions.clock import election_now
from pollwatch.missions.models import Phase

from ..services import states
from ..services.coverage import coverage, coverage_geojson, coverage_table, map_shapes
from ._common import choice, export_format, export_response, phase_under_way

PAGE_SIZE = 200
REFRESH_SECONDS = 30


def _read(request, mission):
    now = election_now(mission)
    phase = choice(request, "phase", Phase.values, phase_under_way(mission, now))
    region = request.GET.get("region", "")[:64]
    state = choice(request, "state", states.ORDER)
    return coverage(mission, phase, now, region=region, state=state), region, state


#: The map's shades, in per cent (coverage.js uses the same limits).
REPORTED_BINS = [(0, 20), (20, 40), (40, 60), (60, 80), (80, 100)]
PROBLEM_BINS = [(0, 0), (0, 5), (5, 10), (10, 20), (20, 100)]


def _map_words() -> dict[str, str]:
    return {"assigned": _("stations assigned"), "reported": _("reported"),
            "problem": _("with problems"), "overdue": _("overdue"), "planned": _("planned"),
            "none": _("no stations assigned"), "show": _("Show its stations")}


@mission_view(*STAFF)
def coverage_page(request, mission):
    result, region, state = _read(request, mission)
    fmt = export_format(request)
    if fmt:
        return export_response(coverage_table(mission, result), fmt)
    page = Paginator(result.stations, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "mission": mission, "result": result, "page": page, "region": region, "state": state,
        "phases": Phase.choices, "legend": states.legend(), "refresh": REFRESH_SECONDS,
        "tiles_url": getattr(settings, "MAP_TILES_URL", ""),
        "tiles_attribution": getattr(settings, "MAP_TILES_ATTRIBUTION", ""),
        "totals": [(s, states.LABELS[s], states.SYMBOLS[s], result.count(s)) for s in states.ORDER],
    }
    if request.headers.get("HX-Request"):
        return render(request, "dashboard/_coverage_live.html", {**context, "oob": True})
    shapes = map_shapes(mission)
    context.update(shapes=shapes, map_words=_map_words(), reported_bins=REPORTED_BINS,
                   problem_bins=PROBLEM_BINS,
                   shapes_missing=sum(1 for r in shapes["regions"] if not r["boundary"]))
    return render(request, "dashboard/coverage.html", context)


@mission_view(*STAFF)
def coverage_data(request, mission):
    """The map's markers as GeoJSON (the same filters as the page)."""
    result, _region, _state = _read(request, mission)
    return JsonResponse(coverage_geojson(result))
