"""An observation mission: its groups, observers, teams, assignments and pre-election meetings."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pollwatch.elections.models import Area, Election, Named, PollingStation


class Phase(models.TextChoices):
    OPENING = "opening", _("Opening")
    VOTING = "voting", _("Voting")
    CLOSING = "closing", _("Closing and counting")


#: When a phase's report is due, in minutes after the station opens (opening, voting) or closes
#: (closing and counting). An opening report is due at 08:00 for a station opening at 07:00.
DEFAULT_REPORT_DEADLINES = {"opening": 60, "voting": 600, "closing": 240}

#: Standards a finding can be tagged with (methodology.md section 3); a mission may edit them.
DEFAULT_STANDARDS = [
    {"code": "periodic", "label": "Periodic, genuine elections", "source": "OSCE Copenhagen Document 7.1"},
    {"code": "contested", "label": "Freely contested seats", "source": "Copenhagen 7.2"},
    {"code": "suffrage", "label": "Universal and equal suffrage", "source": "Copenhagen 7.3"},
    {"code": "secrecy", "label": "Secret ballot, honest count", "source": "Copenhagen 7.4"},
    {"code": "stand", "label": "Right to stand", "source": "Copenhagen 7.5"},
    {"code": "parties", "label": "Freedom to organise parties", "source": "Copenhagen 7.6"},
    {"code": "campaign", "label": "Free campaign", "source": "Copenhagen 7.7"},
    {"code": "media", "label": "Media access", "source": "Copenhagen 7.8"},
    {"code": "installation", "label": "Installation of winners", "source": "Copenhagen 7.9"},
    {"code": "observation", "label": "Observation", "source": "Copenhagen 8"},
    {"code": "cis", "label": "CIS standards",
     "source": "CIS Convention on Standards of Democratic Elections (2002)"},
    {"code": "good_practice", "label": "Good practice",
     "source": "Venice Commission Code of Good Practice in Electoral Matters (2002)"},
]

#: Incident categories (the Kenyan citizen deployments' taxonomy, methodology.md section 2).
DEFAULT_INCIDENT_CATEGORIES = [
    {"code": "voting", "label": "Voting issues"},
    {"code": "administration", "label": "Station administration"},
    {"code": "staffing", "label": "Staffing"},
    {"code": "rallies", "label": "Political rallies"},
    {"code": "counting", "label": "Counting and results"},
    {"code": "security", "label": "Security"},
    {"code": "positive", "label": "Positive events"},
]


def default_report_deadlines() -> dict:
    return dict(DEFAULT_REPORT_DEADLINES)


def default_standards() -> list:
    return [dict(item) for item in DEFAULT_STANDARDS]


def default_incident_categories() -> list:
    return [dict(item) for item in DEFAULT_INCIDENT_CATEGORIES]


def default_languages() -> list:
    return ["en", "ru"]


class Mission(Named):
    code = models.SlugField(max_length=64, unique=True)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="missions")
    languages = models.JSONField(default=default_languages, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    report_deadlines = models.JSONField(default=default_report_deadlines, blank=True)
    standards = models.JSONField(default=default_standards, blank=True)
    incident_categories = models.JSONField(default=default_incident_categories, blank=True)
    letterhead = models.JSONField(default=dict, blank=True, help_text=_(
        'Lines printed at the top of the mission\'s statements, per language: {"en": "…", "ru": "…"}'))
    clock_frozen_at = models.DateTimeField(
        null=True, blank=True,
        help_text=_("Demo and training only: the pages measure time as if it were always this "
                    "moment (lateness, reports due, the phase under way). Empty: the real time."))

    class Meta:
        ordering = ["name"]

    def letterhead_in(self, language: str) -> list[str]:
        """The letterhead's lines in ``language`` (else in the mission's first language that has one)."""
        heads = self.letterhead or {}
        text = heads.get(language) or next(
            (heads[lang] for lang in self.languages or [] if heads.get(lang)), "")
        return [line.strip() for line in str(text).splitlines() if line.strip()]

    def report_deadline_minutes(self, phase: str) -> int:
        deadlines = {**DEFAULT_REPORT_DEADLINES, **(self.report_deadlines or {})}
        return int(deadlines[phase])

    def report_due_utc(self, station: PollingStation, phase: str) -> dt.datetime:
        """When a team's report for ``phase`` at ``station`` is due, in UTC."""
        minutes = dt.timedelta(minutes=self.report_deadline_minutes(phase))
        if phase == Phase.CLOSING:
            return station.closing_utc(self.election.date) + minutes
        return station.opening_utc(self.election.date) + minutes


class Group(Named):
    """Part of a mission that may issue its own statement, e.g. the IPA CIS group of 61."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="groups")
    code = models.SlugField(max_length=64)
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="coordinated_groups")

    class Meta:
        ordering = ["mission", "name"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="group_code_unique"),
        ]


class Observer(models.Model):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="observers")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="observers")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="observer")
    full_name = models.CharField(max_length=255)
    phone = models.CharField(max_length=20, blank=True, help_text=_("E.164, e.g. +77011234567"))
    email = models.EmailField(blank=True)
    accreditation_number = models.CharField(max_length=64, blank=True)
    languages = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=8, default="en", choices=settings.LANGUAGES,
                                help_text=_("Language of SMS replies and pages"))
    base_area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["mission", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "phone"], name="observer_phone_unique",
                                    condition=~models.Q(phone="")),
            models.UniqueConstraint(fields=["mission", "accreditation_number"],
                                    name="observer_accreditation_unique",
                                    condition=~models.Q(accreditation_number="")),
        ]
        indexes = [models.Index(fields=["phone"])]

    def __str__(self) -> str:
        return self.full_name


class Team(models.Model):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="teams")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="teams")
    code = models.SlugField(max_length=64)
    name = models.CharField(max_length=255, blank=True)
    members = models.ManyToManyField(Observer, related_name="teams", blank=True)
    leader = models.ForeignKey(Observer, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    base_area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", help_text=_("Region the team is based in"))

    class Meta:
        ordering = ["mission", "code"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="team_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.code

    def contact_phone(self) -> str:
        """The number a coordinator calls: the leader's, or the first member's with one."""
        if self.leader and self.leader.phone:
            return self.leader.phone
        for member in self.members.all():
            if member.phone:
                return member.phone
        return ""


class Assignment(models.Model):
    """A team's duty at a polling station for one phase, with the time its report is due."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="assignments")
    station = models.ForeignKey(PollingStation, on_delete=models.CASCADE,
                                related_name="assignments")
    phase = models.CharField(max_length=16, choices=Phase.choices)
    report_due_at = models.DateTimeField(help_text=_("UTC; shown in the station's local time"))

    class Meta:
        ordering = ["report_due_at", "team", "station"]
        constraints = [
            models.UniqueConstraint(fields=["team", "station", "phase"],
                                    name="assignment_unique"),
        ]
        indexes = [models.Index(fields=["station", "phase"])]

    def __str__(self) -> str:
        return f"{self.team} at {self.station.code} ({self.get_phase_display()})"

    def is_overdue(self, now: dt.datetime, reported: bool) -> bool:
        return not reported and now > self.report_due_at


class Meeting(models.Model):
    """A pre-election meeting with stakeholders, and what the mission learned from it."""

    class Stakeholder(models.TextChoices):
        PARTY = "party", _("Political party")
        CANDIDATE = "candidate", _("Candidate")
        ADMINISTRATION = "administration", _("Election administration")
        GOVERNMENT = "government", _("Government")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        MEDIA = "media", _("Media")
        CITIZENS = "citizens", _("Citizens")
        OTHER = "other", _("Other")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="meetings")
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="meetings")
    date = models.DateField()
    place = models.CharField(max_length=255, blank=True)
    stakeholder_kind = models.CharField(max_length=32, choices=Stakeholder.choices)
    stakeholders = models.TextField(help_text=_("Who took part on the other side"))
    participants = models.ManyToManyField(Observer, blank=True, related_name="meetings",
                                          help_text=_("Mission members present"))
    summary = models.TextField()
    findings = models.TextField(blank=True)
    standards = models.JSONField(default=list, blank=True,
                                 help_text=_("Codes from the mission's standards"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_stakeholder_kind_display()}: {self.stakeholders[:60]}"
