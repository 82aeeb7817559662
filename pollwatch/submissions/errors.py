"""Why a report was not accepted: raised by parsers and validation, kept on the quarantined
report, and told to the sender (API body, SMS reply, OpenRosa message)."""

from __future__ import annotations

from typing import Any


class Rejected(Exception):
    """A report that cannot be accepted as it is. It goes to quarantine with ``reason`` and
    ``errors`` (``[{"question", "code", "message"}]``), for a coordinator to fix or discard.

    ``code`` names the kind of failure for the sender's reply: ``unknown_sender``,
    ``unknown_form``, ``unknown_station``, ``bad_payload``, ``invalid_answers``,
    ``not_allowed``, ``bad_correction``, ``unreadable``.
    """

    def __init__(self, code: str, reason: str, errors: list[dict[str, Any]] | None = None,
                 **context: Any):
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.errors = errors or []
        self.context = context

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "reason": self.reason, "errors": self.errors, **self.context}
