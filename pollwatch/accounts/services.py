"""Granting roles: every membership change goes through here and into the audit log."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from . import audit
from .models import AuditEntry, Membership, Role, User


def grant_role(user: User, mission: Any, role: Role | str, actor: audit.Actor,
               group: Any = None) -> Membership:
    """Give ``user`` the ``role`` in ``mission`` (replacing any role they had there)."""
    role = Role(role)
    if role not in (Role.COORDINATOR, Role.ANALYST, Role.OBSERVER):
        raise ValueError(f"{role} is not a role within a mission")
    with transaction.atomic():
        membership = Membership.objects.filter(user=user, mission=mission).first()
        if membership and membership.role == role and membership.group == group:
            return membership
        membership = membership or Membership(user=user, mission=mission)
        membership.role = role
        membership.group = group
        audit.save_audited(membership, actor, mission=mission)
    if hasattr(user, "_pollwatch_roles"):
        del user._pollwatch_roles
    return membership


def revoke_role(user: User, mission: Any, actor: audit.Actor) -> None:
    membership = Membership.objects.filter(user=user, mission=mission).first()
    if membership:
        audit.delete_audited(membership, actor, mission=mission)


def create_user(username: str, actor: audit.Actor, *, password: str | None = None,
                email: str = "", first_name: str = "", last_name: str = "",
                language: str = "en", is_superuser: bool = False) -> User:
    """Create a user; without a password the user signs in by one-time code only."""
    user = User(username=username, email=email, first_name=first_name, last_name=last_name,
                language=language, is_superuser=is_superuser, is_staff=is_superuser)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record(actor, AuditEntry.Action.CREATE, user,
                 changes={"username": [None, username], "is_superuser": [None, is_superuser]})
    return user
