"""Reviewing submissions: staff read a report and mark it verified, as having issues (with a
comment) or rejected (with the reason); a rejected report is left out of the findings
(:func:`pollwatch.submissions.aggregates.counted_submissions`).

Every change is kept twice: as a :class:`~.models.SubmissionReview` (the history shown on the
submission's page) and in the audit log.

Who may review is decided a layer up, as for incidents: pages, the API and commands call
:mod:`pollwatch.dashboard.services.review`, which asks the permission layer
(``accounts.access``: staff of the submission's mission only, observers never) and then these
functions (``submissions`` sits below ``accounts.access``, see docs/architecture-layers.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pollwatch.accounts import audit
from pollwatch.accounts.models import AuditEntry, User

from .models import ReviewState, Submission, SubmissionReview

#: The states whose change must say why.
NOTE_REQUIRED = {ReviewState.HAS_ISSUES: gettext_lazy("Say what the issues are."),
                 ReviewState.REJECTED: gettext_lazy("Say why the report is rejected.")}
#: What bulk verification changes: reports not looked at yet. One with issues or rejected is
#: changed on its own page, where its comment is read.
BULK_VERIFIED_FROM = {ReviewState.RECEIVED}


def _clean(state: str, note: str) -> tuple[ReviewState, str]:
    if state not in ReviewState.values:
        raise ValueError(_("Unknown review state %(state)s.") % {"state": repr(state)})
    note = (note or "").strip()
    if state in NOTE_REQUIRED and not note:
        raise ValueError(str(NOTE_REQUIRED[ReviewState(state)]))
    return ReviewState(state), note


def _record(submission: Submission, previous: str, state: str, note: str,
            actor: Any) -> SubmissionReview:
    user = actor if isinstance(actor, User) else None
    review = SubmissionReview.objects.create(
        submission=submission, previous=previous, state=state, note=note, by=user,
        actor="" if user else str(actor))
    changes: dict[str, Any] = {"review_state": [previous, state]}
    if note:
        changes["note"] = [None, note]
    audit.record(actor, AuditEntry.Action.UPDATE, submission, mission=submission.mission,
                 object_repr=f"submission {submission.pk} {previous} -> {state}", changes=changes)
    return review


def change_review_state(submission: Submission, state: str, actor: Any,
                        note: str = "") -> SubmissionReview | None:
    """Give ``submission`` the review ``state`` with ``note`` (required when it has issues or
    is rejected). The same state again with a new note is kept as a comment; the same state
    without a note changes nothing and returns ``None``.

    Raises ``ValueError`` for an unknown state or a missing note. The caller has checked
    that ``actor`` may review (:func:`pollwatch.dashboard.services.review.set_review_state`).
    """
    target, note = _clean(state, note)
    with transaction.atomic():
        locked = (Submission.objects.select_for_update(of=("self",)).select_related("mission")
                  .get(pk=submission.pk))
        previous = locked.review_state
        if previous == target and not note:
            return None
        Submission.objects.filter(pk=locked.pk).update(review_state=target)
        locked.review_state = target
        review = _record(locked, previous, target, note, actor)
    submission.review_state = target
    return review


@dataclass
class BulkResult:
    """What bulk verification did: the submissions it verified and those it left (already
    verified, with issues, rejected, or not of the mission)."""

    verified: list[int] = field(default_factory=list)
    skipped: int = 0


def verify_received(mission: Any, submission_ids: Iterable[int | str], actor: Any,
                    note: str = "") -> BulkResult:
    """Verify the mission's submissions among ``submission_ids`` that are still received, in
    one transaction, each change in the history and the audit log. Ids of other missions'
    submissions are skipped as if they did not exist. The caller has checked that ``actor``
    may review (:func:`pollwatch.dashboard.services.review.verify_many`)."""
    wanted = {int(pk) for pk in submission_ids if str(pk).strip().isdigit() and len(str(pk).strip()) < 19}
    result = BulkResult()
    note = (note or "").strip()
    with transaction.atomic():
        found = list(Submission.objects.select_for_update(of=("self",)).select_related("mission")
                     .filter(mission=mission, pk__in=wanted).order_by("id"))
        for submission in found:
            if submission.review_state not in BULK_VERIFIED_FROM:
                continue
            previous = submission.review_state
            submission.review_state = ReviewState.VERIFIED
            _record(submission, previous, ReviewState.VERIFIED, note, actor)
            result.verified.append(submission.pk)
        if result.verified:
            Submission.objects.filter(pk__in=result.verified).update(review_state=ReviewState.VERIFIED)
    result.skipped = len(wanted) - len(result.verified)
    return result


def review_history(submission: Submission) -> list[SubmissionReview]:
    """The submission's review changes, oldest first, with who made them."""
    return list(submission.reviews.select_related("by").order_by("at", "id"))
