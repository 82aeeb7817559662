"""Users, their roles in missions, and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    ANALYST = "analyst", _("Analyst")
    OBSERVER = "observer", _("Observer")
    PUBLIC = "public", _("Public")


class User(AbstractUser):
    """A person who signs in. Administrators are superusers; other roles come from memberships."""

    language = models.CharField(max_length=8, default="en", choices=settings.LANGUAGES)
    phone = models.CharField(max_length=20, blank=True, help_text=_("E.164, e.g. +77011234567"))

    @property
    def is_administrator(self) -> bool:
        return self.is_active and self.is_superuser


class Membership(models.Model):
    """A user's role in one mission (coordinator, analyst or observer)."""

    MISSION_ROLES = [
        (Role.COORDINATOR.value, Role.COORDINATOR.label),
        (Role.ANALYST.value, Role.ANALYST.label),
        (Role.OBSERVER.value, Role.OBSERVER.label),
    ]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE,
                                related_name="memberships")
    role = models.CharField(max_length=16, choices=MISSION_ROLES)
    group = models.ForeignKey("missions.Group", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "mission"], name="one_role_per_mission"),
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} in {self.mission}"


class AuditEntry(models.Model):
    """One change to election or mission data: who, when, what changed."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        IMPORT = "import", _("imported")
        ACTION = "action", _("action")
        SIGN_IN = "sign_in", _("signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("sign-in failed")
        LOCKOUT = "lockout", _("locked out")
        SIGN_OUT = "sign_out", _("signed out")
        TWO_FACTOR = "two_factor", _("second factor")
        DOWNLOAD = "download", _("downloaded")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    actor = models.CharField(max_length=150, blank=True,
                             help_text=_("Who acted when there is no user: cli, sms, openrosa"))
    action = models.CharField(max_length=16, choices=Action.choices)
    model = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    mission = models.ForeignKey("missions.Mission", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    address = models.GenericIPAddressField(null=True, blank=True,
                                           help_text=_("The client's address, when a request acted"))
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        who = self.user or self.actor or "system"
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {self.model} {self.object_repr}"


class SignInCode(models.Model):
    """A one-time sign-in for one user: a short code to type, or a link (shown as a QR code).

    A coordinator issues it for an observer's phone; it is valid for a few hours and for one
    sign-in. Only keyed hashes of the code and of the link's token are stored.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="sign_in_codes")
    mission = models.ForeignKey("missions.Mission", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    code_hash = models.CharField(max_length=64)
    link_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True,
                                      help_text=_("Set when a newer code replaces it"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "used_at"])]

    def __str__(self) -> str:
        return f"sign-in code for {self.user} (expires {self.expires_at:%Y-%m-%d %H:%M})"

    def is_usable(self, now) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at
