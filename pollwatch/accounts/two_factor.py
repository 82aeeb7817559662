"""A second factor for staff: an authenticator app (TOTP) and recovery codes (django-otp).

Administrators, coordinators and analysts (:func:`access.holds_staff_role`) enrol an app by
scanning a QR code (:func:`start_enrolment`, :func:`confirm_enrolment`); confirming it gives
ten recovery codes, shown once, each good for one sign-in (only keyed hashes are stored).
After the password, a staff user with a confirmed app types its code or a recovery code
(:func:`verify`). ``STAFF_TWO_FACTOR = "required"`` sends staff without an app to enrol one;
``"optional"`` lets them choose. Observers sign in with their one-time codes and device tokens
and are never asked. An administrator can reset a user's second factor (:func:`reset`), e.g.
for a lost phone; the user then enrols again. Each step is in the audit log.
"""

from __future__ import annotations

import secrets
from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import access, audit
from .models import AuditEntry, User

RECOVERY_CODES = 10
APP_NAME = "authenticator app"
RECOVERY_NAME = "recovery codes"
_SALT = "pollwatch.accounts.two_factor"


def required() -> bool:
    return getattr(settings, "STAFF_TWO_FACTOR", "required") != "optional"


def app_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def is_enrolled(user: User) -> bool:
    return app_device(user) is not None


def needs_second_factor(user: User) -> bool:
    """Whether ``user``'s session must be verified with a second factor before anything else."""
    if not access.holds_staff_role(user):
        return False
    return required() or is_enrolled(user)


SESSION_KEY = "pollwatch_two_factor_enrolled"


def enrolled_in_session(request) -> bool:
    """Whether the signed-in user has an app, read once per session (set at sign-in) so that
    pages do not ask the database on every request."""
    enrolled = request.session.get(SESSION_KEY)
    if enrolled is None:
        enrolled = request.session[SESSION_KEY] = is_enrolled(request.user)
    return bool(enrolled)


def remember_enrolment(sender, request=None, user=None, **kwargs) -> None:
    """``user_logged_in`` receiver: note in the new session whether the user has an app."""
    session = getattr(request, "session", None)
    if session is not None and user is not None and access.holds_staff_role(user):
        session[SESSION_KEY] = is_enrolled(user)


def start_enrolment(user: User) -> TOTPDevice:
    """The unconfirmed app the user is setting up (the same one until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    """The device key in base32, in groups of four, for an app that cannot scan."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def _clean(token: str) -> str:
    return "".join(ch for ch in str(token or "").lower() if ch.isalnum())[:32]


def _stored(code: str) -> str:
    """What is stored for a recovery code: a keyed hash (StaticToken holds 16 characters)."""
    return salted_hmac(_SALT, _clean(code), algorithm="sha256").hexdigest()[:16]


def confirm_enrolment(user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the app with a code it shows; returns the new recovery codes, or None if the code
    is wrong. Any earlier app of the user's is replaced."""
    if device.user_id != user.pk or device.confirmed:
        return None
    digits = _clean(token)
    if not digits.isdigit() or not device.verify_token(digits):
        audit.record(user, AuditEntry.Action.TWO_FACTOR, user,
                     object_repr=f"wrong code while enrolling an app: {user.username}")
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(user)
        audit.record(user, AuditEntry.Action.TWO_FACTOR, user,
                     object_repr=f"second factor enrolled: {user.username}",
                     changes={"device": [None, APP_NAME], "recovery_codes": [None, len(codes)]})
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
        StaticToken.objects.create(device=device, token=_stored(raw))
    return codes


def new_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes for an enrolled user; the unused old ones stop working."""
    if not is_enrolled(user):
        raise ValueError("set up an authenticator app first")
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        audit.record(user, AuditEntry.Action.TWO_FACTOR, user,
                     object_repr=f"new recovery codes: {user.username}",
                     changes={"recovery_codes": [None, len(codes)]})
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify(user: User, token: str):
    """The device that accepts ``token`` (an app's code, or a recovery code, used up), or None.

    Wrong codes slow the device down (django-otp's throttling) and are audited."""
    cleaned = _clean(token)
    device = None
    app = app_device(user)
    if app is not None and cleaned.isdigit() and len(cleaned) == app.digits:
        device = app if app.verify_token(cleaned) else None
    elif cleaned:
        for static in StaticDevice.objects.filter(user=user, confirmed=True):
            if _use_recovery_code(static, cleaned):
                device = static
                break
    if device is None:
        audit.record(user, AuditEntry.Action.TWO_FACTOR, user,
                     object_repr=f"wrong second-factor code: {user.username}")
        return None
    if isinstance(device, StaticDevice):
        audit.record(user, AuditEntry.Action.TWO_FACTOR, user,
                     object_repr=f"signed in with a recovery code: {user.username}",
                     changes={"recovery_codes_left": [None, recovery_codes_left(user)]})
    return device


def _use_recovery_code(device: StaticDevice, code: str) -> bool:
    """Use the code up, once even when two requests race (django-otp's throttling kept)."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return False
    if StaticToken.objects.filter(device=device, token=_stored(code)).delete()[0]:
        device.throttle_reset(commit=False)
        device.set_last_used_timestamp(commit=False)
        device.save()
        return True
    device.throttle_increment()
    return False


def reset(user: User, actor: audit.Actor) -> int:
    """Remove ``user``'s app and recovery codes (a lost phone); returns how many were removed."""
    with transaction.atomic():
        removed = (TOTPDevice.objects.filter(user=user, confirmed=True).count()
                   + StaticDevice.objects.filter(user=user).count())
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record(actor, AuditEntry.Action.TWO_FACTOR, user,
                     object_repr=f"second factor reset: {user.username}",
                     changes={"devices_removed": [removed, 0]})
    return removed
