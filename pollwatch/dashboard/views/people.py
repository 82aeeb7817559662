"""Observers and teams; issuing an observer's one-time sign-in code and QR code."""

from __future__ import annotations

import zoneinfo

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pollwatch.accounts import onetime
from pollwatch.accounts.access import MANAGERS, STAFF, access_observer_by_user, has_role, mission_view
from pollwatch.missions.services import ensure_observer_user

from ..services.people import mission_people, people_table
from ._common import export_format, export_response


@mission_view(*STAFF)
def people_page(request, mission):
    group = request.GET.get("group", "")[:64]
    people = mission_people(mission, timezone.now(), group=group)
    fmt = export_format(request)
    if fmt:
        return export_response(people_table(mission, people), fmt)
    return render(request, "dashboard/people.html", {
        "mission": mission, "people": people, "group": group, "groups": mission.groups.all(),
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
