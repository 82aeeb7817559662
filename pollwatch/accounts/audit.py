"""The audit log: every service that writes election or mission data records here.

An *actor* is the user who acted, or an explicit :class:`SystemActor` when no person did (a
command, the demo build, an observer's report arriving through intake). Services that check a
right (``access.require_actor_role``) let a ``SystemActor`` through and refuse anything else
that is not a ``User``; a bare string label (``"test"``) is still written to the log by the
services that check no right, but it never passes a permission check. Changes are stored as
``{"field": [old, new]}``.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
import ipaddress
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile

from .models import AuditEntry, User


class System:
    """The parts of pollwatch that act without a person."""

    CLI = "cli"
    DEMO = "demo"
    INTAKE = "intake"
    IMPORT = "import"
    SMS = "sms"


@dataclass(frozen=True)
class SystemActor:
    """pollwatch itself acting: ``SystemActor(System.CLI)``, or on an observer's behalf
    (``SystemActor.for_observer(observer)``, logged as ``observer:<id>``)."""

    label: str

    def __post_init__(self) -> None:
        if not self.label:
            raise ValueError("a system actor needs a label")

    @classmethod
    def for_observer(cls, observer: Any) -> SystemActor:
        return cls(f"observer:{observer.pk}")

    def __str__(self) -> str:
        return self.label


CLI = SystemActor(System.CLI)
DEMO = SystemActor(System.DEMO)
INTAKE = SystemActor(System.INTAKE)

Actor = User | SystemActor
# What the audit log accepts: an ``Actor``, or a bare label from older callers (no right).
Loggable = User | SystemActor | str | None


def json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's concrete field values, JSON-safe (foreign keys as ids)."""
    values = {}
    for field in instance._meta.concrete_fields:
        values[field.attname] = json_value(getattr(instance, field.attname))
    return values


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{"field": [old, new]}`` for the fields that differ."""
    before = before or {}
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value and name != "id"
    }


def _split_actor(actor: Loggable) -> tuple[User | None, str]:
    if isinstance(actor, User):
        return (actor if actor.pk else None), ""
    if isinstance(actor, SystemActor):
        return None, actor.label
    return None, (actor or "system")


def record(
    actor: Loggable,
    action: str,
    instance: models.Model | None = None,
    *,
    model: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    mission: Any = None,
) -> AuditEntry:
    """Write one audit entry."""
    user, label = _split_actor(actor)
    if instance is not None:
        model = model or instance._meta.label
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)[:255]
    return AuditEntry.objects.create(
        user=user,
        actor=label,
        action=action,
        model=model,
        object_id=object_id,
        object_repr=object_repr[:255],
        changes=changes or {},
        mission=mission,
        **request_context(),
    )


def save_audited(instance: models.Model, actor: Loggable, *, mission: Any = None,
                 update_fields: Iterable[str] | None = None) -> AuditEntry | None:
    """Save ``instance`` and log what changed; nothing is logged when nothing changed."""
    creating = instance.pk is None or instance._state.adding
    before = None
    if not creating:
        old = type(instance)._default_manager.filter(pk=instance.pk).first()
        before = snapshot(old) if old is not None else None
        creating = old is None
    instance.save(update_fields=update_fields)
    changes = diff(before, snapshot(instance))
    if not creating and not changes:
        return None
    action = AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE
    return record(actor, action, instance, changes=changes, mission=mission)


def delete_audited(instance: models.Model, actor: Loggable, *, mission: Any = None) -> None:
    """Delete ``instance`` and log its last values."""
    changes = {name: [value, None] for name, value in snapshot(instance).items()}
    record(actor, AuditEntry.Action.DELETE, instance, changes=changes, mission=mission)
    instance.delete()


# --- Who asked: the client's address and browser, and security events (sign-in, downloads) ---

#: The request being served; its address and user agent are read only when an entry is written.
_REQUEST: contextvars.ContextVar[Any] = contextvars.ContextVar("pollwatch_audit_request", default=None)


def client_address(request: Any) -> str | None:
    """The client's IP address, read past ``TRUSTED_PROXY_COUNT`` proxies.

    Each trusted proxy appends the address it was reached from to ``X-Forwarded-For``; the one
    appended by the outermost trusted proxy is the client. Whatever a client writes in the header
    itself stays to the left of it and is never believed. Also django-axes' address callable.
    """
    meta = getattr(request, "META", None) or {}
    remote = _valid_ip(meta.get("REMOTE_ADDR", ""))
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if trusted <= 0:
        return remote
    forwarded = [part.strip() for part in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < trusted:
        return remote
    return _valid_ip(forwarded[-trusted]) or remote


def _valid_ip(value: str) -> str | None:
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.5:443
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def request_details(request: Any) -> dict[str, Any]:
    meta = getattr(request, "META", None) or {}
    agent = str(meta.get("HTTP_USER_AGENT", "")).replace("\x00", "")
    return {"address": client_address(request), "user_agent": agent[:255]}


def request_context() -> dict[str, Any]:
    """The address and user agent of the request being served, for :func:`record`."""
    request = _REQUEST.get()
    return request_details(request) if request is not None else {"address": None, "user_agent": ""}


@contextlib.contextmanager
def acting_request(request: Any):
    """Entries recorded inside carry ``request``'s address and user agent."""
    token = _REQUEST.set(request)
    try:
        yield
    finally:
        _REQUEST.reset(token)


def _with_request(request: Any, func: Any, *args: Any, **kwargs: Any) -> AuditEntry:
    if request is None or _REQUEST.get() is not None:
        return func(*args, **kwargs)
    with acting_request(request):
        return func(*args, **kwargs)


def _signed_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is None or not getattr(user, "pk", None):
        return
    _with_request(request, record, user, AuditEntry.Action.SIGN_IN, user,
                  object_repr=f"{user.get_username()} signed in")


def _signed_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is None or not getattr(user, "pk", None):
        return
    _with_request(request, record, user, AuditEntry.Action.SIGN_OUT, user,
                  object_repr=f"{user.get_username()} signed out")


def _named_user(username: str) -> User | None:
    if not username:
        return None
    return User.objects.filter(username__iexact=username).first()


def _sign_in_failed(sender: Any, credentials: dict | None = None, request: Any = None,
                    **kwargs: Any) -> None:
    username = str((credentials or {}).get("username", "") or "")[:150].replace("\x00", "")
    user = _named_user(username)
    locked = bool(getattr(request, "axes_locked_out", False))
    _with_request(request, record, "anonymous", AuditEntry.Action.SIGN_IN_FAILED,
                  model=User._meta.label, object_id=str(user.pk) if user else "",
                  object_repr=f"failed sign-in as {username or '(no user name)'}",
                  changes={"refused_while_locked_out": locked} if locked else {})


def _locked_out(sender: Any, request: Any = None, username: str = "", ip_address: Any = None,
                **kwargs: Any) -> None:
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:  # refused while already locked out: recorded as a failed sign-in
        return
    username = str(username or "")[:150]
    user = _named_user(username)
    _with_request(request, record, "anonymous", AuditEntry.Action.LOCKOUT,
                  model=User._meta.label, object_id=str(user.pk) if user else "",
                  object_repr=f"{username or '(no user name)'} locked out",
                  changes={"failures": failures,
                           "minutes": getattr(settings, "SIGN_IN_LOCKOUT_MINUTES", 15)})


def connect_signals() -> None:
    """Called once from the app's ``ready()``."""
    from axes.signals import user_locked_out
    from django.contrib.auth import signals

    signals.user_logged_in.connect(_signed_in, dispatch_uid="pollwatch-audit-sign-in")
    signals.user_logged_out.connect(_signed_out, dispatch_uid="pollwatch-audit-sign-out")
    signals.user_login_failed.connect(_sign_in_failed, dispatch_uid="pollwatch-audit-failed")
    user_locked_out.connect(_locked_out, dispatch_uid="pollwatch-audit-lockout")


#: Responses that carry an export: recorded as downloads when a signed-in user receives one.
EXPORT_TYPES = {
    "text/csv": "CSV",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/pdf": "PDF",
}


def export_kind(response: Any) -> str:
    """``"CSV"``, ``"XLSX"``, ``"PDF"`` or ``"NIST"`` when ``response`` is an export, else ``""``."""
    if getattr(response, "status_code", 0) != 200:
        return ""
    content_type = str(response.get("Content-Type", "")).split(";")[0].strip().lower()
    disposition = str(response.get("Content-Disposition", ""))
    if content_type in EXPORT_TYPES:
        return EXPORT_TYPES[content_type]
    if "attachment" in disposition.lower():
        if "nist" in disposition.lower():
            return "NIST"
        return content_type.rsplit("/", 1)[-1].upper() or "FILE"
    return ""


def _filename(disposition: str) -> str:
    marker = "filename="
    if marker not in disposition:
        return ""
    return disposition.split(marker, 1)[1].split(";")[0].strip().strip('"')[:200]


def record_download(request: Any, response: Any) -> AuditEntry | None:
    """One audit row for an export a signed-in user downloaded: who, what, from where."""
    kind = export_kind(response)
    user = getattr(request, "user", None)
    if not kind or not (user is not None and user.is_authenticated):
        return None
    mission = getattr(request, "mission", None)
    path = request.get_full_path()[:255]
    filename = _filename(str(response.get("Content-Disposition", "")))
    return _with_request(request, record, user, AuditEntry.Action.DOWNLOAD,
                         model="export", object_id=kind, object_repr=(filename or path)[:255],
                         changes={"path": path, "format": kind, "file": filename},
                         mission=mission if getattr(mission, "pk", None) else None)
