"""Every inbound report, stored raw before it is parsed, and the credentials channels use."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pollwatch.missions.models import Mission, Observer
from pollwatch.submissions.models import Channel


class InboundReport(models.Model):
    """A report as it arrived (channel, payload, sender, time). Parsing comes after storing:
    what cannot be parsed or validated stays here in quarantine with its reason, for a person
    to fix and re-process, or to discard with a reason. Nothing is dropped."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        QUARANTINED = "quarantined", _("Quarantined")
        DISCARDED = "discarded", _("Discarded")
        REFUSED = "refused", _("Refused: key reused with other content")

    channel = models.CharField(max_length=16, choices=Channel.choices)
    gateway = models.CharField(max_length=32, blank=True, help_text=_("twilio, telerivet, ..."))
    mission = models.ForeignKey(Mission, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="inbound_reports")
    sender = models.CharField(max_length=255, blank=True,
                              help_text=_("Phone (E.164), device token id, user or API key"))
    observer = models.ForeignKey(Observer, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="inbound_reports")
    key = models.CharField(max_length=128, blank=True, db_index=True)
    content_hash = models.CharField(max_length=64, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    payload = models.TextField(help_text=_("The body as received"))
    meta = models.JSONField(default=dict, blank=True,
                            help_text=_("Request details kept for re-processing"))
    received_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    reason = models.TextField(blank=True, help_text=_("Why it is in quarantine or was refused"))
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["mission", "status"])]

    def __str__(self) -> str:
        return f"{self.channel} from {self.sender or '?'} at {self.received_at:%H:%M:%S}"
