"""Sending SMS through the configured gateway (``SMS_GATEWAY``), for notices to observers.

Intake answers incoming SMS in the webhook's reply; a notice is sent on the mission's
initiative, so it needs the gateway's sending API. One small interface, :class:`Gateway`
(``send(to, text) -> SendResult``), with a backend per gateway:

- ``log`` (the default, used by the demo and the tests): writes the message to the log and
  keeps it in :data:`OUTBOX`; nothing leaves the machine;
- ``twilio``: the Messages API (``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``,
  ``TWILIO_FROM_NUMBER``);
- ``telerivet``: the REST API's send (``TELERIVET_API_KEY``, ``TELERIVET_PROJECT_ID``);
- ``rapidpro``: a broadcast (``RAPIDPRO_URL``, ``RAPIDPRO_API_TOKEN``).

Errors never raise: a failed send is a :class:`SendResult` with ``ok=False`` and the reason,
stored on the delivery for the coordinator to see and retry.
"""

from __future__ import annotations

import base64
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings

log = logging.getLogger(__name__)
TIMEOUT = 10

#: Messages the ``log`` gateway "sent" in this process: (to, text, message id).
OUTBOX: list[tuple[str, str, str]] = []


@dataclass
class SendResult:
    ok: bool
    message_id: str = ""
    error: str = ""


class Gateway(Protocol):
    name: str

    def send(self, to: str, text: str) -> SendResult: ...


class LogGateway:
    name = "log"

    def send(self, to: str, text: str) -> SendResult:
        message_id = f"log-{len(OUTBOX) + 1}"
        OUTBOX.append((to, text, message_id))
        log.info("SMS to %s (%s): %s", to, message_id, text)
        return SendResult(True, message_id)


def _post(url: str, data: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - configured URL
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            body = json.loads(exc.read() or b"{}")
        except ValueError:
            body = {}
        return exc.code, body


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _failure(gateway: str, status: int, body: Any) -> SendResult:
    detail = body.get("message") or body.get("error") or body if isinstance(body, dict) else body
    return SendResult(False, error=f"{gateway} answered {status}: {detail}"[:500])


class TwilioGateway:
    name = "twilio"

    def send(self, to: str, text: str) -> SendResult:
        sid, token = settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN
        if not (sid and token and settings.TWILIO_FROM_NUMBER):
            return SendResult(False, error="TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER "
                                           "must be set")
        fields = {"To": to, "From": settings.TWILIO_FROM_NUMBER, "Body": text}
        site = getattr(settings, "SITE_URL", "").rstrip("/")
        if site:  # delivery reports come back to /sms/status/twilio/
            fields["StatusCallback"] = f"{site}/sms/status/twilio/"
        data = urllib.parse.urlencode(fields).encode()
        try:
            status, body = _post(f"https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json", data,
                                 {"Authorization": _basic(sid, token),
                                  "Content-Type": "application/x-www-form-urlencoded"})
        except (OSError, ValueError) as exc:
            return SendResult(False, error=f"twilio: {exc}")
        if status in (200, 201):
            return SendResult(True, str(body.get("sid", "")))
        return _failure("twilio", status, body)


class TelerivetGateway:
    name = "telerivet"

    def send(self, to: str, text: str) -> SendResult:
        key, project = settings.TELERIVET_API_KEY, settings.TELERIVET_PROJECT_ID
        if not (key and project):
            return SendResult(False, error="TELERIVET_API_KEY and TELERIVET_PROJECT_ID must be set")
        try:
            status, body = _post(f"https://api.telerivet.com/v1/projects/{project}/messages/send",
                                 json.dumps({"to_number": to, "content": text}).encode(),
                                 {"Authorization": _basic(key, ""), "Content-Type": "application/json"})
        except (OSError, ValueError) as exc:
            return SendResult(False, error=f"telerivet: {exc}")
        if status == 200:
            return SendResult(True, str(body.get("id", "")))
        return _failure("telerivet", status, body)


class RapidProGateway:
    name = "rapidpro"

    def send(self, to: str, text: str) -> SendResult:
        base, token = settings.RAPIDPRO_URL.rstrip("/"), settings.RAPIDPRO_API_TOKEN
        if not (base and token):
            return SendResult(False, error="RAPIDPRO_URL and RAPIDPRO_API_TOKEN must be set")
        try:
            status, body = _post(f"{base}/api/v2/broadcasts.json",
                                 json.dumps({"urns": [f"tel:{to}"], "text": text}).encode(),
                                 {"Authorization": f"Token {token}", "Content-Type": "application/json"})
        except (OSError, ValueError) as exc:
            return SendResult(False, error=f"rapidpro: {exc}")
        if status in (200, 201):
            return SendResult(True, str(body.get("id", "")))
        return _failure("rapidpro", status, body)


GATEWAYS: dict[str, type] = {"log": LogGateway, "twilio": TwilioGateway, "telerivet": TelerivetGateway,
                             "rapidpro": RapidProGateway}


def gateway() -> Gateway:
    """The configured gateway; an unknown ``SMS_GATEWAY`` is an error naming the choices."""
    name = getattr(settings, "SMS_GATEWAY", "log") or "log"
    if name not in GATEWAYS:
        raise ValueError(f"SMS_GATEWAY={name!r} is not one of {', '.join(GATEWAYS)}")
    return GATEWAYS[name]()
