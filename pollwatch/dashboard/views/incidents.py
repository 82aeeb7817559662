"""The incident board, one incident's follow-up, and the critical-incident banner."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pollwatch.accounts.access import MANAGERS, STAFF, mission_view
from pollwatch.elections.models import Area
from pollwatch.submissions import exports
from pollwatch.submissions.models import Incident

from ..services import incidents as board
from ._common import choice, export_format, export_response


@mission_view(*STAFF)
def incident_board(request, mission):
    fmt = export_format(request)
    if fmt:
        return export_response(exports.incidents_table(mission), fmt)
    severity = choice(request, "severity", Incident.Severity.values)
    category = request.GET.get("category", "")[:64]
    region = request.GET.get("region", "")[:64]
    result = board.incident_board(mission, severity=severity, region=region, category=category)
    regions = Area.objects.filter(election_id=mission.election_id, depth=1).order_by("name")
    live = request.headers.get("HX-Request")
    template = "dashboard/_incident_board.html" if live else "dashboard/incidents.html"
    return render(request, template, {
        "mission": mission, "board": result, "severities": Incident.Severity.choices, "regions": regions,
        "severity": severity, "category": category, "region": region, "symbols": board.SEVERITY_SYMBOLS})


@mission_view(read=STAFF, write=MANAGERS)
def incident_page(request, mission, incident_id: int):
    incident = board.incident_detail(mission, incident_id)
    if incident is None:
        raise Http404("No such incident")
    can_act = request.may_write
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            board.follow_up(incident, action, request.user, note=request.POST.get("note", "").strip(),
                            to=request.POST.get("to", ""), event_id=_int(request.POST.get("event")))
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Incident updated."))
        return redirect("dashboard:incident", mission=mission.code, incident_id=incident.pk)
    return render(request, "dashboard/incident.html", {
        "mission": mission, "incident": incident, "can_act": can_act,
        "next_steps": [str(s) for s in board.follow.NEXT[Incident.Status(incident.status)]],
        "zone": incident.station.timezone if incident.station_id else mission.election.default_timezone})


@mission_view(*STAFF)
def critical_banner(request, mission):
    """The banner alone, for pages that refresh it without reloading."""
    return render(request, "dashboard/_critical_banner.html", {"mission": mission})


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
