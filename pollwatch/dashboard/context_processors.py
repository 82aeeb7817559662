"""The election's clock for every page of a mission: the banner, and "today" for local times."""

from __future__ import annotations

from django.utils import dateformat

from pollwatch.missions.clock import election_now, election_zone, is_simulated

from .templatetags.dashboard import use_clock


def election_clock(request):
    """``election_clock``: the moment on the mission's clock, local to the election, and
    whether it is a simulated clock (the banner says so). Times shown with ``local_time`` carry
    their date when it is not today on that clock."""
    mission = getattr(request, "mission", None)
    if mission is None:
        use_clock(None)
        return {}
    now = election_now(mission)
    use_clock(now)
    zone = election_zone(mission)
    local = now.astimezone(zone)
    return {"election_clock": {"now": now, "local": local, "shown": dateformat.format(local, "j E Y H:i"),
                               "zone": zone.key, "simulated": is_simulated(mission)}}
