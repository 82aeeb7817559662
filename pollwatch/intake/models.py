"""Every inbound report, stored raw before it is parsed, and the credentials channels use.

- ``InboundReport``: the raw report, its idempotency key and what became of it.
- ``DeviceToken``: an observer's (or staff member's) revocable bearer token, for the JSON API,
  the observer web page and ODK Collect (as the HTTP password). Only its hash is stored.
- ``ApiKey``: a partner system's key, scoped to one mission. Only its hash is stored.
"""

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
    key_scope = models.CharField(max_length=160, blank=True, default="", help_text=_(
        "Whose keys the key is unique among: sms (gateways' message ids), or the channel, "
        "mission and sender of a client's key (see intake.services.key_scope)"))
    content_hash = models.CharField(max_length=64, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    payload = models.TextField(help_text=_("The body as received, as text"))
    raw = models.BinaryField(null=True, blank=True, editable=False, help_text=_(
        "The bytes as received, when the text is not exactly their UTF-8 (a NUL byte, UTF-16, "
        "bytes that are not UTF-8); see original_bytes()"))
    meta = models.JSONField(default=dict, blank=True,
                            help_text=_("Request details kept for re-processing"))
    received_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    reason = models.TextField(blank=True, help_text=_("Why it is in quarantine or was refused"))
    #: The reason as a code with its values (pollwatch.submissions.reasons), so that it reads in
    #: each person's language; empty for older rows and reasons that are only text.
    reason_code = models.CharField(max_length=64, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text=_(
        "How many times it was processed (1, plus one per re-processing)"))
    errors = models.JSONField(default=list, blank=True, help_text=_(
        '[{"question": "A2", "code": "choice", "message": "..."}]: what parsing or validation found'))
    reply = models.TextField(blank=True, help_text=_("What the sender was told (SMS reply)"))
    retries = models.PositiveIntegerField(default=0, help_text=_(
        "Identical copies received later (answered from the stored result, not stored again)"))
    last_retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["mission", "status"])]
        constraints = [
            # One report per idempotency key of one sender (its scope: the gateways' ids, or the
            # channel, mission and sender of a client's key), so nobody's key can block another
            # sender's report. A refused report (same key, other content) is kept as a log entry
            # beside the original, so it is left out of the constraint.
            models.UniqueConstraint(fields=["key_scope", "key"], name="inbound_key_unique",
                                    condition=~models.Q(key="") & ~models.Q(status="refused")),
        ]

    def __str__(self) -> str:
        return f"{self.channel} from {self.sender or '?'} at {self.received_at:%H:%M:%S}"

    def original_bytes(self) -> bytes:
        """Exactly the bytes that arrived: ``raw`` when kept, else the payload's UTF-8."""
        if self.raw is not None:
            return bytes(self.raw)
        return self.payload.encode("utf-8")

    def reason_in(self, language: str | None = None) -> str:
        """Why it is in quarantine or was refused, in ``language`` (None: the page's)."""
        from pollwatch.submissions.reasons import render

        return render(self.reason_code, self.reason_params, language, self.reason)

    @property
    def local_reason(self) -> str:
        return self.reason_in()

    @property
    def is_quarantined(self) -> bool:
        return self.status == self.Status.QUARANTINED

    @property
    def is_editable(self) -> bool:
        """A coordinator may edit and re-process it, or discard it."""
        return self.status == self.Status.QUARANTINED


class DeviceToken(models.Model):
    """A revocable bearer token for one device of one person.

    Observers use it for the JSON API and the observer web page (``Authorization: Bearer``) and
    as the password in ODK Collect (HTTP Basic or Digest, with their username). The token is
    shown once when issued; only its SHA-256 (and, for Digest, the HA1 hash) is stored.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="device_tokens")
    observer = models.ForeignKey(Observer, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="device_tokens")
    mission = models.ForeignKey(Mission, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="device_tokens")
    label = models.CharField(max_length=100, blank=True, help_text=_("e.g. Oleg's phone, ODK Collect"))
    token_hash = models.CharField(max_length=64, unique=True)
    digest_ha1 = models.CharField(max_length=32, blank=True,
                                  help_text=_("MD5(username:realm:token) for HTTP Digest"))
    prefix = models.CharField(max_length=12, help_text=_("The first characters, to recognise it"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.label or self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiKey(models.Model):
    """A partner system's key to one mission's API, with what it may do."""

    class Scope(models.TextChoices):
        READ = "read", _("Read the mission's reports")
        SUBMIT = "submit", _("Submit reports")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, help_text=_("Who uses it, e.g. the partner's name"))
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    scopes = models.JSONField(default=list, help_text=_('["read", "submit"]'))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["mission", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return self.is_active and scope in (self.scopes or [])


class DigestNonceUse(models.Model):
    """One use of an HTTP Digest nonce with its count (``nc``): each pair is accepted once, so
    a captured ``Authorization`` header cannot be replayed. Kept in the database so that every
    web worker sees it; rows older than the nonce lifetime are deleted as new ones come."""

    nonce = models.CharField(max_length=128)
    nc = models.PositiveBigIntegerField()
    used_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["nonce", "nc"], name="digest_nonce_use_once")]

    def __str__(self) -> str:
        return f"{self.nonce[:12]}… nc={self.nc}"
