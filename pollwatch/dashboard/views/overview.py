"""Mission pages shared by coordinators and analysts: overview, stations, meetings, audit log."""

from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pollwatch.accounts.access import MANAGERS, STAFF, mission_view
from pollwatch.accounts.models import AuditEntry
from pollwatch.elections.models import Area, PollingStation
from pollwatch.missions.forms import MeetingForm
from pollwatch.missions.models import Assignment, Mission, Phase
from pollwatch.missions.services import log_meeting


def landing(request):
    missions = Mission.objects.select_related("election").order_by("-election__date", "name")
    return render(request, "dashboard/landing.html", {"missions": missions})


@mission_view(*STAFF)
def mission_overview(request, mission):
    election = mission.election
    stations = PollingStation.objects.filter(election=election).aggregate(
        count=Count("id"), registered=Sum("registered_voters"))
    assigned = (Assignment.objects.filter(team__mission=mission).values("phase")
                .annotate(stations=Count("station", distinct=True), teams=Count("team", distinct=True)))
    by_phase = {row["phase"]: row for row in assigned}
    groups = mission.groups.select_related("coordinator").annotate(
        observer_count=Count("observers", distinct=True), team_count=Count("teams", distinct=True))
    context = {
        "mission": mission, "election": election, "stations": stations,
        "contests": election.contests.annotate(choice_count=Count("choices")),
        "groups": groups,
        "phases": [(phase, by_phase.get(phase.value, {})) for phase in Phase],
        "meetings": mission.meetings.all()[:5],
    }
    return render(request, "dashboard/mission.html", context)


@mission_view(*STAFF)
def station_list(request, mission):
    query = (PollingStation.objects.filter(election=mission.election)
             .select_related("area", "region").order_by("code"))
    region = request.GET.get("region", "")
    search = request.GET.get("q", "").strip()
    if region:
        query = query.filter(region__code=region)
    if search:
        query = query.filter(Q(code__icontains=search) | Q(name__icontains=search)
                             | Q(address__icontains=search))
    page = Paginator(query, 50).get_page(request.GET.get("page"))
    regions = Area.objects.filter(election=mission.election, depth=1).order_by("name")
    return render(request, "dashboard/stations.html", {
        "mission": mission, "page": page, "regions": regions, "region": region, "q": search})


@mission_view(*STAFF)
def meeting_list(request, mission):
    form = MeetingForm(request.POST or None, mission=mission)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        participants = list(data.pop("participants"))
        log_meeting(mission, request.user, participants=participants, **data)
        from django.contrib import messages

        messages.success(request, _("Meeting logged."))
        return redirect("dashboard:meetings", mission=mission.code)
    meetings = mission.meetings.select_related("group").prefetch_related("participants")
    kind = request.GET.get("kind", "")
    if kind:
        meetings = meetings.filter(stakeholder_kind=kind)
    return render(request, "dashboard/meetings.html",
                  {"mission": mission, "meetings": meetings, "form": form, "kind": kind})


@mission_view(*MANAGERS)
def audit_log(request, mission):
    entries = (AuditEntry.objects.filter(Q(mission=mission) | Q(model__startswith="elections.",
                                                                  object_id=str(mission.election_id)))
               .select_related("user"))
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "dashboard/audit.html", {"mission": mission, "page": page})
