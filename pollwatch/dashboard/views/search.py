"""The header's search box: a station, an observer or a report of the mission."""

from __future__ import annotations

from django.shortcuts import redirect, render

from pollwatch.accounts.access import STAFF, mission_view

from ..services.search import search_mission


@mission_view(*STAFF)
def search_page(request, mission):
    """Results grouped by kind; one exact hit (a whole station code, phone, id or key) opens
    its page directly, unless ``?all=1`` asks for the list."""
    results = search_mission(request.user, mission, request.GET.get("q", ""))
    hit = results.single_exact()
    if hit is not None and request.GET.get("all") != "1":
        return redirect(hit.url)
    return render(request, "dashboard/search.html", {"mission": mission, "results": results})
