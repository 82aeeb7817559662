"""The analyst's forensics page: the screens over the official station results, laid out for
the page (fingerprint heat map, integer percentages, digits, ranked regions and stations).

The check is the results app's (:func:`pollwatch.results.verification.forensics_check`, over
:func:`pollwatch.analysis.forensics_report`), kept by :func:`pollwatch.results.computed.cached_forensics`
until the official batches or the observers' reports change; this module only lays it out, in
the page's language.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from pollwatch.analysis import BENFORD_SECOND_DIGIT
from pollwatch.elections.models import Area, Contest
from pollwatch.missions.models import Mission
from pollwatch.results.computed import Computed, cached_forensics
from pollwatch.results.reasons import forensics_reasons
from pollwatch.results.verification import FlaggedStation, ForensicsCheck

from .states import local_name


@dataclass
class ForensicsView:
    note: str
    stations: int
    leader: str
    integer: dict[str, Any] | None
    last_digit: dict[str, Any] | None
    second_digit: dict[str, Any] | None
    fingerprint: dict[str, Any] | None
    histograms: dict[str, list[int]]
    regions: list[dict[str, Any]]
    flagged: list[FlaggedStation]
    outliers_total: int
    alpha: float
    notes: list[str]

    @property
    def has_report(self) -> bool:
        return self.fingerprint is not None

    @property
    def benford(self) -> dict[str, Any] | None:
        """The second digits against Benford's law: a description, not a test."""
        return (self.second_digit or {}).get("benford")

    def chart_data(self) -> dict[str, Any]:
        """Digit counts against their expectation, and the 0.1 %-bin histograms (for Chart.js).

        The second digits tested are drawn against their expectation under the binomial null,
        with Benford's frequencies for the same number of counts beside it."""
        last = self.last_digit or {}
        second = self.second_digit or {}
        n_last, n_second = int(last.get("n") or 0), int(second.get("n") or 0)
        return {
            "last_digit": {"observed": last.get("counts", []), "expected": [n_last / 10] * 10},
            "second_digit": {"observed": second.get("counts", []),
                             "expected": [round(float(e), 1) for e in second.get("expected", [])],
                             "benford": [round(float(p) * n_second, 1) for p in BENFORD_SECOND_DIGIT]},
            "turnout": self.histograms.get("turnout", []),
            "leader": self.histograms.get("leader_share", self.histograms.get("leader", [])),
        }


def _build(mission: Mission, contest: Contest, check: ForensicsCheck) -> ForensicsView:
    if check.report is None:
        return ForensicsView(check.note, 0, "", None, None, None, None, {}, [], [], 0, 0.01, [])
    report = check.report.to_dict(limit=0)
    names = {a.code: local_name(a.name, a.translations)
             for a in Area.objects.filter(election_id=mission.election_id, depth=1)}
    leader = report["leader"]
    leader_name = {c.code: c.local_name for c in contest.choices.all()}.get(leader, leader)
    # The reasons in the page's language, the leading choice by its name.
    regions = [{**r, "name": names.get(r["region"], r["region"]),
                "reasons": list(forensics_reasons(r.get("reason_codes"), r["reasons"], leader=leader_name))}
               for r in report["regions"]]
    flagged = [dataclasses.replace(f, reasons=forensics_reasons(getattr(f, "reason_codes", ()), f.reasons,
                                                                leader=leader_name))
               for f in check.flagged]
    return ForensicsView(check.note, report["stations"], leader_name, report["integer_percentages"],
                         report["last_digit"], report["second_digit"], report["fingerprint"],
                         report["histograms"], regions, flagged, report["outliers_total"],
                         report["alpha"], report["notes"])


def forensics_view(mission: Mission, contest: Contest) -> Computed:
    """The page's view of the kept check (a :class:`ForensicsView` in ``.value``), with when
    the check was computed and whether newer data has arrived since."""
    computed = cached_forensics(mission, contest)
    return dataclasses.replace(computed, value=_build(mission, contest, computed.value))


FLAGGED_HEADER = ["contest", "station", "region", "score", "turnout", "leader_share", "reasons",
                  "observer_reports", "negative_reports", "incidents", "observed_protocol_differs"]


def flagged_table(mission: Mission, contest: Contest, view: ForensicsView) -> Any:
    from pollwatch.submissions.exports import Table

    points = {}
    if view.flagged:
        from pollwatch.elections.models import PollingStation

        points = {pk: (float(lon), float(lat)) for pk, lon, lat in PollingStation.objects.filter(
            pk__in=[f.station.pk for f in view.flagged], latitude__isnull=False)
            .values_list("pk", "longitude", "latitude")}

    def rows():
        for f in view.flagged:
            station = f.station
            yield [contest.code, station.code, station.region.local_name if station.region_id else "",
                   round(f.score, 3), round(f.turnout, 4), round(f.leader_share, 4), "; ".join(f.reasons),
                   f.reports, f.negative, f.incidents,
                   "" if f.observed_differs is None else f.observed_differs], points.get(station.pk)

    return Table(f"{mission.code}-forensics-{contest.code}", FLAGGED_HEADER, rows())
