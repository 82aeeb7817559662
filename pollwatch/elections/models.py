"""An election day: its contests and choices, and the electoral geography down to polling stations."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DEFAULT_OPENS_AT = dt.time(7, 0)
DEFAULT_CLOSES_AT = dt.time(20, 0)

#: Control equations of a result protocol (methodology.md section 2). Each is evaluated by
#: ``pollwatch.analysis.protocols`` over the protocol's figures; an election may replace them.
DEFAULT_CONTROL_EQUATIONS = [
    {"name": "received_balance", "lhs": "received", "op": "==", "rhs": "issued + cancelled"},
    {"name": "boxes_within_issued", "lhs": "ballots", "op": "<=", "rhs": "issued"},
    {"name": "ballots_balance", "lhs": "valid + invalid", "op": "==", "rhs": "ballots"},
    {"name": "issued_within_registered", "lhs": "issued", "op": "<=", "rhs": "registered"},
]


@functools.cache
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in available_time_zones():
        raise ValidationError(
            _("%(value)s is not an IANA time zone name (e.g. Asia/Almaty)"), params={"value": value}
        )


class Named(models.Model):
    """A name, with translations keyed by language code (``{"ru": "...", "kk": "..."}``)."""

    name = models.CharField(max_length=255)
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    def name_in(self, language: str | None = None) -> str:
        language = (language or translation.get_language() or "en").split("-")[0]
        return self.translations.get(language) or self.name

    @property
    def local_name(self) -> str:
        return self.name_in()

    def __str__(self) -> str:
        return self.name


class Election(Named):
    code = models.SlugField(max_length=64, unique=True)
    country = models.CharField(max_length=2, help_text=_("ISO 3166-1 alpha-2 code, e.g. KZ"))
    date = models.DateField(help_text=_("Election day"))
    default_timezone = models.CharField(max_length=64, default="UTC",
                                        validators=[validate_time_zone])
    languages = models.JSONField(default=list, blank=True)
    control_equations = models.JSONField(default=list, blank=True,
                                         help_text=_("Protocol control equations; empty for the defaults"))
    data_note = models.TextField(blank=True, help_text=_("Where the figures come from; shown on pages"))
    data_note_translations = models.JSONField(default=dict, blank=True, help_text=_(
        'The data note in other languages: {"ru": "…", "kk": "…"}'))

    class Meta:
        ordering = ["-date", "name"]

    def data_note_in(self, language: str | None = None) -> str:
        """The data note in ``language`` (by default the page's), else as written."""
        code = (language or get_language() or "en").split("-")[0]
        return (self.data_note_translations or {}).get(code) or self.data_note

    def equations(self) -> list[dict]:
        return self.control_equations or DEFAULT_CONTROL_EQUATIONS


class Area(Named):
    """A node of the electoral geography: country > region > district > ...

    ``path`` holds the codes from the root (``KZ/71/7101``) so that a subtree is one prefix query.
    """

    class Level(models.TextChoices):
        COUNTRY = "country", _("Country")
        REGION = "region", _("Region")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        SETTLEMENT = "settlement", _("Settlement")
        ABROAD = "abroad", _("Abroad")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="areas")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children")
    code = models.CharField(max_length=64)
    level = models.CharField(max_length=16, choices=Level.choices)
    timezone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    path = models.CharField(max_length=512, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    #: A simplified GeoJSON Polygon or MultiPolygon (longitude, latitude), from an areas import
    #: in GeoJSON (elections.geometry); drawn on the coverage map.
    boundary = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["election", "code"], name="area_code_unique"),
        ]

    def compute_path(self) -> None:
        parent = self.parent
        self.path = f"{parent.path}/{self.code}" if parent else self.code
        self.depth = parent.depth + 1 if parent else 0

    def save(self, *args, **kwargs):
        self.compute_path()
        super().save(*args, **kwargs)


class PollingStation(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular")
        ABROAD = "abroad", _("Abroad")
        HOSPITAL = "hospital", _("Hospital")
        MILITARY = "military", _("Military unit")
        DETENTION = "detention", _("Detention facility")
        TRANSPORT = "transport", _("Transport / remote")
        SPECIAL = "special", _("Special")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="stations")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="stations")
    region = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", null=True,
                               blank=True, editable=False,
                               help_text=_("The area at depth 1 above the station, for grouping"))
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=255, blank=True)
    address = models.CharField(max_length=500, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    registered_voters = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    timezone = models.CharField(max_length=64, validators=[validate_time_zone])
    opens_at = models.TimeField(default=DEFAULT_OPENS_AT, help_text=_("Local time"))
    closes_at = models.TimeField(default=DEFAULT_CLOSES_AT, help_text=_("Local time"))

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["election", "code"], name="station_code_unique"),
        ]
        indexes = [models.Index(fields=["election", "region"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local_datetime(self, day: dt.date, at: dt.time) -> dt.datetime:
        """An aware datetime for a local wall-clock time at this station on ``day``."""
        return dt.datetime.combine(day, at, tzinfo=self.zone)

    def opening_utc(self, day: dt.date | None = None) -> dt.datetime:
        day = day or self.election.date
        return self.local_datetime(day, self.opens_at).astimezone(dt.UTC)

    def closing_utc(self, day: dt.date | None = None) -> dt.datetime:
        day = day or self.election.date
        return self.local_datetime(day, self.closes_at).astimezone(dt.UTC)

    def to_local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.zone)

    def is_open_at(self, moment: dt.datetime) -> bool:
        return self.opening_utc() <= moment < self.closing_utc()

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Contest(Named):
    class Kind(models.TextChoices):
        PARTY_LIST = "party_list", _("Party list")
        SINGLE_MEMBER = "single_member", _("Single-member districts")
        MULTI_MEMBER = "multi_member", _("Multi-member districts")
        COUNCIL = "council", _("Local council")
        REFERENDUM = "referendum", _("Referendum")
        PRESIDENTIAL = "presidential", _("Presidential")

    class Method(models.TextChoices):
        HARE = "hare", _("Largest remainder, Hare quota")
        DROOP = "droop", _("Largest remainder, Droop quota")
        IMPERIALI = "imperiali", _("Largest remainder, Imperiali quota")
        DHONDT = "dhondt", _("Highest averages, D'Hondt")
        SAINTE_LAGUE = "sainte_lague", _("Highest averages, Sainte-Laguë")
        MODIFIED_SAINTE_LAGUE = "modified_sainte_lague", _("Modified Sainte-Laguë (1.4)")
        PLURALITY = "plurality", _("Plurality (first past the post)")
        MAJORITY = "majority", _("Absolute majority")

    class ThresholdBase(models.TextChoices):
        CAST = "cast", _("All votes cast, incl. against all and invalid")
        VALID = "valid", _("Valid votes")
        PARTIES = "parties", _("Votes for parties")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="contests")
    code = models.SlugField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="contests", help_text=_("Empty for nationwide"))
    method = models.CharField(max_length=32, choices=Method.choices)
    seats = models.PositiveIntegerField(default=1)
    threshold_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    threshold_base = models.CharField(max_length=16, choices=ThresholdBase.choices,
                                      default=ThresholdBase.CAST)
    has_against_all = models.BooleanField(default=False)
    ballot_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["election", "ballot_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["election", "code"], name="contest_code_unique"),
        ]

    @property
    def has_districts(self) -> bool:
        return self.kind in {self.Kind.SINGLE_MEMBER, self.Kind.MULTI_MEMBER, self.Kind.COUNCIL}

    def electoral_system(self) -> dict:
        """The parameters ``pollwatch.analysis.seats`` needs."""
        return {
            "method": self.method,
            "seats": self.seats,
            "threshold": float(self.threshold_percent),
            "threshold_base": self.threshold_base,
        }


class ElectoralDistrict(Named):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="districts")
    code = models.CharField(max_length=64)
    seats = models.PositiveSmallIntegerField(default=1)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")

    class Meta:
        ordering = ["contest", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "code"], name="district_code_unique"),
        ]


class Choice(Named):
    """What a voter can mark: a party, a candidate, or "against all"."""

    class Kind(models.TextChoices):
        PARTY = "party", _("Party")
        CANDIDATE = "candidate", _("Candidate")
        AGAINST_ALL = "against_all", _("Against all")
        YES = "yes", _("Yes")
        NO = "no", _("No")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="choices")
    district = models.ForeignKey(ElectoralDistrict, null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="choices")
    code = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PARTY)
    party = models.CharField(max_length=255, blank=True, help_text=_("Nominating party"))
    ballot_number = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["contest", "district", "ballot_number", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "code"], name="choice_code_unique"),
        ]

    @property
    def is_against_all(self) -> bool:
        return self.kind == self.Kind.AGAINST_ALL


class StationDistrict(models.Model):
    """The electoral district a polling station belongs to in one contest."""

    station = models.ForeignKey(PollingStation, on_delete=models.CASCADE,
                                related_name="district_links")
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(ElectoralDistrict, on_delete=models.CASCADE,
                                 related_name="station_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "contest"], name="one_district_per_contest"),
        ]
