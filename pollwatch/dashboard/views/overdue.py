"""Overdue reports: who to call, by duty (opening, voting, closing, protocol)."""

from __future__ import annotations

from django.shortcuts import render

from pollwatch.accounts.access import STAFF, mission_view
from pollwatch.missions.clock import election_now

from ..services.overdue import DUTIES, DUTY_LABELS, overdue_reports, overdue_table
from ._common import choice, export_format, export_response


@mission_view(*STAFF)
def overdue_page(request, mission):
    duty = choice(request, "duty", DUTIES)
    now = election_now(mission)
    reports = overdue_reports(mission, now, duty or None)
    fmt = export_format(request)
    if fmt:
        return export_response(overdue_table(mission, reports), fmt)
    counts = dict.fromkeys(DUTIES, 0)
    for report in reports:
        counts[report.duty] += 1
    return render(request, "dashboard/overdue.html", {
        "mission": mission, "reports": reports, "duty": duty, "formats": "csv xlsx",
        "duties": [(d, DUTY_LABELS[d], counts[d]) for d in DUTIES], "now": now})
