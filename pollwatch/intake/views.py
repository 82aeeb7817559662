"""Pages: the observer web page (and its service worker), and the quarantine queue."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from pollwatch.accounts.access import (
    MANAGERS,
    STAFF,
    has_role,
    inbound_reports_for_user,
    mission_view,
    observer_for_user,
)
from pollwatch.missions.models import Observer
from pollwatch.submissions.models import Channel

from . import quarantine, services
from .models import InboundReport
from .observer_page import page_strings

#: Bump when the page's files change, so that phones fetch the new ones.
OFFLINE_VERSION = "observe-v2"


@login_required
def observe_home(request):
    observer = observer_for_user(request.user)
    return render(request, "intake/observe_home.html", {
        "observer": observer, "offline_version": OFFLINE_VERSION, "strings": page_strings(),
        "language_cookie": settings.LANGUAGE_COOKIE_NAME})


@never_cache
def service_worker(request):
    """Served from /observe/ so that it controls the page (scope /observe/)."""
    assets = [static(name) for name in (
        "intake/observe.js", "intake/outbox.js", "intake/render.js", "intake/observe.css",
        "pollwatch/app.css")]
    body = render(request, "intake/sw.js", {"version": OFFLINE_VERSION, "assets": assets}).content
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/observe/"
    return response


def web_manifest(request):
    return render(request, "intake/manifest.webmanifest", {},
                  content_type="application/manifest+json")


def _reports(request, mission):
    return inbound_reports_for_user(request.user, mission).select_related("observer", "handled_by")


@mission_view(*STAFF)
def quarantine_list(request, mission):
    filters = quarantine.read_filters(request.GET)
    reports = quarantine.filter_reports(_reports(request, mission), mission, filters)
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(request, "intake/quarantine_list.html", {
        "mission": mission, "page": page, "filters": filters, "status": filters.status,
        "channel": filters.channel, "statuses": InboundReport.Status.choices,
        "channels": Channel.choices, "reasons": list(quarantine.REASONS.items()),
        "zone": mission.election.default_timezone or "UTC",
        "can_act": has_role(request.user, mission, MANAGERS)})


@mission_view(read=STAFF, write=MANAGERS)
def quarantine_detail(request, mission, report_id):
    report = _reports(request, mission).filter(pk=report_id).first()
    if report is None:
        raise Http404("No such report")
    if request.method == "POST":
        return _act(request, mission, report)
    observers = Observer.objects.filter(mission=mission, is_active=True).order_by("full_name")
    return render(request, "intake/quarantine_detail.html", {
        "mission": mission, "report": report, "observers": observers,
        "can_act": request.may_write and report.is_editable})


def _act(request, mission, report):
    action = request.POST.get("action")
    try:
        if action == "discard":
            services.discard_report(report, request.POST.get("reason", ""), request.user)
            messages.success(request, _("Report discarded."))
        elif action == "reprocess":
            observer = None
            if request.POST.get("observer"):
                observer = Observer.objects.filter(mission=mission, pk=request.POST["observer"]).first()
            received = services.reprocess_report(report, request.POST.get("payload", report.payload),
                                                 request.user, observer=observer)
            if received.accepted:
                messages.success(request, _("Report accepted and counted."))
            else:
                messages.error(request, _("Still not accepted: %(reason)s") % {"reason": received.reason})
                return redirect("intake:quarantine_detail", mission=mission.code, report_id=report.pk)
        else:
            messages.error(request, _("Unknown action."))
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("intake:quarantine_detail", mission=mission.code, report_id=report.pk)
    return redirect("intake:quarantine", mission=mission.code)
