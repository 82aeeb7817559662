"""The election's clock: the moment every election-day page measures against.

Normally it is the real time. A mission may stand its clock still (``Mission.clock_frozen_at``)
so that a demo or a training day, whose reports were sent on an election day in the past, reads
as that day: lateness in minutes and hours of the day, the reports due, the phase under way. Pages
that show a clock standing still say so in a banner.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from .models import Mission


def election_now(mission: Mission) -> dt.datetime:
    """The moment on the election's clock (aware, UTC): the mission's frozen moment if it has
    one, the real time otherwise."""
    return mission.clock_frozen_at or timezone.now()


def is_simulated(mission: Mission) -> bool:
    """Whether the mission's clock stands still at a moment other than the real time."""
    return mission.clock_frozen_at is not None


def election_zone(mission: Mission) -> zoneinfo.ZoneInfo:
    """The election's default time zone (UTC when it names none)."""
    return zoneinfo.ZoneInfo(mission.election.default_timezone or "UTC")


def election_today(mission: Mission) -> dt.date:
    """The date on the election's clock, in the election's default time zone."""
    return election_now(mission).astimezone(election_zone(mission)).date()
