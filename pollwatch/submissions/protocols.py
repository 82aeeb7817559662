"""Observed result protocols: the figures an observer copied, checked with the election's
control equations. A protocol that does not reconcile is kept and flagged, never rejected."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .models import ObservedProtocol, Submission

FLAG = "protocol_does_not_reconcile"


def figures_and_votes(submission: Submission) -> tuple[dict[str, int], dict[str, int]]:
    """The protocol lines and the votes per choice code in a submission's answers."""
    from pollwatch.checklists.services import protocol_from_answers

    figures, votes = protocol_from_answers(submission.form, submission.answers,
                                           version=submission.form_version)
    return dict(figures or {}), dict(votes or {})


def check_figures(figures: Mapping[str, int], votes: Mapping[str, int],
                  equations: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The failing control equations, each ``{"equation", "expression", "lhs", "rhs",
    "difference"}``, by ``pollwatch.analysis.protocols``. An equation that uses a line the
    observer did not copy (or the sum of the choices when no votes were copied) is not
    evaluated."""
    from pollwatch.analysis.protocols import Equation, check_protocol

    failures: list[dict[str, Any]] = []
    for data in equations:
        equation = Equation.from_dict(data)
        if equation.uses_choices() and not votes:
            continue
        row: dict[str, Any] = dict.fromkeys(equation.columns())
        row.update(figures)
        row.update(votes)
        for failure in check_protocol(row, [equation], choices=list(votes)):
            failures.append({"equation": failure.equation, "expression": failure.expression,
                             "lhs": failure.lhs, "rhs": failure.rhs,
                             "difference": failure.difference})
    return failures


def record_protocol(submission: Submission, superseded: Submission | None) -> ObservedProtocol | None:
    """Store the protocol a submission carries (if any), check it, flag it when it fails."""
    figures, votes = figures_and_votes(submission)
    if not figures and not votes:
        return None
    if superseded is not None:
        ObservedProtocol.objects.filter(submission=superseded).update(is_current=False)
    contest = submission.form.contest
    if contest is None:
        return None
    equations = submission.mission.election.equations()
    failures = check_figures(figures, votes, equations)
    district_id = None
    if contest.has_districts and submission.station_id:
        from pollwatch.elections.models import StationDistrict

        district_id = (StationDistrict.objects.filter(station_id=submission.station_id, contest=contest)
                       .values_list("district_id", flat=True).first())
    protocol = ObservedProtocol.objects.create(
        submission=submission, mission_id=submission.mission_id, station_id=submission.station_id,
        contest=contest, district_id=district_id, figures=figures, votes=votes,
        reconciles=not failures, failures=failures, is_current=True)
    if failures:
        names = ", ".join(f["equation"] for f in failures)
        submission.flags = [*submission.flags, {"code": FLAG, "message": f"fails {names}",
                                                "failures": failures}]
        Submission.objects.filter(pk=submission.pk).update(flags=submission.flags)
    return protocol
