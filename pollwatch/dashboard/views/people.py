"""Observers and teams; issuing an observer's one-time sign-in code and QR code."""

from __future__ import annotations

import zoneinfo

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pollwatch.accounts import onetime
from pollwatch.accounts.access import MANAGERS, STAFF, access_observer_by_user, has_role, mission_view
from pollwatch.elections.models import Area
from pollwatch.missions.services import ensure_observer_user

from ..services.people import PeopleFilters, mission_people, people_table
from ..services.search import clean_text
from ._common import choice, export_format, export_response

#: Observers per page (the teams table above them is not paged).
PAGE_SIZE = 100


@mission_view(*STAFF)
def people_page(request, mission):
    """Teams and observers, filtered by the query string (``group``, ``q``, ``team``,
    ``region``, ``not_reported=1``); a value that names nothing of the mission is ignored."""
    groups = list(mission.groups.all())
    teams = list(mission.teams.order_by("code").values_list("code", flat=True))
    regions = list(Area.objects.filter(election_id=mission.election_id, depth=1).order_by("name"))
    filters = PeopleFilters(
        group=choice(request, "group", [g.code for g in groups]), text=clean_text(request.GET.get("q")),
        team=choice(request, "team", teams), region=choice(request, "region", [r.code for r in regions]),
        not_reported=request.GET.get("not_reported") == "1")
    people = mission_people(mission, timezone.now(), filters=filters)
    fmt = export_format(request)
    if fmt:
        return export_response(people_table(mission, people), fmt)
    return render(request, "dashboard/people.html", {
        "mission": mission, "people": people, "page": Paginator(people.observers, PAGE_SIZE).get_page(
            request.GET.get("page")), "filters": filters, "group": filters.group, "groups": groups,
        "teams": teams, "regions": regions,
        "can_manage": has_role(request.user, mission, MANAGERS), "now": people.now})


@never_cache
@require_POST
@mission_view(*MANAGERS)
def issue_code(request, mission, observer_id: int):
    """Issue a one-time sign-in for an observer and show it once: the code and the QR code."""
    observer = access_observer_by_user(request.user, observer_id, MANAGERS)
    if observer.mission_id != mission.pk or not observer.is_active:
        raise Http404("No such observer")
    user = ensure_observer_user(observer, request.user)
    issued = onetime.issue_sign_in_code(user, request.user, mission=mission)
    link = request.build_absolute_uri(reverse("accounts:link_sign_in", args=[issued.token]))
    zone = zoneinfo.ZoneInfo(mission.election.default_timezone or "UTC")
    return render(request, "dashboard/sign_in_code.html", {
        "mission": mission, "observer": observer, "issued": issued, "link": link,
        "qr": onetime.qr_svg(link), "expires_local": issued.expires_at.astimezone(zone),
        "zone": zone.key, "username": user.username})
