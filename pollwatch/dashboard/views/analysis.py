"""The analyst's pages: the quick count and the forensic screens.

They are the mission's only quick count and forensics pages: the results app's former
addresses (``results/<contest>/quick-count/`` and ``.../forensics/``) redirect here.
"""

from __future__ import annotations

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from pollwatch.accounts.access import STAFF, mission_view
from pollwatch.elections.models import Contest

from ..services import forensics as forensics_service
from ..services import quickcount as qc
from ._common import export_format, export_response


def chart_words() -> dict[str, str]:
    """The charts' words in the page's language."""
    # xgettext:no-python-format
    return {"interval": _("95 % interval"), "estimate": _("Estimate"), "official": _("Official"),
            "share_axis": _("per cent of valid votes"), "observed": _("Observed"), "uniform": _("Uniform"),
            "benford": _("Benford"), "binomial": _("Expected (binomial null)"), "stations": _("Stations"),
            "turnout_axis": _("turnout, %")}


def _contest(request, mission, contests):
    """The contest asked for with ``?contest=`` (any contest of the election; one outside the
    tabs gets a tab of its own), else the first of the tabs."""
    wanted = request.GET.get("contest", "")
    if wanted and wanted not in {c.code for c in contests}:
        contest = Contest.objects.filter(election_id=mission.election_id, code=wanted).first()
        if contest is None:
            raise Http404("No such contest")
        contests.append(contest)
        return contest
    if not contests:
        return None
    return next((c for c in contests if c.code == wanted), contests[0])


@mission_view(*STAFF)
def quick_count_page(request, mission):
    contests = qc.contests_of(mission)
    contest = _contest(request, mission, contests)
    found = qc.estimates(mission, contest) if contest else None
    computed = found.computed if found else None
    check = found.check if found else None
    rows = found.rows() if found else []
    fmt = export_format(request)
    if fmt and found:
        if request.GET.get("by") == "region":
            return export_response(qc.by_region_table(mission, found), fmt)
        return export_response(qc.quick_count_table(mission, found.contest, check, rows), fmt)
    areas = qc.regions_of(mission) if contest else []
    return render(request, "dashboard/quickcount.html", {
        "mission": mission, "contests": contests, "contest": contest, "check": check, "computed": computed,
        "rows": [r for r in rows if r["choice"] not in ("turnout", "invalid")],
        "extra_rows": [r for r in rows if r["choice"] in ("turnout", "invalid")],
        "regions": found.region_rows() if found else [], "region_names": qc.region_names(areas),
        "arrival": qc.sample_arrival(mission, contest, areas) if contest else [],
        "chart": qc.chart_data(rows), "formats": "csv xlsx", "chart_words": chart_words()})


@mission_view(*STAFF)
def forensics_page(request, mission):
    contests = qc.contests_of(mission)
    contest = _contest(request, mission, contests)
    computed = forensics_service.forensics_view(mission, contest) if contest else None
    view = computed.value if computed else None
    fmt = export_format(request)
    if fmt and view:
        return export_response(forensics_service.flagged_table(mission, contest, view), fmt)
    return render(request, "dashboard/forensics.html", {
        "mission": mission, "contests": contests, "contest": contest, "view": view, "computed": computed,
        "charts": view.chart_data() if view and view.has_report else None, "chart_words": chart_words()})


def _moved(request, mission, contest: str, name: str, **extra: str) -> HttpResponsePermanentRedirect:
    query = request.GET.copy()
    query["contest"] = contest
    for key, value in extra.items():
        query[key] = value
    return HttpResponsePermanentRedirect(f"{reverse(name, args=[mission.code])}?{query.urlencode()}")


@mission_view(*STAFF)
def results_quick_count(request, mission, contest):
    """The results app's former quick count page: its tables are the regions of this one, its
    CSV this page's export by region."""
    by_region = {"by": "region"} if request.GET.get("format") else {}
    return _moved(request, mission, contest, "dashboard:quick_count", **by_region)


@mission_view(*STAFF)
def results_forensics(request, mission, contest):
    """The results app's former forensics page."""
    return _moved(request, mission, contest, "dashboard:forensics")
