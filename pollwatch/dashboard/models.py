"""Notices to observers and the state of each one's delivery."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pollwatch.elections.models import Area
from pollwatch.missions.models import Group, Mission, Observer


class Notice(models.Model):
    """A message from the mission's staff to all observers, a group, or the teams of a region:
    shown on the observers' page, and sent by SMS through the configured gateway."""

    class Audience(models.TextChoices):
        ALL = "all", _("All observers")
        GROUP = "group", _("A group")
        REGION = "region", _("The teams of a region")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="notices")
    audience = models.CharField(max_length=16, choices=Audience.choices)
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    region = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    by_sms = models.BooleanField(default=True, help_text=_("Also send it by SMS"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"notice to {self.audience_label}: {self.text[:40]}"

    @property
    def audience_label(self) -> str:
        if self.audience == self.Audience.GROUP and self.group_id:
            return self.group.local_name
        if self.audience == self.Audience.REGION and self.region_id:
            return self.region.local_name
        return str(self.get_audience_display())


class Delivery(models.Model):
    """One observer's copy of a notice: its SMS state and whether they saw it on their page."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        PAGE = "page", _("On the page only")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    observer = models.ForeignKey(Observer, on_delete=models.CASCADE, related_name="deliveries")
    phone = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    gateway = models.CharField(max_length=32, blank=True)
    gateway_id = models.CharField(max_length=128, blank=True, db_index=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    seen_at = models.DateTimeField(null=True, blank=True, help_text=_("First shown on the observer's page"))

    class Meta:
        ordering = ["notice", "observer__full_name"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["notice", "observer"], name="delivery_unique"),
        ]
        indexes = [models.Index(fields=["observer", "notice"])]

    def __str__(self) -> str:
        return f"{self.notice_id} to {self.observer_id}: {self.state}"
