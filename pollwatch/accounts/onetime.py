"""Signing in with a one-time code or a QR code, for observers' phones.

A coordinator issues a sign-in for an observer (:func:`issue_sign_in_code`): an 8-digit code
to type together with the observer's phone number or user name, and a link carrying a long
random token, shown as a QR code (:func:`qr_svg`) to scan with the phone's camera. Either
works once, for ``SIGN_IN_CODE_HOURS`` hours (6 by default); issuing a new one revokes the
user's earlier unused ones. Failed attempts are limited per identifier and per client
address (``SIGN_IN_CODE_ATTEMPTS`` in ``SIGN_IN_CODE_WINDOW`` seconds, 5 in 15 minutes), so
the 10^8 codes cannot be tried one by one. Only keyed hashes of the code and the token are
stored.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from . import audit
from .models import AuditEntry, SignInCode, User

CODE_DIGITS = 8
_SALT = "pollwatch.accounts.onetime"


def code_hours() -> float:
    return float(getattr(settings, "SIGN_IN_CODE_HOURS", 6))


def attempt_limit() -> tuple[int, int]:
    """(failed attempts allowed, window in seconds)."""
    return (int(getattr(settings, "SIGN_IN_CODE_ATTEMPTS", 5)),
            int(getattr(settings, "SIGN_IN_CODE_WINDOW", 15 * 60)))


class CodeRefused(Exception):
    """The code or link does not sign anyone in; ``str()`` says why, for the person."""


class TooManyAttempts(CodeRefused):
    pass


@dataclass
class IssuedCode:
    """What the coordinator hands over: shown once, never stored in the clear."""

    record: SignInCode
    code: str
    token: str

    @property
    def expires_at(self) -> dt.datetime:
        return self.record.expires_at

    @property
    def display_code(self) -> str:
        """``1234 5678``: easier to read out and type."""
        return f"{self.code[:4]} {self.code[4:]}"


def _digest(value: str) -> str:
    return salted_hmac(_SALT, value, algorithm="sha256").hexdigest()


def _clean_code(code: str) -> str:
    return "".join(ch for ch in str(code or "") if ch.isdigit())


def issue_sign_in_code(user: User, actor: audit.Actor, *, mission: Any = None,
                       hours: float | None = None) -> IssuedCode:
    """A new one-time sign-in for ``user``; the user's earlier unused ones stop working."""
    if not user.is_active:
        raise ValueError(_("%(user)s is not active and cannot sign in") % {"user": user.username})
    now = timezone.now()
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        SignInCode.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now)
        record = SignInCode.objects.create(
            user=user, mission=mission, code_hash=_digest(f"{user.pk}:{code}"),
            link_hash=_digest(token), expires_at=now + dt.timedelta(hours=hours or code_hours()),
            created_by=actor if isinstance(actor, User) else None)
        audit.record(actor, AuditEntry.Action.ACTION, record, mission=mission,
                     object_repr=f"sign-in code issued for {user.username}",
                     changes={"expires_at": [None, record.expires_at.isoformat()]})
    return IssuedCode(record, code, token)


def user_for_identifier(identifier: str) -> User | None:
    """The active user a person means by a user name or a phone number (observer's or user's)."""
    from pollwatch.missions.models import Observer
    from pollwatch.missions.services import InvalidPhone, normalise_phone

    text = (identifier or "").strip()
    if not text:
        return None
    user = User.objects.filter(username__iexact=text, is_active=True).first()
    if user is not None:
        return user
    try:
        phone = normalise_phone(text, "KZ")
    except InvalidPhone:
        return None
    observer = (Observer.objects.filter(phone=phone, is_active=True, user__is_active=True)
                .select_related("user").order_by("-id").first())
    if observer is not None:
        return observer.user
    return User.objects.filter(phone=phone, is_active=True).first()


def _limited(keys: list[str]) -> bool:
    allowed, _window = attempt_limit()
    return any((cache.get(key) or 0) >= allowed for key in keys)


def _count_failure(keys: list[str]) -> None:
    _allowed, window = attempt_limit()
    for key in keys:
        if cache.add(key, 1, window):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, window)


def _attempt_keys(identifier: str, client: str) -> list[str]:
    keys = [f"signin-code:id:{_digest(identifier.strip().lower())[:32]}"]
    if client:
        keys.append(f"signin-code:client:{_digest(client)[:32]}")
    return keys


def _consume(record: SignInCode) -> User:
    """Mark ``record`` used (once, even when two requests race) and return its user."""
    now = timezone.now()
    used = SignInCode.objects.filter(pk=record.pk, used_at__isnull=True, revoked_at__isnull=True,
                                     expires_at__gt=now).update(used_at=now)
    if not used:
        raise CodeRefused(_("This code has already been used or has expired. Ask your coordinator "
                            "for a new one."))
    audit.record(record.user, AuditEntry.Action.ACTION, record, mission=record.mission,
                 object_repr=f"signed in with a one-time code: {record.user.username}")
    return record.user


def redeem_code(identifier: str, code: str, client: str = "") -> User:
    """The user whose unused, unexpired code ``code`` is, identified by ``identifier`` (user
    name or phone); the code is used up. Raises :class:`CodeRefused` (or
    :class:`TooManyAttempts`) with a message for the person."""
    keys = _attempt_keys(identifier, client)
    if _limited(keys):
        raise TooManyAttempts(_("Too many wrong codes. Wait a quarter of an hour, or ask your "
                                "coordinator for help."))
    user = user_for_identifier(identifier)
    digits = _clean_code(code)
    record = None
    if user is not None and len(digits) == CODE_DIGITS:
        wanted = _digest(f"{user.pk}:{digits}")
        now = timezone.now()
        for candidate in (SignInCode.objects.filter(user=user, expires_at__gt=now)
                          .filter(Q(used_at__isnull=True) & Q(revoked_at__isnull=True))
                          .select_related("user")):
            if hmac.compare_digest(candidate.code_hash, wanted):
                record = candidate
                break
    if record is None:
        _count_failure(keys)
        raise CodeRefused(_("This phone number (or user name) and code do not match a valid code. "
                            "Check both, or ask your coordinator for a new code."))
    return _consume(record)


def code_for_token(token: str) -> SignInCode | None:
    """The usable sign-in a link's token names, or None."""
    if not token or len(token) > 200:
        return None
    record = (SignInCode.objects.filter(link_hash=_digest(token)).select_related("user").first())
    if record is None or not record.is_usable(timezone.now()) or not record.user.is_active:
        return None
    return record


def redeem_link(token: str) -> User:
    record = code_for_token(token)
    if record is None:
        raise CodeRefused(_("This sign-in link has already been used or has expired. Ask your "
                            "coordinator for a new one."))
    return _consume(record)


def latest_codes(users: list[int]) -> dict[int, SignInCode]:
    """Each user's newest sign-in code (for the observers page)."""
    found: dict[int, SignInCode] = {}
    for record in SignInCode.objects.filter(user_id__in=users).order_by("user_id", "-created_at", "-id"):
        found.setdefault(record.user_id, record)
    return found


def qr_svg(data: str) -> str:
    """``data`` (a sign-in link) as an inline SVG QR code, drawn server-side."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg"):] if "<svg" in svg else svg
