"""The mission's observed protocols, as the results pages read them.

An observed protocol counts when it is current and its submission is current and not a test.
Where several observers copied the protocol of one station, :func:`observed_by_station` picks
one reading for the station: the newest that reconciles, else the newest.
"""

from __future__ import annotations

from django.db.models import QuerySet

from pollwatch.elections.models import Contest
from pollwatch.missions.models import Mission
from pollwatch.submissions.models import ObservedProtocol


def observed_protocols(mission: Mission, contest: Contest) -> QuerySet[ObservedProtocol]:
    return (ObservedProtocol.objects
            .filter(mission=mission, contest=contest, is_current=True,
                    submission__is_current=True, submission__is_test=False)
            .select_related("station", "station__region", "submission", "submission__observer")
            .order_by("station__code", "-submission__received_at", "-id"))


def observed_by_station(mission: Mission, contest: Contest) -> dict[int, ObservedProtocol]:
    """One observed protocol per station: the newest that reconciles, else the newest."""
    chosen: dict[int, ObservedProtocol] = {}
    for protocol in observed_protocols(mission, contest):
        current = chosen.get(protocol.station_id)
        if current is None or (protocol.reconciles and not current.reconciles):
            chosen[protocol.station_id] = protocol
    return chosen
