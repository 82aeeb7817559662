"""The station page: everything known about one polling station."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render

from pollwatch.accounts.access import STAFF, access_station_by_user, mission_view

from ..services.stations import answer_rows, question_labels, station_by_code, station_dossier


@mission_view(*STAFF)
def station_page(request, mission, station_id: int):
    station = access_station_by_user(request.user, mission, station_id, STAFF)
    dossier = station_dossier(mission, station)
    labels = question_labels(dossier.submissions)
    reports = [(s, answer_rows(s, labels)) for s in dossier.submissions]
    return render(request, "dashboard/station.html", {
        "mission": mission, "station": station, "dossier": dossier, "reports": reports,
        "zone": station.timezone})


@mission_view(*STAFF)
def station_by_code_page(request, mission, code: str):
    station = station_by_code(mission, code)
    if station is None:
        raise Http404("No such polling station")
    return redirect("dashboard:station", mission=mission.code, station_id=station.pk)
