"""Which phase of election day is under way at a polling station at a moment: the one rule.

At a station, in its own time zone and hours, on election day:

- **opening** until the opening report is due (opening time plus the mission's opening
  deadline), and at any moment before that, days before included;
- **closing and counting** from the station's closing time on, days after included (the count
  is what is left to follow);
- **voting** in between.

Pages without a station (the coverage tabs' default) use the same rule with the election's
default hours (:data:`~pollwatch.elections.models.DEFAULT_OPENS_AT` to
:data:`~pollwatch.elections.models.DEFAULT_CLOSES_AT`) in its default time zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from pollwatch.elections.models import DEFAULT_CLOSES_AT, DEFAULT_OPENS_AT, PollingStation

from .models import Mission, Phase


def phase_at(mission: Mission, zone: zoneinfo.ZoneInfo | str, opens_at: dt.time,
             closes_at: dt.time, moment: dt.datetime) -> str:
    """The phase under way at ``moment`` (aware) at a station opening at ``opens_at`` and
    closing at ``closes_at`` (local wall-clock times in ``zone``) on election day."""
    if isinstance(zone, str):
        zone = zoneinfo.ZoneInfo(zone or "UTC")
    day = mission.election.date
    opens = dt.datetime.combine(day, opens_at, tzinfo=zone)
    closes = dt.datetime.combine(day, closes_at, tzinfo=zone)
    if moment < opens + dt.timedelta(minutes=mission.report_deadline_minutes(Phase.OPENING)):
        return Phase.OPENING
    if moment >= closes:
        return Phase.CLOSING
    return Phase.VOTING


def phase_under_way(mission: Mission, station: PollingStation, moment: dt.datetime) -> str:
    """The phase under way at ``station`` at ``moment``, by its own hours and time zone."""
    return phase_at(mission, station.zone, station.opens_at, station.closes_at, moment)


def mission_phase_under_way(mission: Mission, moment: dt.datetime) -> str:
    """The phase under way at ``moment`` for a page without a station: the same rule with the
    election's default hours in its default time zone."""
    return phase_at(mission, mission.election.default_timezone or "UTC", DEFAULT_OPENS_AT,
                    DEFAULT_CLOSES_AT, moment)
