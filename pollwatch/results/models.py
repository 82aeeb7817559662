"""Official results: what the election commission published, station by station.

Each import of the commission's figures is a :class:`ResultBatch` (its source, file hash, time
and who imported it) holding one :class:`OfficialResult` per polling station. A later batch
never changes an earlier one; the current official figure of a station is its row in the
newest batch that has it (final batches before preliminary ones), and the differences between
batches are listed by :func:`pollwatch.results.services.compare_batches`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pollwatch.elections.models import Choice, Contest, Election, ElectoralDistrict, PollingStation

#: The protocol lines of an official result, in protocol order (the same keys as an
#: observed protocol's ``figures``).
FIGURES = ("registered", "received", "issued", "cancelled", "ballots", "valid", "invalid")


class Stage(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminary")
    FINAL = "final", _("Final")


class ColumnMapping(models.Model):
    """Which column of a commission's table holds which figure, saved per election.

    ``columns`` maps a field to a column header: ``station``, ``district``, the figures
    (``registered``, ``ballots``...) and ``choice:<code>`` for votes.
    """

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="result_mappings")
    name = models.SlugField(max_length=64)
    columns = models.JSONField(default=dict)
    note = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["election", "name"]
        constraints = [
            models.UniqueConstraint(fields=["election", "name"], name="result_mapping_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ResultBatch(models.Model):
    """One import of official results for one contest: kept as it was, never overwritten."""

    class Format(models.TextChoices):
        TABLE = "table", _("CSV or XLSX table")
        NIST = "nist", _("NIST SP 1500-100 v2 JSON")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="result_batches")
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="result_batches")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    number = models.PositiveIntegerField(help_text=_("1, 2, ... per contest, in import order"))
    format = models.CharField(max_length=8, choices=Format.choices)
    source = models.CharField(max_length=255, help_text=_("File name or where it came from"))
    sha256 = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict, blank=True, help_text=_("The column mapping used"))
    mapping_name = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    actor = models.CharField(max_length=150, blank=True, help_text=_("cli, demo... when no user"))
    station_count = models.PositiveIntegerField(default=0)
    totals = models.JSONField(default=dict, blank=True,
                              help_text=_('{"figures": {...}, "votes": {...}}: sums over stations'))
    summary = models.JSONField(default=dict, blank=True,
                               help_text=_("Stations added, removed and changed since the batch before"))
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["contest", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="result_batch_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.contest.code} #{self.number} ({self.get_stage_display()})"

    @property
    def who(self) -> str:
        if self.imported_by_id:
            return self.imported_by.get_full_name() or self.imported_by.username
        return self.actor

    def rank(self) -> tuple[int, int]:
        """Order of precedence: final batches over preliminary ones, then newer over older."""
        return (1 if self.stage == Stage.FINAL else 0, self.number)


class OfficialResult(models.Model):
    """The commission's figures for one polling station and contest, in one batch."""

    batch = models.ForeignKey(ResultBatch, on_delete=models.CASCADE, related_name="results")
    station = models.ForeignKey(PollingStation, on_delete=models.PROTECT, related_name="official_results")
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(ElectoralDistrict, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    figures = models.JSONField(default=dict, help_text=_("registered, received, issued, cancelled, "
                                                         "ballots, valid, invalid (those given)"))
    votes = models.JSONField(default=dict, help_text=_('{"<choice code>": votes}'))
    reconciles = models.BooleanField(default=True, help_text=_("All control equations hold"))
    failures = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["batch", "station"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "station"], name="official_result_unique"),
        ]
        indexes = [models.Index(fields=["contest", "station"])]

    def __str__(self) -> str:
        return f"{self.station.code} in {self.batch}"

    def figure(self, name: str) -> int | None:
        return self.figures.get(name)

    @property
    def votes_total(self) -> int:
        return sum(self.votes.values())


class SeatAnnouncement(models.Model):
    """The seats the commission announced for a contest, to check against the votes."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="seat_announcements")
    seats = models.JSONField(help_text=_('{"<choice code>": seats}'))
    source = models.CharField(max_length=255, help_text=_("e.g. CEC release of 27 March 2023"))
    announced_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["contest", "-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"Seats of {self.contest.code} ({self.source})"

    def seats_for(self, choice: Choice) -> int | None:
        return self.seats.get(choice.code)
