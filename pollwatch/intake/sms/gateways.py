"""SMS gateways' webhooks: how each one posts a message, proves who it is, and takes a reply.

Each ``read_<gateway>(request)`` checks the gateway's credential and returns an
:class:`InboundSms`, or raises :class:`GatewayRefused` (the view answers 403 and stores
nothing: an unauthenticated request is not a report). Each ``reply_<gateway>(text)`` renders
the answer in the shape the gateway sends back to the phone.

=========  ==============================================  ==============================
gateway    credential                                      reply
=========  ==============================================  ==============================
twilio     ``X-Twilio-Signature`` (HMAC-SHA1, auth token)  TwiML ``<Message>``
telerivet  ``secret`` field (TELERIVET_WEBHOOK_SECRET)     JSON ``{"messages": [...]}``
rapidpro   ``Authorization: Token <secret>`` or            JSON ``{"message": ...}``
           ``?secret=`` (RAPIDPRO_WEBHOOK_SECRET)
generic    ``secret`` field, ``?secret=`` or               plain text (Kannel sends it
           ``X-Pollwatch-Secret`` (GENERIC_SMS_SECRET)     back as the reply), or JSON
=========  ==============================================  ==============================
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

log = logging.getLogger(__name__)

DEFAULT_GENERIC_FIELDS = "sender=from,text=text,id=id"


class GatewayRefused(Exception):
    """A webhook request that does not prove it comes from the configured gateway."""

    def __init__(self, gateway: str, reason: str, status: int = 403):
        super().__init__(f"{gateway}: {reason}")
        self.gateway = gateway
        self.reason = reason
        self.status = status


@dataclass
class InboundSms:
    gateway: str
    sender: str
    text: str
    message_id: str = ""
    to: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    received_at: dt.datetime | None = None  # now, unless replaying (the demo's election day)
    raw: bytes | None = None  # the text's bytes as the gateway sent them, when known

    @property
    def raw_text(self) -> bytes:
        """The text's bytes as received (its UTF-8 when the gateway's bytes are not known)."""
        return self.raw if self.raw is not None else self.text.encode("utf-8", "surrogatepass")

    @property
    def key(self) -> str:
        """The idempotency key: the gateway's message id, or a digest of sender and text when
        the gateway gives none (so a resent identical message is still stored once)."""
        if self.message_id:
            return f"{self.gateway}:{self.message_id}"[:128]
        digest = hashlib.sha256(f"{self.sender}\n{self.text}".encode()).hexdigest()[:40]
        return f"{self.gateway}:sha256:{digest}"


def _same(expected: str, given: str) -> bool:
    return bool(expected) and hmac.compare_digest(expected.encode(), (given or "").encode())


def _require_secret(gateway: str, configured: str, given: str) -> None:
    if not configured:
        raise GatewayRefused(gateway, "no webhook secret is configured for this gateway")
    if not _same(configured, given):
        raise GatewayRefused(gateway, "wrong or missing secret")


def _params(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else request.GET


def raw_param(request: HttpRequest, name: str) -> bytes | None:
    """The bytes of field ``name`` exactly as sent (percent-decoded, not decoded as UTF-8),
    from the query string or a form-encoded body; None when they cannot be known."""
    from urllib.parse import parse_qsl

    sources = [request.META.get("QUERY_STRING", "")]
    if request.method == "POST":
        if request.content_type != "application/x-www-form-urlencoded":
            return None
        sources.insert(0, request.body.decode("latin-1"))
    for source in sources:
        for key, value in parse_qsl(source, keep_blank_values=True, encoding="latin-1"):
            if key == name:
                return value.encode("latin-1")
    return None


# --- Twilio --------------------------------------------------------------------------------

def twilio_signature(auth_token: str, url: str, params: Any) -> str:
    """Twilio's request signature: HMAC-SHA1 of the URL followed by each POST parameter's
    name and value, sorted by name, base64-encoded."""
    data = url
    names = sorted(set(params.keys())) if params else []
    for name in names:
        values = params.getlist(name) if hasattr(params, "getlist") else [params[name]]
        for value in sorted(set(values)):
            data += f"{name}{value}"
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _url_variants(url: str) -> list[str]:
    """The URL with and without its default port, as Twilio may have signed either."""
    parts = urlsplit(url)
    variants = [url]
    host = parts.hostname or ""
    if parts.port is None:
        default = 443 if parts.scheme == "https" else 80
        variants.append(urlunsplit(parts._replace(netloc=f"{host}:{default}")))
    else:
        variants.append(urlunsplit(parts._replace(netloc=host)))
    return variants


def _request_urls(request: HttpRequest) -> list[str]:
    urls = [request.build_absolute_uri()]
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    if site:
        urls.append(site + request.get_full_path())
    out: list[str] = []
    for url in urls:
        out += [u for u in _url_variants(url) if u not in out]
    return out


def read_twilio(request: HttpRequest) -> InboundSms:
    token = settings.TWILIO_AUTH_TOKEN
    if not token:
        raise GatewayRefused("twilio", "TWILIO_AUTH_TOKEN is not configured")
    given = request.headers.get("X-Twilio-Signature", "")
    if not any(_same(twilio_signature(token, url, request.POST), given)
               for url in _request_urls(request)):
        raise GatewayRefused("twilio", "the X-Twilio-Signature does not match")
    post = request.POST
    return InboundSms("twilio", post.get("From", ""), post.get("Body", ""),
                      post.get("MessageSid") or post.get("SmsSid", ""), post.get("To", ""),
                      {"account": post.get("AccountSid", ""), "media": post.get("NumMedia", "0")},
                      raw=raw_param(request, "Body"))


def reply_twilio(text: str) -> HttpResponse:
    body = '<?xml version="1.0" encoding="UTF-8"?><Response>'
    if text:
        body += f"<Message>{escape(text)}</Message>"
    return HttpResponse(body + "</Response>", content_type="text/xml; charset=utf-8")


# --- Telerivet -----------------------------------------------------------------------------

def read_telerivet(request: HttpRequest) -> InboundSms | None:
    """The message, or None for events other than an incoming SMS (send status...)."""
    post = request.POST
    _require_secret("telerivet", settings.TELERIVET_WEBHOOK_SECRET, post.get("secret", ""))
    if post.get("event", "incoming_message") != "incoming_message":
        return None
    return InboundSms("telerivet", post.get("from_number_e164") or post.get("from_number", ""),
                      post.get("content", ""), post.get("id", ""), post.get("to_number", ""),
                      {"phone_id": post.get("phone_id", ""), "project_id": post.get("project_id", ""),
                       "message_type": post.get("message_type", "")},
                      raw=raw_param(request, "content"))


def reply_telerivet(text: str) -> HttpResponse:
    return JsonResponse({"messages": [{"content": text}] if text else []})


# --- RapidPro / TextIt ---------------------------------------------------------------------

def _rapidpro_secret(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("token "):
        return header[6:].strip()
    return request.GET.get("secret", "") or request.POST.get("secret", "")


def _strip_urn(urn: str) -> str:
    """``tel:+77011234501`` -> ``+77011234501``."""
    return urn.split(":", 1)[1] if ":" in urn else urn


def read_rapidpro_channel(request: HttpRequest) -> InboundSms:
    """The External channel's receive shape: ``from``, ``text``, optional ``id`` and ``date``
    as form fields or query parameters."""
    _require_secret("rapidpro", settings.RAPIDPRO_WEBHOOK_SECRET, _rapidpro_secret(request))
    params = _params(request)
    sender = params.get("from") or params.get("sender", "")
    return InboundSms("rapidpro", _strip_urn(sender), params.get("text", ""),
                      params.get("id", "") or params.get("msg_id", ""), params.get("to", ""),
                      {"date": params.get("date", "")}, raw=raw_param(request, "text"))


def read_rapidpro_flow(request: HttpRequest) -> InboundSms:
    """A flow's "Call webhook" POST: the default JSON body (``contact``, ``input``, ``run``)
    or a flat ``{"urn"|"from", "text", "id"}`` body written in the flow."""
    _require_secret("rapidpro", settings.RAPIDPRO_WEBHOOK_SECRET, _rapidpro_secret(request))
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise GatewayRefused("rapidpro", "the body is not JSON", status=400)
    if not isinstance(body, dict):
        raise GatewayRefused("rapidpro", "the body is not a JSON object", status=400)
    given = body.get("input") if isinstance(body.get("input"), dict) else {}
    contact = body.get("contact") if isinstance(body.get("contact"), dict) else {}
    run = body.get("run") if isinstance(body.get("run"), dict) else {}
    urn = str(given.get("urn") or contact.get("urn") or body.get("urn") or body.get("from") or "")
    text = str(given.get("text") or body.get("text") or "")
    message_id = str(given.get("uuid") or body.get("id") or "")
    if not message_id and run.get("uuid"):
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        message_id = f"run:{run['uuid']}:{digest}"
    flow = body.get("flow") if isinstance(body.get("flow"), dict) else {}
    return InboundSms("rapidpro", _strip_urn(urn), text, message_id, "",
                      {"contact": contact.get("uuid", ""), "flow": flow.get("name", ""),
                       "run": run.get("uuid", "")})


def reply_rapidpro(text: str, ok: bool = True) -> HttpResponse:
    return JsonResponse({"message": text, "ok": ok})


# --- Generic form post (FrontlineSMS, Kannel, ...) -----------------------------------------

def generic_fields() -> dict[str, str]:
    """Which request fields hold the sender, the text and the message id.

    From ``GENERIC_SMS_FIELDS`` (``sender=from,text=text,id=id`` by default): Kannel's
    ``get-url`` might use ``sender=p,text=a,id=I`` with ``?p=%p&a=%a&I=%I``.
    """
    spec = getattr(settings, "GENERIC_SMS_FIELDS", "") or DEFAULT_GENERIC_FIELDS
    fields = dict(part.split("=", 1) for part in spec.split(",") if "=" in part)
    defaults = dict(part.split("=", 1) for part in DEFAULT_GENERIC_FIELDS.split(","))
    return {name: fields.get(name, default).strip() for name, default in defaults.items()}


def read_generic(request: HttpRequest) -> InboundSms:
    params = _params(request)
    given = (params.get("secret") or request.GET.get("secret")
             or request.headers.get("X-Pollwatch-Secret", ""))
    _require_secret("generic", settings.GENERIC_SMS_SECRET, given)
    names = generic_fields()
    sender, text = params.get(names["sender"], ""), params.get(names["text"], "")
    if not sender:
        raise GatewayRefused("generic", f"the request has no {names['sender']!r} field (the sender)",
                             status=400)
    return InboundSms("generic", sender, text, params.get(names["id"], ""), params.get("to", ""),
                      raw=raw_param(request, names["text"]))


def reply_generic(request: HttpRequest, text: str) -> HttpResponse:
    if request.GET.get("reply") == "json" or "json" in request.headers.get("Accept", ""):
        return JsonResponse({"reply": text})
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
