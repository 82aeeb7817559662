"""One intake for every channel: store the raw report, parse it, accept it or quarantine it.

Every channel builds an unsaved :class:`~pollwatch.intake.models.InboundReport` (channel,
payload, sender, idempotency key, content hash) and hands it to :func:`receive`:

1. The report is parsed and its answers validated against the form version, reading only
   (cached forms, stations and assignments); nothing is written yet.
2. In one transaction the raw report is inserted and, when it was accepted, its submission
   (with the station's merged record, incident or observed protocol). A report that cannot be
   accepted is inserted in quarantine with its reason instead. If processing fails for a reason
   nobody foresaw, the raw report is still stored, in quarantine, in a fresh transaction:
   nothing is dropped.
3. The key is unique within its scope (:func:`key_scope`) among reports
   (``inbound_key_unique``) and among a mission's submissions (``submission_key_unique``). The
   scope is ``sms`` for the gateways' message ids, and the channel, mission and sender for
   keys a client chooses (an observer's app or ODK Collect, a partner's API key, a staff
   member), so no sender's key can ever block another sender's report, and a client's key can
   never equal a gateway's id. A second request with the same key in the same scope, even at
   the same moment, fails on that constraint (PostgreSQL makes it wait until the first
   commits); it is then answered from the stored report: the same content (and the same
   sender) is a retry, answered with the stored result, nothing stored but a retry count;
   other content is refused (409) and logged as a report with status ``refused``. A refusal
   names nothing but the key the sender sent.

A coordinator's :func:`reprocess_report` runs the same parse and validation on an edited
payload; :func:`discard_report` closes a quarantined report with a reason.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from pollwatch.accounts import access, audit
from pollwatch.accounts.models import AuditEntry, User
from pollwatch.missions.models import Observer
from pollwatch.submissions import reasons, rows
from pollwatch.submissions import services as submission_services
from pollwatch.submissions.errors import Rejected
from pollwatch.submissions.models import Channel, Submission

from .models import InboundReport

log = logging.getLogger(__name__)
Status = InboundReport.Status

#: channel -> function reading an InboundReport into a submissions Draft (raises Rejected).
PARSERS: dict[str, Callable[[InboundReport], Any]] = {}


def parser(*channels: str) -> Callable:
    """Register the function that reads reports of ``channels``."""

    def register(function: Callable) -> Callable:
        for channel in channels:
            PARSERS[channel] = function
        return function

    return register


def content_hash(*parts: Any) -> str:
    """A digest of what was sent and by whom: equal for a retry, different for other content."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            data = part
        elif isinstance(part, str):
            data = part.encode()
        else:
            data = json.dumps(part, sort_keys=True, separators=(",", ":"), default=str).encode()
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def storable(text: str) -> str:
    """``text`` as PostgreSQL can store it: NUL (U+0000) and lone surrogates, which it
    refuses in text and JSON, become U+FFFD. The bytes as received are kept in ``raw``."""
    return UNSTORABLE.sub("\ufffd", text) if UNSTORABLE.search(text) else text


def storable_json(value: Any) -> Any:
    """A JSON value with every string (and object key) made :func:`storable`."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable(str(k)): storable_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable_json(v) for v in value]
    return value


#: What PostgreSQL cannot store in text or JSON: NUL, and surrogates (never valid alone).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable_at(text: str) -> int | None:
    found = UNSTORABLE.search(text)
    return found.start() if found else None


def _make_storable(report: InboundReport) -> None:
    """Every text and JSON field of ``report`` storable, whatever arrived."""
    for name in ("payload", "sender", "key", "reason", "reply", "gateway", "content_type"):
        value = getattr(report, name) or ""
        setattr(report, name, storable(value))
    report.meta = storable_json(report.meta or {})
    report.reason_params = storable_json(report.reason_params or {})
    report.errors = storable_json(report.errors or [])


#: Channels whose keys share one namespace per sender: an observer's app and the web page.
_KEY_FAMILY = {Channel.WEB: Channel.API}


def key_scope(report: InboundReport) -> str:
    """Whose keys ``report``'s key is unique among: ``sms`` for the gateways' message ids
    (which no client can choose), else the channel, the mission and the sender (the observer,
    or the API key or account that sent it)."""
    if report.channel == Channel.SMS:
        return "sms"
    family = _KEY_FAMILY.get(report.channel, report.channel)
    sender = f"observer:{report.observer_id}" if report.observer_id else (report.sender or "")
    if len(sender) > 100:
        sender = "sha256:" + hashlib.sha256(sender.encode()).hexdigest()[:40]
    return f"{family}:mission:{report.mission_id or 0}:{sender}"


@dataclass
class Received:
    """What became of a report: ``accepted``, ``quarantined``, ``refused`` or ``discarded``;
    ``replayed`` when it is the stored answer to a retry."""

    status: str
    report: InboundReport
    submission: Submission | None = None
    replayed: bool = False

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    @property
    def reason(self) -> str:
        return self.report.reason

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.report.errors or [])

    @property
    def rejection_code(self) -> str:
        return (self.report.meta or {}).get("rejection", "")

    @classmethod
    def of(cls, report: InboundReport, submission: Submission | None = None,
           replayed: bool = False) -> Received:
        status = {Status.PROCESSED: "accepted", Status.QUARANTINED: "quarantined",
                  Status.DISCARDED: "discarded", Status.REFUSED: "refused"}.get(report.status,
                                                                               "quarantined")
        if submission is None and report.status == Status.PROCESSED and report.pk:
            submission = (Submission.objects.filter(inbound=report)
                          .select_related("form", "form_version", "station").order_by("id").first())
        return cls(status, report, submission, replayed)


def _parse(report: InboundReport) -> Any:
    function = PARSERS.get(report.channel)
    if function is None:
        raise Rejected("unreadable", f"no reader for the {report.channel!r} channel")
    draft = function(report)
    return submission_services.prepare_submission(draft)


def _quarantine(report: InboundReport, exc: Rejected) -> None:
    report.status = Status.QUARANTINED
    report.reason = exc.reason[:2000]
    report.reason_code, report.reason_params = exc.reason_code, exc.reason_params
    report.errors = exc.errors
    report.meta = {**(report.meta or {}), "rejection": exc.code}
    if exc.context:
        report.meta["context"] = {k: v for k, v in exc.context.items() if v not in (None, "")}


def _internal_error(report: InboundReport, exc: Exception) -> None:
    log.exception("intake: processing %s report %s failed", report.channel, report.key or "(no key)")
    why = reasons.reason("internal", detail=f"{type(exc).__name__}: {exc}")
    _quarantine(report, Rejected("internal", why))


def receive(report: InboundReport, raw: bytes | None = None) -> Received:
    """Store ``report`` (unsaved) and accept it or quarantine it; see the module docstring.

    ``raw`` is the input's bytes as received; they are kept beside the text when the text is
    not exactly their UTF-8 (``InboundReport.original_bytes()`` gives them back). Text that
    cannot be stored as it is (a NUL character) is stored with U+FFFD in its place and the
    report is quarantined: its bytes are kept, nothing is silently changed."""
    report.received_at = report.received_at or timezone.now()
    report.attempts = 1
    report.key_scope = report.key_scope or key_scope(report)
    report.key = storable(report.key or "")
    payload = report.payload or ""
    at = _unstorable_at(payload)
    if raw is None and at is not None:
        raw = payload.encode("utf-8", "surrogatepass")
    report.payload = storable(payload)
    if raw is not None:
        report.raw = None if raw == report.payload.encode("utf-8") else bytes(raw)
    prepared = None
    try:
        if at is not None:
            raise Rejected("unreadable", (
                f"the report has a character that cannot be stored as text (U+{ord(payload[at]):04X}) "
                f"at character {at + 1}; it is kept byte for byte and shown here as U+FFFD: "
                "fix the text and re-process"))
        prepared = _parse(report)
        report.status = Status.PROCESSED
    except Rejected as exc:
        _quarantine(report, exc)
    except Exception as exc:  # noqa: BLE001 - store the raw report whatever went wrong
        _internal_error(report, exc)
    _make_storable(report)
    try:
        with transaction.atomic():
            submission = _store(report, prepared)
        return Received.of(report, submission)
    except IntegrityError:
        _unsave(report)
        if not report.key:
            raise
        return _answer_repeated_key(report)
    except Rejected as exc:
        _unsave(report)
        _quarantine(report, exc)
    except Exception as exc:  # noqa: BLE001
        _unsave(report)
        _internal_error(report, exc)
    _make_storable(report)
    return _store_quarantined(report)


def _store(report: InboundReport, prepared: Any) -> Submission | None:
    """Insert the report and, when it was accepted, its submission (one statement on
    PostgreSQL) and what follows from it. Call inside a transaction."""
    if prepared is None:
        rows.insert_row(report)
        return None
    return submission_services.record_submission(prepared, report)


def _unsave(report: InboundReport) -> None:
    """Forget the id a rolled-back insert gave the instance, so it can be inserted again."""
    report.pk = None
    report._state.adding = True


def _store_quarantined(report: InboundReport) -> Received:
    try:
        with transaction.atomic():
            rows.insert_row(report)
    except IntegrityError:
        _unsave(report)
        return _answer_repeated_key(report)
    return Received.of(report)


def _answer_repeated_key(report: InboundReport) -> Received:
    """A report whose key is taken: a retry gets the stored result, other content a refusal."""
    existing = (InboundReport.objects.filter(key_scope=report.key_scope, key=report.key)
                .exclude(status=Status.REFUSED).order_by("id").first())
    if existing is not None and existing.content_hash == report.content_hash:
        InboundReport.objects.filter(pk=existing.pk).update(retries=F("retries") + 1,
                                                            last_retry_at=timezone.now())
        return Received.of(existing, replayed=True)
    report.status = Status.REFUSED
    # Only the key the sender sent: nothing of the stored report (its id, sender or content).
    why = reasons.reason("key_reused", key=report.key)
    report.reason, report.reason_code, report.reason_params = why.text, why.code, why.params
    report.errors = []
    report.meta = {**(report.meta or {}), "rejection": "key_reused",
                   "original": existing.pk if existing else None}
    _make_storable(report)
    rows.insert_row(report)
    log.warning("intake: refused %s report: key %s reused with other content", report.channel,
                report.key)
    return Received("refused", report)


def reprocess_report(report: InboundReport, payload: str, actor: audit.Actor, *,
                     observer: Observer | None = None) -> Received:
    """Run a quarantined report again with ``payload`` (edited by a coordinator), optionally
    attributed to ``observer`` (an SMS from a number not on the roster). The report keeps its
    key and content hash, so the sender's retries of the original now get the new result."""
    access.require_inbound_handler(actor, report, observer)
    with transaction.atomic():
        report = InboundReport.objects.select_for_update().get(pk=report.pk)
        if report.status != Status.QUARANTINED:
            raise ValueError(f"report #{report.pk} is {report.get_status_display().lower()}, "
                             "not in quarantine")
        before = {"payload": report.payload, "status": report.status, "observer": report.observer_id}
        report.payload = storable(payload)
        if observer is not None:
            report.observer, report.mission = observer, observer.mission
            report.sender = report.sender or f"observer:{observer.pk}"
        report.attempts += 1
        report.handled_by = actor if isinstance(actor, User) else None
        report.handled_at = timezone.now()
        submission = None
        try:
            prepared = _parse(report)
            with transaction.atomic():
                submission = submission_services.record_submission(prepared, report)
            report.status, report.reason, report.errors = Status.PROCESSED, "", []
            report.reason_code, report.reason_params = "", {}
        except Rejected as exc:
            _quarantine(report, exc)
        _make_storable(report)
        report.save()
        after = {"payload": report.payload, "status": report.status, "observer": report.observer_id}
        audit.record(actor, AuditEntry.Action.ACTION, report, mission=report.mission,
                     object_repr=f"re-processed {report}",
                     changes={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return Received.of(report, submission)


def discard_report(report: InboundReport, reason: str, actor: audit.Actor) -> InboundReport:
    """Close a quarantined report without counting it; the reason is kept and audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("say why the report is discarded")
    access.require_inbound_handler(actor, report)
    with transaction.atomic():
        report = InboundReport.objects.select_for_update().get(pk=report.pk)
        if report.status != Status.QUARANTINED:
            raise ValueError(f"report #{report.pk} is {report.get_status_display().lower()}, "
                             "not in quarantine")
        report.status = Status.DISCARDED
        if report.reason:
            report.reason_params = {"note": reason, "was": report.reason, "was_code": report.reason_code,
                                    "was_params": report.reason_params or {}}
            report.reason_code = "discarded"
            report.reason = f"{reason} (was: {report.reason})"
        else:
            report.reason, report.reason_code, report.reason_params = reason, "", {}
        report.handled_by = actor if isinstance(actor, User) else None
        report.handled_at = timezone.now()
        report.reason_params = storable_json(report.reason_params)
        report.save(update_fields=["status", "reason", "reason_code", "reason_params", "handled_by",
                                   "handled_at"])
        audit.record(actor, AuditEntry.Action.ACTION, report, mission=report.mission,
                     object_repr=f"discarded {report}",
                     changes={"status": [Status.QUARANTINED, Status.DISCARDED], "reason": [None, reason]})
    return report


def quarantine_for_mission(mission: Any, status: str = Status.QUARANTINED):
    """The mission's reports in ``status`` (quarantined by default), newest first."""
    return (InboundReport.objects.filter(mission=mission, status=status)
            .select_related("observer", "handled_by").order_by("-received_at", "-id"))
