"""The mission's submissions: every report in one filtered table with bulk verification and
exports, and one report's page with its review history."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pollwatch.accounts.access import STAFF, mission_view
from pollwatch.submissions import listing
from pollwatch.submissions.models import ReviewState, Submission
from pollwatch.submissions.review import review_history

from ..services import review
from ._common import export_format, export_response

PER_PAGE = 50


@mission_view(*STAFF)
def submissions_page(request, mission):
    if request.method == "POST":
        return _verify_selected(request, mission)
    wanted, errors = listing.read_filter(mission, request.GET)
    query = listing.filtered_submissions(mission, wanted)
    fmt = export_format(request)
    if fmt:
        return export_response(listing.listing_table(mission, query), fmt)
    for error in errors:
        messages.warning(request, error)
    page = Paginator(query, PER_PAGE).get_page(request.GET.get("page"))
    zone = listing.listing_zone(mission)
    return render(request, "dashboard/submissions.html", {
        "mission": mission, "page": page, "f": wanted, "choices": listing.filter_choices(mission),
        "zone": zone.key, "since": _local_input(wanted.since, zone),
        "until": _local_input(wanted.until, zone),
        "query": request.GET.urlencode(), "formats": "csv xlsx", "flag_labels": listing.FLAGS})


def _local_input(moment, zone) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _verify_selected(request, mission) -> HttpResponseRedirect:
    result = review.verify_many(mission, request.POST.getlist("ids"), request.user)
    if result.verified:
        messages.success(request, ngettext("%(n)d report verified.", "%(n)d reports verified.",
                                           len(result.verified)) % {"n": len(result.verified)})
    if result.skipped:
        messages.info(request, ngettext(
            "%(n)d selected report was not changed: only received reports are verified together.",
            "%(n)d selected reports were not changed: only received reports are verified together.",
            result.skipped) % {"n": result.skipped})
    if not result.verified and not result.skipped:
        messages.warning(request, _("Select the reports to verify."))
    back = reverse("dashboard:submissions", args=[mission.code])
    query = request.POST.get("query", "")
    return redirect(f"{back}?{query}" if query and "\n" not in query else back)


@mission_view(*STAFF)
def submission_page(request, mission, submission_id: int):
    submission = (Submission.objects.filter(mission=mission, pk=submission_id)
                  .select_related("form", "form_version", "station", "station__region", "observer",
                                  "team", "supersedes").first())
    if submission is None:
        raise Http404("No such submission")
    if request.method == "POST":
        try:
            review.set_review_state(submission, request.POST.get("state", ""), request.user,
                                    request.POST.get("note", ""))
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Review saved."))
        return redirect("dashboard:submission", mission=mission.code, submission_id=submission.pk)
    newer = Submission.objects.filter(supersedes=submission).values_list("pk", flat=True).first()
    return render(request, "dashboard/submission.html", {
        "mission": mission, "s": submission, "history": review_history(submission),
        "answers": listing.answer_rows(submission), "newer": newer,
        "evidence": list(submission.evidence.all()), "states": ReviewState.choices,
        "flag_labels": listing.FLAGS,
        "zone": submission.station.timezone if submission.station_id else mission.election.default_timezone})
