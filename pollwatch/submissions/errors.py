"""Why a report was not accepted: raised by parsers and validation, kept on the quarantined
report, and told to the sender (API body, SMS reply, OpenRosa message)."""

from __future__ import annotations

from typing import Any

from .reasons import Reason


class Rejected(Exception):
    """A report that cannot be accepted as it is. It goes to quarantine with ``reason`` and
    ``errors`` (``[{"question", "code", "message"}]``), for a coordinator to fix or discard.

    ``code`` names the kind of failure for the sender's reply: ``unknown_sender``,
    ``unknown_form``, ``unknown_station``, ``bad_payload``, ``invalid_answers``,
    ``not_allowed``, ``bad_correction``, ``unreadable``.

    ``reason`` is English text, or a :class:`~pollwatch.submissions.reasons.Reason` (a code
    with its values, kept so that the quarantine page reads it in each person's language).
    """

    def __init__(self, code: str, reason: str | Reason, errors: list[dict[str, Any]] | None = None,
                 **context: Any):
        if isinstance(reason, Reason):
            self.reason_code, self.reason_params = reason.code, dict(reason.params)
            reason = reason.text
        else:
            self.reason_code, self.reason_params = "", {}
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.errors = errors or []
        self.context = context

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "reason": self.reason, "errors": self.errors, **self.context}
