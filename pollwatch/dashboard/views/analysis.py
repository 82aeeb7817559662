"""The analyst's pages: the quick count and the forensic screens."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from pollwatch.accounts.access import STAFF, mission_view

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


def _contest(request, contests):
    if not contests:
        return None
    wanted = request.GET.get("contest", "")
    if wanted and wanted not in {c.code for c in contests}:
        raise Http404("No such contest")
    return next((c for c in contests if c.code == wanted), contests[0])


@mission_view(*STAFF)
def quick_count_page(request, mission):
    contests = qc.contests_of(mission)
    contest = _contest(request, contests)
    computed = qc.cached_quick_count(mission, contest) if contest else None
    check = computed.value if computed else None
    rows = check.rows(contest) if check and check.result else []
    fmt = export_format(request)
    if fmt and contest:
        return export_response(qc.quick_count_table(mission, contest, check, rows), fmt)
    return render(request, "dashboard/quickcount.html", {
        "mission": mission, "contests": contests, "contest": contest, "check": check, "computed": computed,
        "rows": [r for r in rows if r["choice"] not in ("turnout", "invalid")],
        "extra_rows": [r for r in rows if r["choice"] in ("turnout", "invalid")],
        "arrival": qc.sample_arrival(mission, contest) if contest else [],
        "chart": qc.chart_data(rows), "formats": "csv xlsx", "chart_words": chart_words()})


@mission_view(*STAFF)
def forensics_page(request, mission):
    contests = qc.contests_of(mission)
    contest = _contest(request, contests)
    computed = forensics_service.forensics_view(mission, contest) if contest else None
    view = computed.value if computed else None
    fmt = export_format(request)
    if fmt and view:
        return export_response(forensics_service.flagged_table(mission, contest, view), fmt)
    return render(request, "dashboard/forensics.html", {
        "mission": mission, "contests": contests, "contest": contest, "view": view, "computed": computed,
        "charts": view.chart_data() if view and view.has_report else None, "chart_words": chart_words()})
