"""HTTP Basic and Digest authentication with device tokens, for ODK Collect and Enketo.

The username is the observer's username; the password is one of their device tokens. Basic
sends the token itself, so use it only over HTTPS (ODK Collect refuses Basic over plain
HTTP). Digest (RFC 7616, MD5, ``qop=auth``) proves knowledge of the token without sending
it: the server keeps ``MD5(username:pollwatch:token)`` for each token. A nonce is a
timestamp and random bytes signed with the SECRET_KEY, and lives ``INTAKE_DIGEST_NONCE_SECONDS``
(5 minutes by default). Each nonce count (``nc``) of a nonce is accepted once: the pair is
recorded in the database (:class:`~pollwatch.intake.models.DigestNonceUse`, shared by every
worker), so a captured header replayed, even with another body, gets 401. An expired or used
nonce gets a fresh challenge with ``stale=true``, on which ODK Collect retries at once with the
new nonce. ``Authorization: Bearer <token>`` is accepted as well.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import re
import secrets
import time

from django.conf import settings
from django.http import HttpRequest

from .credentials import DIGEST_REALM, Principal, principal_for_basic, principal_for_secret, tokens_for_digest

#: Nonces older than this (seconds) are stale; ``INTAKE_DIGEST_NONCE_SECONDS`` overrides it.
NONCE_LIFETIME = 5 * 60
_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _sign(text: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


def nonce_lifetime() -> int:
    return int(getattr(settings, "INTAKE_DIGEST_NONCE_SECONDS", NONCE_LIFETIME))


def make_nonce(now: float | None = None) -> str:
    """A timestamp and random bytes, signed: no two challenges share a nonce."""
    stamp = f"{int(now if now is not None else time.time())}.{secrets.token_hex(8)}"
    return base64.b64encode(f"{stamp}:{_sign(stamp)}".encode()).decode()


def nonce_state(nonce: str, now: float | None = None) -> str:
    """``fresh``, ``stale`` (well signed but expired) or ``bad``."""
    try:
        stamp, signature = base64.b64decode(nonce.encode(), validate=True).decode().split(":", 1)
        issued = int(stamp.split(".", 1)[0])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return "bad"
    if not hmac.compare_digest(signature, _sign(stamp)):
        return "bad"
    age = (now if now is not None else time.time()) - issued
    return "fresh" if -60 <= age <= nonce_lifetime() else "stale"


def use_nonce(nonce: str, nc: str) -> bool:
    """Record one use of ``nonce`` with count ``nc``; False when that pair was used before
    (a replayed header) or ``nc`` is not a count. One INSERT; concurrent replays race on the
    unique constraint, so exactly one of them wins."""
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from .models import DigestNonceUse

    try:
        count = int(nc, 16)
    except (TypeError, ValueError):
        return False
    if not 0 < count < 1 << 62 or len(nonce) > 128:
        return False
    now = timezone.now()
    try:
        with transaction.atomic():
            DigestNonceUse.objects.create(nonce=nonce, nc=count, used_at=now)
    except IntegrityError:
        return False
    if secrets.randbelow(100) == 0:  # now and then, forget uses of nonces long expired
        expired = now - dt.timedelta(seconds=nonce_lifetime() + 120)
        DigestNonceUse.objects.filter(used_at__lt=expired).delete()
    return True


def challenge(stale: bool = False) -> str:
    """The ``WWW-Authenticate`` value offering Digest, then Basic."""
    opaque = secrets.token_hex(8)
    digest = (f'Digest realm="{DIGEST_REALM}", qop="auth", algorithm=MD5, nonce="{make_nonce()}", '
              f'opaque="{opaque}"' + (", stale=true" if stale else ""))
    return f'{digest}, Basic realm="{DIGEST_REALM}", charset="UTF-8"'


def parse_digest(header: str) -> dict[str, str]:
    return {m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3))
            for m in _PARAM.finditer(header)}


def digest_response(ha1: str, method: str, params: dict[str, str]) -> str:
    ha2 = _md5(f"{method}:{params.get('uri', '')}")
    if params.get("qop"):
        return _md5(f"{ha1}:{params['nonce']}:{params.get('nc', '')}:{params.get('cnonce', '')}:"
                    f"{params['qop']}:{ha2}")
    return _md5(f"{ha1}:{params['nonce']}:{ha2}")


class StaleNonce(Exception):
    pass


def _digest(request: HttpRequest, header: str) -> Principal | None:
    params = parse_digest(header)
    needed = {"username", "nonce", "uri", "response"}
    if not needed <= set(params) or params.get("realm", DIGEST_REALM) != DIGEST_REALM:
        return None
    if params.get("algorithm", "MD5").upper() != "MD5" or params.get("qop") != "auth":
        return None  # qop=auth is required: without it there is no count to track replays
    if params["uri"] != request.get_full_path() and params["uri"] != request.path:
        return None
    state = nonce_state(params["nonce"])
    if state == "bad":
        return None
    from .credentials import _principal_for_token

    for token in tokens_for_digest(params["username"]):
        expected = digest_response(token.digest_ha1, request.method or "GET", params)
        if hmac.compare_digest(expected, params["response"]):
            if state == "stale":
                raise StaleNonce()
            if token.observer_id and not token.observer.is_active:
                return None
            if not use_nonce(params["nonce"], params.get("nc", "")):
                raise StaleNonce()  # a replayed header: a fresh challenge
            return _principal_for_token(token)
    return None


def authenticate(request: HttpRequest) -> Principal | None:
    """The caller, from ``Authorization`` (Digest, Basic or Bearer), or None. Raises
    :class:`StaleNonce` when a Digest answer is right but its nonce has expired or its
    nonce count was used before."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "digest":
        return _digest(request, value)
    if scheme == "basic":
        try:
            username, _, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None
        return principal_for_basic(username, password)
    if scheme == "bearer":
        return principal_for_secret(value.strip())
    return None
