"""What observers reported: submissions with their revisions, incidents, observed protocols,
and the merged record of each station and form that the dashboards read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pollwatch.checklists.models import Form, FormVersion
from pollwatch.elections.models import Choice, Contest, ElectoralDistrict, PollingStation
from pollwatch.missions.models import Mission, Observer, Phase, Team


class Channel(models.TextChoices):
    WEB = "web", _("Observer web page")
    API = "api", _("JSON API")
    SMS = "sms", _("SMS")
    OPENROSA = "openrosa", _("ODK Collect / Enketo")
    PARTNER = "partner", _("Partner system")
    STAFF = "staff", _("Entered by staff")


class ReviewState(models.TextChoices):
    """What staff made of a report after reading it. A rejected report is left out of the
    findings; the others all count (a report with issues stays in until it is rejected)."""

    RECEIVED = "received", _("Received")
    VERIFIED = "verified", _("Verified")
    HAS_ISSUES = "has_issues", _("Has issues")
    REJECTED = "rejected", _("Rejected")


class Submission(models.Model):
    """One filled form, as one revision. A correction is a new row that ``supersedes`` the
    one before; only the newest revision ``is_current``. History is never deleted."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="submissions")
    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="submissions")
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT,
                                     related_name="submissions")
    station = models.ForeignKey(PollingStation, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="submissions")
    phase = models.CharField(max_length=16, choices=Phase.choices, blank=True)
    observer = models.ForeignKey(Observer, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="submissions")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="submissions")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    key = models.CharField(max_length=128, help_text=_(
        "Idempotency key: the client's UUID, the gateway's message id or the instanceID"))
    key_scope = models.CharField(max_length=160, blank=True, default="", help_text=_(
        "Whose keys the key is unique among (its inbound report's key scope)"))
    answers = models.JSONField(default=dict)
    observed_at = models.DateTimeField(null=True, blank=True,
                                       help_text=_("When the observer filled it (device clock)"))
    received_at = models.DateTimeField(db_index=True)
    revision = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by")
    is_current = models.BooleanField(default=True)
    is_test = models.BooleanField(default=False, help_text=_("Sent against a draft form"))
    flags = models.JSONField(default=list, blank=True,
                             help_text=_('[{"code": "not_assigned", "message": "..."}]'))
    inbound = models.ForeignKey("intake.InboundReport", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="submissions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    review_state = models.CharField(max_length=16, choices=ReviewState.choices,
                                    default=ReviewState.RECEIVED)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "key_scope", "key"],
                                    name="submission_key_unique"),
        ]
        indexes = [
            models.Index(fields=["mission", "form", "is_current"]),
            models.Index(fields=["station", "form"]),
            models.Index(fields=["observer", "received_at"]),
            models.Index(fields=["mission", "review_state"], name="submission_review_state"),
        ]

    def __str__(self) -> str:
        station = self.station.code if self.station_id else "-"
        return f"{self.form.code} at {station} r{self.revision}"

    def has_flag(self, code: str) -> bool:
        return any(flag.get("code") == code for flag in self.flags)

    @property
    def is_rejected(self) -> bool:
        return self.review_state == ReviewState.REJECTED


class SubmissionReview(models.Model):
    """One change of a submission's review state, with who made it and why: the history
    shown on the submission's page (the audit log has the same change too)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    actor = models.CharField(max_length=150, blank=True,
                             help_text=_("Who acted when there is no user: cli, demo"))
    previous = models.CharField(max_length=16, choices=ReviewState.choices)
    state = models.CharField(max_length=16, choices=ReviewState.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class ObservedProtocol(models.Model):
    """The result protocol figures an observer copied at a station, for one contest.

    ``figures`` holds the protocol lines by their standard names (registered, received,
    issued, cancelled, ballots, valid, invalid); ``votes`` maps choice codes to votes.
    """

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE,
                                      related_name="protocol")
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="protocols")
    station = models.ForeignKey(PollingStation, on_delete=models.PROTECT,
                                related_name="observed_protocols")
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(ElectoralDistrict, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    figures = models.JSONField(default=dict)
    votes = models.JSONField(default=dict)
    reconciles = models.BooleanField(default=True,
                                     help_text=_("All control equations hold"))
    failures = models.JSONField(default=list, blank=True,
                                help_text=_('[{"equation": ..., "difference": ...}]'))
    is_current = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["mission", "contest", "is_current"])]

    def votes_for(self, choice: Choice) -> int | None:
        return self.votes.get(choice.code)


class Incident(models.Model):
    """Something serious enough to report at once, with its follow-up state."""

    class Severity(models.TextChoices):
        CRITICAL = "critical", _("Critical")
        SERIOUS = "serious", _("Serious")
        MINOR = "minor", _("Minor")

    class Status(models.TextChoices):
        NEW = "new", _("Received")
        UNDER_REVIEW = "under_review", _("Under review")
        VERIFIED = "verified", _("Verified")
        UNVERIFIABLE = "unverifiable", _("Unverifiable")
        REJECTED = "rejected", _("Rejected")
        ESCALATED = "escalated", _("Escalated")
        CLOSED = "closed", _("Closed")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="incidents")
    submission = models.OneToOneField(Submission, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="incident")
    station = models.ForeignKey(PollingStation, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="incidents")
    category = models.CharField(max_length=64)
    severity = models.CharField(max_length=16, choices=Severity.choices,
                                default=Severity.SERIOUS)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    occurred_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField()
    description = models.TextField(blank=True)
    reported_by = models.ForeignKey(Observer, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="incidents")

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["mission", "status", "severity"])]

    @property
    def is_critical(self) -> bool:
        return self.severity == self.Severity.CRITICAL


class IncidentEvent(models.Model):
    """One step of an incident's follow-up trail: review, verification, escalation, closing."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=Incident.Status.choices)
    escalated_to = models.CharField(max_length=255, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class Evidence(models.Model):
    """A photo or file attached to a submission (ODK attachment, web upload)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="evidence")
    question = models.CharField(max_length=128, blank=True)
    file = models.FileField(upload_to="evidence/%Y/%m/%d/")
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)


class StationRecord(models.Model):
    """The merged reports of one station for one form: what the dashboards read.

    Reports from the two observers of a team (or two teams) are merged: agreeing answers count
    once, disagreeing answers become ``conflicts`` for a coordinator to resolve, the originals
    stay as they are. ``state`` is complete, partial, missing or conflict.
    """

    class State(models.TextChoices):
        COMPLETE = "complete", _("Complete")
        PARTIAL = "partial", _("Partial")
        MISSING = "missing", _("Missing")
        CONFLICT = "conflict", _("Conflict")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE,
                                related_name="station_records")
    station = models.ForeignKey(PollingStation, on_delete=models.CASCADE,
                                related_name="records")
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="station_records")
    phase = models.CharField(max_length=16, choices=Phase.choices, blank=True)
    state = models.CharField(max_length=16, choices=State.choices)
    answers = models.JSONField(default=dict, help_text=_("Merged answers"))
    conflicts = models.JSONField(default=dict, blank=True,
                                 help_text=_('{"question": [values from each report]}'))
    resolutions = models.JSONField(default=dict, blank=True, help_text=_(
        '{"question": {"value": ..., "by": user id, "at": "..."}}: conflicts a coordinator settled'))
    sections = models.JSONField(default=dict, blank=True,
                                help_text=_('{"section": "complete|partial|missing|conflict"}'))
    submission_count = models.PositiveIntegerField(default=0)
    has_problem = models.BooleanField(default=False,
                                      help_text=_("A negative assessment, flag or incident"))
    first_received_at = models.DateTimeField(null=True, blank=True)
    last_received_at = models.DateTimeField(null=True, blank=True)
    merge_state = models.JSONField(null=True, blank=True, editable=False, help_text=_(
        "What merging keeps so that the next report is added without reading the others again: "
        '{"sources": {"observer:12": {"question": [value, submission id, received at]}}, '
        '"flagged": false}; empty: recomputed from the submissions on the next report'))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mission", "station", "form"],
                                    name="station_record_unique"),
        ]
        indexes = [models.Index(fields=["mission", "form", "state"])]
