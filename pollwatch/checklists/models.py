"""Observation forms: versioned checklists, incident reports and result protocols.

A form (``opening``, ``voting``, ``closing``, ``incident``, ``protocol-<contest>``) has
versions; each version holds its questions. A submission keeps the version it was filled
with, so a form edited in the middle of election day never shifts an earlier answer.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from pollwatch.elections.models import Contest, Named
from pollwatch.missions.models import Mission, Phase


class Form(Named):
    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        VOTING = "voting", _("Voting")
        CLOSING = "closing", _("Closing and counting")
        INCIDENT = "incident", _("Incident")
        PROTOCOL = "protocol", _("Result protocol")
        OTHER = "other", _("Other")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="forms")
    code = models.SlugField(max_length=64)
    sms_keyword = models.CharField(max_length=16, blank=True,
                                   help_text=_("First word of an SMS report, e.g. OP"))
    kind = models.CharField(max_length=16, choices=Kind.choices)
    phase = models.CharField(max_length=16, choices=Phase.choices, blank=True)
    contest = models.ForeignKey(Contest, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="forms", help_text=_("For result protocols"))
    template = models.CharField(max_length=32, blank=True, help_text=_(
        "The built-in template this form is kept in step with (opening, voting, closing, "
        "incident, protocol); empty for imported forms"))

    class Meta:
        ordering = ["mission", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="form_code_unique"),
            models.UniqueConstraint(fields=["mission", "sms_keyword"],
                                    name="form_sms_keyword_unique",
                                    condition=~models.Q(sms_keyword="")),
        ]

    def published_version(self) -> FormVersion | None:
        """The version observers fill in now (the newest published one)."""
        return (self.versions.filter(status=FormVersion.Status.PUBLISHED)
                .order_by("-number").first())


class FormVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    version_string = models.CharField(max_length=64, blank=True,
                                      help_text=_("The XLSForm 'version' setting, if any"))
    settings = models.JSONField(default=dict, blank=True,
                                help_text=_("XLSForm settings: form_id, sms_keyword, default language..."))
    xlsform = models.FileField(upload_to="forms/", blank=True)
    xform = models.TextField(blank=True, help_text=_("XForm XML served to ODK Collect"))
    xform_hash = models.CharField(max_length=64, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True, help_text=_(
        "SHA-256 of the questions and settings: the same definition imported twice is one version"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["form", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="form_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.form.code} v{self.number} ({self.get_status_display()})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def accepts_submissions(self) -> bool:
        """Real (not test) submissions are accepted for a version that is or was published:
        an ODK phone still holding yesterday's version may send it after a new one is out."""
        return self.published_at is not None and self.status != self.Status.DRAFT

    @property
    def xform_id(self) -> str:
        """The XForm id: stable per form, ``<mission>-<form code>``."""
        return f"{self.form.mission.code}-{self.form.code}"


class Question(models.Model):
    """One question of a form version, in form order.

    ``name`` is the XLSForm name (the key in a submission's answers); ``code`` is the short
    code an SMS report uses. Questions inside a repeat (a protocol's row per choice) carry the
    repeat's name; their answers arrive as a list of rows under that name.
    """

    class Type(models.TextChoices):
        YES_NO = "yes_no", _("Yes / no")
        SELECT_ONE = "select_one", _("Select one")
        SELECT_MULTIPLE = "select_multiple", _("Select multiple")
        INTEGER = "integer", _("Whole number")
        DECIMAL = "decimal", _("Decimal number")
        TEXT = "text", _("Text")
        TIME = "time", _("Time")
        DATETIME = "datetime", _("Date and time")
        DATE = "date", _("Date")
        GEOPOINT = "geopoint", _("Location")
        PHOTO = "photo", _("Photo")
        NOTE = "note", _("Note")
        GROUP = "group", _("Group (section)")
        REPEAT = "repeat", _("Repeat (rows)")

    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=128)
    code = models.CharField(max_length=16, blank=True)
    type = models.CharField(max_length=16, choices=Type.choices)
    label = models.JSONField(default=dict, help_text=_('{"en": ..., "ru": ..., "kk": ...}'))
    hint = models.JSONField(default=dict, blank=True)
    choices = models.JSONField(default=list, blank=True,
                               help_text=_('[{"name": "good", "label": {"en": "Good"}, "sms": "2"}]'))
    required = models.BooleanField(default=False)
    relevant = models.TextField(blank=True, help_text=_("Skip logic, e.g. ${opened} = 'no'"))
    constraint = models.TextField(blank=True, help_text=_("e.g. . <= ${issued}"))
    constraint_message = models.JSONField(default=dict, blank=True)
    minimum = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    maximum = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    group = models.CharField(max_length=128, blank=True, help_text=_("Enclosing group (section)"))
    repeat = models.CharField(max_length=128, blank=True, help_text=_("Enclosing repeat"))
    appearance = models.CharField(max_length=128, blank=True)
    choices_from = models.CharField(max_length=128, blank=True, help_text=_(
        "For select_one_from_file: the media file holding the choices, e.g. stations.csv"))

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="question_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code or self.name}: {self.label_in()}"

    @property
    def is_section(self) -> bool:
        """A group or repeat row: it holds questions and takes no answer itself."""
        return self.type in {self.Type.GROUP, self.Type.REPEAT}

    @property
    def takes_answer(self) -> bool:
        return not self.is_section and self.type != self.Type.NOTE

    def label_in(self, language: str | None = None) -> str:
        language = (language or translation.get_language() or "en").split("-")[0]
        return (self.label.get(language) or self.label.get("en")
                or next(iter(self.label.values()), self.name))
