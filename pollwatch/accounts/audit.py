"""The audit log: every service that writes election or mission data records here.

An *actor* is the user who acted, or an explicit :class:`SystemActor` when no person did (a
command, the demo build, an observer's report arriving through intake). Services that check a
right (``access.require_actor_role``) let a ``SystemActor`` through and refuse anything else
that is not a ``User``; a bare string label (``"test"``) is still written to the log by the
services that check no right, but it never passes a permission check. Changes are stored as
``{"field": [old, new]}``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

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
