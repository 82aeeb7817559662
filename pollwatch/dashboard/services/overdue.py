"""Overdue reports: teams whose report is not in by its due time, with the phone to call.

For each phase (opening, voting, closing and counting) a team's report is in when the
mission holds a current, non-test submission of the phase's checklist for the assignment's
station counted for that team. The result protocol is due with the closing report: a team on
a closing assignment is overdue for the protocol until a protocol of any contest arrives from
that station. Due times are ``Assignment.report_due_at`` (UTC), shown in the station's zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from pollwatch.missions.models import Assignment, Mission, Observer, Phase, Team
from pollwatch.submissions.models import ObservedProtocol, Submission

from .states import local_name

PROTOCOL = "protocol"
#: What can be overdue: the three phases' checklists and the result protocol.
DUTIES = (Phase.OPENING.value, Phase.VOTING.value, Phase.CLOSING.value, PROTOCOL)
DUTY_LABELS = {Phase.OPENING.value: _("Opening"), Phase.VOTING.value: _("Voting"),
               Phase.CLOSING.value: _("Closing and counting"), PROTOCOL: _("Result protocol")}


@dataclass
class OverdueReport:
    duty: str
    assignment_id: int
    team: Team
    station_id: int
    station_code: str
    station_name: str
    region: str
    timezone: str
    due_at: dt.datetime
    now: dt.datetime

    @property
    def due_local(self) -> dt.datetime:
        return self.due_at.astimezone(zoneinfo.ZoneInfo(self.timezone))

    @property
    def late_minutes(self) -> int:
        return int((self.now - self.due_at).total_seconds() // 60)

    @property
    def phone(self) -> str:
        return self.team.contact_phone()

    @property
    def duty_label(self) -> str:
        return str(DUTY_LABELS[self.duty])


def _teams(mission: Mission) -> dict[int, Team]:
    members = Prefetch("members", queryset=Observer.objects.order_by("full_name"))
    return {team.pk: team for team in Team.objects.filter(mission=mission)
            .select_related("leader", "group").prefetch_related(members)}


def _reported_pairs(mission: Mission, duty: str) -> set[tuple[int, int | None]]:
    """(station id, team id) of reports in; team None for reports not counted for a team."""
    if duty == PROTOCOL:
        rows = ObservedProtocol.objects.filter(
            mission=mission, is_current=True, submission__is_test=False,
        ).values_list("station_id", "submission__team_id")
    else:
        rows = Submission.objects.filter(
            mission=mission, form__kind=duty, is_current=True, is_test=False, station__isnull=False,
        ).values_list("station_id", "team_id")
    return set(rows)


def overdue_reports(mission: Mission, now: dt.datetime, duty: str | None = None) -> list[OverdueReport]:
    """Every assignment whose report for ``duty`` (all duties by default) is overdue at
    ``now``, the longest overdue first. A report from another team at the same station does
    not count for this one; a report counted for no team (a partner's) counts for all."""
    duties = [duty] if duty else list(DUTIES)
    if any(d not in DUTIES for d in duties):
        raise ValueError(f"{duty!r} is not one of {', '.join(DUTIES)}")
    teams = _teams(mission)
    found: list[OverdueReport] = []
    for item in duties:
        phase = Phase.CLOSING.value if item == PROTOCOL else item
        reported = _reported_pairs(mission, item)
        due = (Assignment.objects.filter(team__mission=mission, phase=phase, report_due_at__lt=now)
               .values_list("pk", "team_id", "station_id", "station__code", "station__name",
                            "station__region__name", "station__timezone", "report_due_at",
                            "station__region__translations"))
        for pk, team_id, station_id, code, name, region, zone, due_at, names in due:
            region = local_name(region or "", names)  # the region in the page's language
            if (station_id, team_id) in reported or (station_id, None) in reported:
                continue
            found.append(OverdueReport(item, pk, teams[team_id], station_id, code, name, region or "",
                                       zone, due_at, now))
    found.sort(key=lambda r: (r.due_at, DUTIES.index(r.duty), r.station_code))
    return found


OVERDUE_HEADER = ["duty", "station", "station_name", "region", "team", "phone", "due_local", "due_utc",
                  "minutes_late", "timezone"]


def overdue_table(mission: Mission, reports: list[OverdueReport]):
    from pollwatch.submissions.exports import Table

    def rows():
        for r in reports:
            yield [r.duty, r.station_code, r.station_name, r.region, r.team.code, r.phone,
                   r.due_local.isoformat(), r.due_at.isoformat(), r.late_minutes, r.timezone], None

    return Table(f"{mission.code}-overdue", OVERDUE_HEADER, rows())
