"""Device tokens and API keys: issuing, revoking, and recognising them on a request.

A token is shown once, when issued; the database keeps its SHA-256 only (tokens are 256-bit
random strings, so a fast hash is enough and lets a request find its token in one query).
For HTTP Digest (ODK Collect) the token's HA1, ``MD5(username:realm:token)``, is kept as well.

- Observers' device tokens start with ``pwd_``; partners' API keys with ``pwk_``.
- Revoking takes effect on the next request: tokens are looked up on every request, never
  cached.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from pollwatch.accounts import audit
from pollwatch.accounts.models import AuditEntry, User
from pollwatch.missions.models import Mission, Observer

from .models import ApiKey, DeviceToken

DEVICE_PREFIX = "pwd_"
API_KEY_PREFIX = "pwk_"
DIGEST_REALM = "pollwatch"
#: ``last_used_at`` is written at most this often, so that reading a token costs no write.
TOUCH_EVERY = dt.timedelta(minutes=5)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def digest_ha1(username: str, secret: str, realm: str = DIGEST_REALM) -> str:
    return hashlib.md5(f"{username}:{realm}:{secret}".encode()).hexdigest()


@dataclass
class Principal:
    """Who is calling: an observer's or staff member's device token, or a partner's API key."""

    user: User | None = None
    observer: Observer | None = None
    api_key: ApiKey | None = None
    device_token: DeviceToken | None = None
    mission: Mission | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def label(self) -> str:
        """How the sender is written on an inbound report."""
        if self.api_key is not None:
            return f"api-key:{self.api_key.prefix}"
        if self.device_token is not None:
            return f"token:{self.device_token.prefix}"
        return f"user:{self.user.username}" if self.user else "anonymous"


def issue_device_token(user: User, actor: audit.Actor, *, label: str = "",
                       observer: Observer | None = None) -> tuple[DeviceToken, str]:
    """A new token for ``user`` (the observer's account when ``observer`` is given).

    Returns the stored row and the token itself, which is shown once and never stored.
    """
    if observer is not None and observer.user_id != user.pk:
        raise ValueError(f"{observer} does not sign in as {user}")
    secret = DEVICE_PREFIX + secrets.token_urlsafe(32)
    token = DeviceToken.objects.create(
        user=user, observer=observer, mission=observer.mission if observer else None,
        label=label[:100], token_hash=hash_secret(secret), prefix=secret[:10],
        digest_ha1=digest_ha1(user.username, secret),
        created_by=actor if isinstance(actor, User) else None,
    )
    audit.record(actor, AuditEntry.Action.CREATE, token, mission=token.mission,
                 changes={"user": [None, user.username], "label": [None, token.label]})
    return token, secret


def issue_observer_token(observer: Observer, actor: audit.Actor, *,
                         label: str = "") -> tuple[DeviceToken, str]:
    """A device token for an observer (their sign-in account is created on first need)."""
    from pollwatch.missions.services import ensure_observer_user

    user = ensure_observer_user(observer, actor)
    return issue_device_token(user, actor, label=label, observer=observer)


def revoke_device_token(token: DeviceToken, actor: audit.Actor) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.revoked_by = actor if isinstance(actor, User) else None
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(actor, AuditEntry.Action.UPDATE, token, mission=token.mission,
                 changes={"revoked_at": [None, token.revoked_at.isoformat()]})


def issue_api_key(mission: Mission, name: str, actor: audit.Actor,
                  scopes: list[str] | tuple[str, ...] = ("read",)) -> tuple[ApiKey, str]:
    unknown = set(scopes) - set(ApiKey.Scope.values)
    if unknown:
        raise ValueError(f"unknown scope {', '.join(sorted(unknown))}; use read and/or submit")
    secret = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(mission=mission, name=name[:100], key_hash=hash_secret(secret),
                                prefix=secret[:10], scopes=sorted(set(scopes)),
                                created_by=actor if isinstance(actor, User) else None)
    audit.record(actor, AuditEntry.Action.CREATE, key, mission=mission,
                 changes={"name": [None, key.name], "scopes": [None, key.scopes]})
    return key, secret


def revoke_api_key(key: ApiKey, actor: audit.Actor) -> None:
    if key.revoked_at is not None:
        return
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    audit.record(actor, AuditEntry.Action.UPDATE, key, mission=key.mission,
                 changes={"revoked_at": [None, key.revoked_at.isoformat()]})


def _touch(model: Any, row: Any) -> None:
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        model.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now


def principal_for_secret(secret: str) -> Principal | None:
    """The caller a bearer secret stands for, or None if it is unknown, revoked or inactive."""
    secret = (secret or "").strip()
    if secret.startswith(API_KEY_PREFIX):
        key = ApiKey.objects.select_related("mission").filter(
            key_hash=hash_secret(secret), revoked_at__isnull=True).first()
        if key is None:
            return None
        _touch(ApiKey, key)
        return Principal(api_key=key, mission=key.mission, scopes=frozenset(key.scopes))
    if secret.startswith(DEVICE_PREFIX):
        token = _active_token(token_hash=hash_secret(secret))
        return _principal_for_token(token) if token else None
    return None


_TOKEN_FIELDS = ("id", "user_id", "observer_id", "mission_id", "label", "prefix", "digest_ha1",
                 "last_used_at")


def _active_token(token_hash: str) -> DeviceToken | None:
    """The active token with this hash, read in one light query on every request (so a
    revoked token, a deactivated account or observer stops at once). Plain SQL: this runs for
    every report, and the ORM's query building would cost ten times the query."""
    from pollwatch.submissions.rows import select_rows, table, utc

    columns = ", ".join(f"t.{name}" for name in _TOKEN_FIELDS)
    sql = (f"SELECT {columns}, u.username FROM {table(DeviceToken)} t"
           f" JOIN {table(User)} u ON u.id = t.user_id"
           f" LEFT JOIN {table(Observer)} o ON o.id = t.observer_id"
           " WHERE t.token_hash = %s AND t.revoked_at IS NULL AND u.is_active"
           " AND (t.observer_id IS NULL OR o.is_active)")
    found = select_rows(sql, [token_hash])
    if not found:
        return None
    values = dict(zip(_TOKEN_FIELDS, found[0][:-1], strict=True))
    values["last_used_at"] = utc(values["last_used_at"])
    token = DeviceToken(**values)
    token._state.adding = False
    token.username = found[0][-1]  # type: ignore[attr-defined]
    return token


def _observer(observer_id: int) -> Observer | None:
    """The observer with their mission, election and account, from the short-lived intake
    cache (a copy, so that nothing set on it leaks into another request)."""
    from pollwatch.submissions import catalog

    def compute() -> Observer | None:
        return (Observer.objects.select_related("mission", "mission__election", "group", "user")
                .filter(pk=observer_id).first())

    observer = catalog.cached(("observer", observer_id), compute)
    if observer is None:
        return None
    observer = copy.copy(observer)
    if observer.user_id:
        observer.user = copy.copy(observer.user)
    return observer


def _principal_for_token(token: DeviceToken) -> Principal:
    _touch(DeviceToken, token)
    observer = _observer(token.observer_id) if token.observer_id else None
    user = observer.user if observer is not None and observer.user_id == token.user_id else (
        User.objects.get(pk=token.user_id))
    return Principal(user=user, observer=observer, device_token=token,
                     mission=observer.mission if observer else None,
                     scopes=frozenset({"read", "submit"}))


def principal_for_basic(username: str, secret: str) -> Principal | None:
    """HTTP Basic: the username must be the token owner's."""
    token = _active_token(token_hash=hash_secret(secret or ""))
    if token is None or token.username != username:  # type: ignore[attr-defined]
        return None
    return _principal_for_token(token)


def tokens_for_digest(username: str) -> list[DeviceToken]:
    """The active tokens of ``username``, for checking an HTTP Digest response against each."""
    return list(DeviceToken.objects.select_related("user", "observer", "observer__mission",
                                                   "observer__mission__election")
                .filter(revoked_at__isnull=True, user__is_active=True, user__username=username)
                .exclude(digest_ha1="")[:20])


def principal_for_user(user: User) -> Principal:
    """A signed-in user (session) as a principal; observers get their observer record."""
    from pollwatch.accounts.access import observer_for_user

    observer = observer_for_user(user)
    return Principal(user=user, observer=observer, mission=observer.mission if observer else None,
                     scopes=frozenset({"read", "submit"}))
