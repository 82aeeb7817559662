"""Reviewing submissions, with the right checked: staff of the submission's mission (analysts,
coordinators, administrators) and pollwatch's own commands review; an observer never does, not
even through intake acting on their behalf. Pages, the API and commands call these; the writes
(state, history, audit log) are :mod:`pollwatch.submissions.review`'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from pollwatch.accounts import access, audit
from pollwatch.submissions import review
from pollwatch.submissions.models import Submission, SubmissionReview

BulkResult = review.BulkResult


def require_reviewer(actor: Any, mission: Any) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may review the mission's submissions."""
    if isinstance(actor, audit.SystemActor) and actor.label.startswith("observer:"):
        raise PermissionDenied(_("Observers do not review submissions"))
    access.require_actor_role(actor, mission, access.STAFF, _("review submissions"))


def set_review_state(submission: Submission, state: str, actor: Any,
                     note: str = "") -> SubmissionReview | None:
    """Give ``submission`` the review ``state`` (received, verified, has issues, rejected) with
    ``note``, required for issues and a rejection (:func:`.review.change_review_state`).

    Raises ``PermissionDenied`` for an actor who is not staff of the submission's mission and
    ``ValueError`` for an unknown state or a missing note.
    """
    require_reviewer(actor, submission.mission_id)
    return review.change_review_state(submission, state, actor, note)


def verify_many(mission: Any, submission_ids: Iterable[int | str], actor: Any,
                note: str = "") -> BulkResult:
    """Verify the mission's submissions among ``submission_ids`` that are still received
    (:func:`.review.verify_received`); ``PermissionDenied`` for anyone but its staff."""
    require_reviewer(actor, mission)
    return review.verify_received(mission, submission_ids, actor, note)
