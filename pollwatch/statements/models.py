"""Findings and statements: what the mission concludes, and what it publishes.

A :class:`Finding` is written by an analyst, reviewed by another member of staff, then
approved by a coordinator; it carries the standards it concerns and links to its evidence.
A :class:`Statement` is built from the template of methodology.md section 3, in the mission's
languages; its figures are placeholders in the text (``{{ share form="voting" ... }}``)
computed when shown and frozen when published. Publishing creates a :class:`Publication`
(content hash, time, who, HTML and PDF per language, open data). A common statement joins
the approved statements or findings of several groups, and each group's coordinator signs it
off (:class:`SignOff`) before it can be published.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pollwatch.missions.models import Group, Meeting, Mission
from pollwatch.submissions.models import Incident, Submission


class FindingPhase(models.TextChoices):
    PRE_ELECTION = "pre_election", _("Before election day")
    OPENING = "opening", _("Opening")
    VOTING = "voting", _("Voting")
    CLOSING = "closing", _("Closing and counting")
    TABULATION = "tabulation", _("Tabulation")
    POST_ELECTION = "post_election", _("After election day")


class Finding(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        REVIEWED = "reviewed", _("Reviewed")
        APPROVED = "approved", _("Approved")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="findings")
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="findings", help_text=_("Empty: the whole mission"))
    title = models.CharField(max_length=255)
    text = models.TextField(help_text=_("May hold figures, e.g. {{ share form=... }}"))
    language = models.CharField(max_length=8, default="en", choices=settings.LANGUAGES,
                                help_text=_("The language the title and text are written in"))
    translations = models.JSONField(default=dict, blank=True, help_text=_(
        '{"ru": {"title": "...", "text": "...", "of": "hash of the original translated"}}'))
    phase = models.CharField(max_length=16, choices=FindingPhase.choices)
    standards = models.JSONField(default=list, blank=True, help_text=_("Codes from the mission's standards"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["mission", "phase", "-updated_at", "-id"]
        indexes = [models.Index(fields=["mission", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def standard_labels(self) -> list[str]:
        labels = {s.get("code"): s.get("label", s.get("code")) for s in self.mission.standards or []}
        return [labels.get(code, code) for code in self.standards]


class FindingEvidence(models.Model):
    """What a finding rests on: a submission, an incident, a meeting, or an analysis."""

    class Kind(models.TextChoices):
        SUBMISSION = "submission", _("Submission")
        INCIDENT = "incident", _("Incident")
        MEETING = "meeting", _("Meeting")
        ANALYSIS = "analysis", _("Analysis")

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=500, blank=True, help_text=_(
        "For an analysis: the page of pollwatch it comes from, e.g. /m/cis-2023/results/majilis-list/seats/"))
    note = models.CharField(max_length=500, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["finding", "added_at", "id"]

    def __str__(self) -> str:
        target = self.submission_id or self.incident_id or self.meeting_id or self.reference
        return f"{self.get_kind_display()} {target}"


class Statement(models.Model):
    class Kind(models.TextChoices):
        GROUP = "group", _("Statement of a group or of the mission")
        COMMON = "common", _("Common statement of several groups")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="statements")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.GROUP)
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="statements", help_text=_("Empty: the whole mission"))
    groups = models.ManyToManyField(Group, blank=True, related_name="common_statements",
                                    help_text=_("For a common statement: the groups that sign it"))
    slug = models.SlugField(max_length=100)
    dated = models.DateField(null=True, blank=True, help_text=_(
        "The date the statement bears; empty: the day it is published"))
    languages = models.JSONField(default=list)
    texts = models.JSONField(default=dict, help_text=_(
        '{"<language>": {"title": "...", "sections": {"<section>": "text with {{ figures }}"}}}'))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["mission", "-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "slug"], name="statement_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.title()

    def title(self, language: str | None = None) -> str:
        texts = self.texts or {}
        for lang in [language, *self.languages]:
            if lang and (texts.get(lang) or {}).get("title"):
                return texts[lang]["title"]
        return self.slug

    @property
    def is_common(self) -> bool:
        return self.kind == self.Kind.COMMON

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def latest_publication(self) -> Publication | None:
        return self.publications.order_by("-number").first()


class StatementItem(models.Model):
    """An approved finding placed in a section of a statement, or an approved group statement
    joined into a common one (its sections go into the same sections)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(max_length=32, blank=True, help_text=_("Empty for a joined statement"))
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="uses")
    source = models.ForeignKey(Statement, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="joined_into")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["statement", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(finding__isnull=False, source__isnull=True)
                           | models.Q(finding__isnull=True, source__isnull=False)),
                name="statement_item_one_kind"),
        ]


class SignOff(models.Model):
    """A group coordinator's agreement to a common statement as it stood (its content hash)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="signoffs")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(auto_now=True)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["statement", "group"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "group"], name="one_signoff_per_group"),
        ]


class Publication(models.Model):
    """A statement as published: frozen text, items and figures, with their hash."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="publications")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    dated = models.DateField(null=True, blank=True, help_text=_("The date the published statement bears"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    content_hash = models.CharField(max_length=64, help_text=_("SHA-256 of the frozen content"))
    content = models.JSONField(help_text=_("Texts, items and figures as published"))
    open_data = models.TextField(blank=True, help_text=_("CSV of the aggregated findings"))

    class Meta:
        ordering = ["statement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "number"], name="publication_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.statement} v{self.number}"


class PublishedDocument(models.Model):
    """One language of a publication: its HTML and PDF."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="documents")
    language = models.CharField(max_length=8)
    html = models.TextField()
    pdf = models.FileField(upload_to="statements/%Y/")
    pdf_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["publication", "language"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "language"], name="document_language_unique"),
        ]
