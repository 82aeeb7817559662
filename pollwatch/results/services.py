"""Writing official results: imports, column mappings, announced seats; and reading them back.

Imports are all or nothing, like every table import: the whole file is checked, every bad row
and column reported (``ImportRejected``), and only a clean file is written, as a new batch, in
one transaction. Importing a file that was already imported for the same contest and stage
changes nothing and says which batch holds it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from pollwatch.accounts import audit
from pollwatch.accounts.models import AuditEntry, User
from pollwatch.analysis import InputError
from pollwatch.analysis.protocols import check_protocols
from pollwatch.elections.models import Choice, Contest, Election, PollingStation, StationDistrict
from pollwatch.elections.tabular import (
    ImportRejected,
    ImportReport,
    RowReader,
    Table,
    normalise_header,
    read_table,
)

from .models import FIGURES, ColumnMapping, OfficialResult, ResultBatch, SeatAnnouncement, Stage

BATCH = 2000
STAGES = [stage.value for stage in Stage]

#: Column headers recognised without a mapping (after normalise_header), per field.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "station": ("station", "station_code", "polling_station", "precinct", "uik", "psc"),
    "district": ("district", "district_code"),
    "registered": ("registered", "registered_voters", "voters_registered"),
    "received": ("received", "ballots_received"),
    "issued": ("issued", "ballots_issued"),
    "cancelled": ("cancelled", "ballots_cancelled", "unused_ballots"),
    "ballots": ("ballots", "ballots_in_boxes", "ballots_found", "ballots_cast"),
    "valid": ("valid", "valid_votes", "valid_ballots"),
    "invalid": ("invalid", "invalid_ballots", "invalid_votes"),
}


# --- reading files ------------------------------------------------------------------------

def read_bytes(file: str | Path | IO[bytes]) -> tuple[bytes, str]:
    """The bytes of an import file (a path or an open binary file) and the name to report it by."""
    if isinstance(file, str | Path):
        path = Path(file)
        return path.read_bytes(), path.name
    data = file.read()
    return data, getattr(file, "name", "") or "upload"


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _actor_fields(actor: audit.Actor) -> dict[str, Any]:
    if isinstance(actor, User):
        return {"imported_by": actor, "actor": ""}
    return {"imported_by": None, "actor": actor or "system"}


# --- column mappings ----------------------------------------------------------------------

def mapping_fields(election: Election) -> list[str]:
    """The fields a column mapping may name: station, district, the figures, and
    ``choice:<code>`` for every choice of the election's contests."""
    codes = Choice.objects.filter(contest__election=election).values_list("code", flat=True)
    return ["station", "district", *FIGURES, *sorted({f"choice:{code}" for code in codes})]


def save_column_mapping(election: Election, name: str, columns: Mapping[str, str],
                        actor: audit.Actor, note: str = "") -> ColumnMapping:
    """Create or replace the election's mapping ``name``: ``{field: column header}``."""
    allowed = set(mapping_fields(election))
    unknown = sorted(set(columns) - allowed)
    if unknown:
        raise ValueError(_("unknown field(s) %(fields)s; a mapping names station, district, %(figures)s "
                           "and choice:<code>")
                         % {"fields": ", ".join(unknown), "figures": ", ".join(FIGURES)})
    if not columns.get("station"):
        raise ValueError(_("a mapping must say which column holds the polling station (station)"))
    cleaned = {key: str(value).strip() for key, value in columns.items() if str(value).strip()}
    mapping = ColumnMapping.objects.filter(election=election, name=name).first()
    mapping = mapping or ColumnMapping(election=election, name=name,
                                       created_by=actor if isinstance(actor, User) else None)
    mapping.columns = cleaned
    mapping.note = note
    audit.save_audited(mapping, actor)
    return mapping


def _mapping_columns(election: Election, mapping: ColumnMapping | Mapping[str, str] | str | None
                     ) -> tuple[dict[str, str], str]:
    if mapping is None:
        return {}, ""
    if isinstance(mapping, str):
        found = ColumnMapping.objects.filter(election=election, name=mapping).first()
        if found is None:
            known = ", ".join(election.result_mappings.values_list("name", flat=True)) or _("none")
            raise ValueError(_("no column mapping %(mapping)s for %(election)s (saved: %(known)s)")
                             % {"mapping": repr(mapping), "election": election.code, "known": known})
        mapping = found
    if isinstance(mapping, ColumnMapping):
        return dict(mapping.columns), mapping.name
    return dict(mapping), ""


@dataclass
class _Columns:
    """Which header of the table holds each field, and the choices' vote columns."""

    fields: dict[str, str] = field(default_factory=dict)
    votes: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def _resolve_columns(table: Table, contest: Contest, choices: list[Choice],
                     mapping: dict[str, str], report: ImportReport) -> _Columns:
    headers = set(table.headers)
    columns = _Columns()
    for name, aliases in DEFAULT_COLUMNS.items():
        wanted = mapping.get(name)
        if wanted:
            header = normalise_header(wanted)
            if header not in headers:
                report.add_error(1, wanted, _("the mapping puts %(field)s in this column, which the file "
                                              "lacks") % {"field": name})
            else:
                columns.fields[name] = header
            continue
        found = next((a for a in aliases if a in headers), None)
        if found:
            columns.fields[name] = found
    if "station" not in columns.fields:
        report.add_error(1, "station", _("required column is missing (the polling station's code)"))
    for choice in choices:
        wanted = mapping.get(f"choice:{choice.code}")
        candidates = ([normalise_header(wanted)] if wanted else
                      [f"votes:{choice.code}", f"choice:{choice.code}", normalise_header(choice.code)])
        header = next((c for c in candidates if c in headers), None)
        if header:
            columns.votes[choice.code] = header
        elif wanted:
            report.add_error(1, wanted, _("the mapping puts the votes for %(choice)s in this column, which "
                                          "the file lacks") % {"choice": choice.code})
        elif not contest.has_districts:
            report.add_error(1, f"votes:{choice.code}",
                             _("no column for the votes of %(name)s (%(choice)s)")
                             % {"name": choice.name, "choice": choice.code})
    if contest.has_districts and not columns.votes:
        report.add_error(1, "", _("no column holds votes for a choice of %(contest)s")
                                % {"contest": contest.code})
    used = set(columns.fields.values()) | set(columns.votes.values())
    columns.ignored = [h for h in table.headers if h and h not in used]
    return columns


# --- table import -------------------------------------------------------------------------

@dataclass
class ParsedRow:
    """One station's row of an import, read and checked, ready for :func:`write_batch`."""

    station_id: int
    code: str
    district_id: int | None
    figures: dict[str, int]
    votes: dict[str, int]


def _parse_rows(table: Table, contest: Contest, columns: _Columns, report: ImportReport
                ) -> list[ParsedRow]:
    stations = dict(PollingStation.objects.filter(election=contest.election)
                    .values_list("code", "pk"))
    districts = dict(StationDistrict.objects.filter(contest=contest)
                     .values_list("station_id", "district_id"))
    ballot = _district_ballots(contest) if contest.has_districts else {}
    parsed: list[ParsedRow] = []
    seen: dict[str, int] = {}
    for line, values in table.rows:
        row = RowReader(report, line, values)
        code = row.text(columns.fields.get("station", "station"), required=True, max_length=64)
        figures = {}
        for name in FIGURES:
            if name in columns.fields:
                number = row.integer(columns.fields[name])
                if number is not None:
                    figures[name] = number
        votes = {}
        for choice_code, header in columns.votes.items():
            number = row.integer(header, required=not contest.has_districts)
            if number is not None:
                votes[choice_code] = number
        station_id = stations.get(code)
        if code and station_id is None:
            row.error(columns.fields["station"], _("no polling station %(station)s in %(election)s")
                      % {"station": repr(code), "election": contest.election.code})
        elif code in seen:
            row.error(columns.fields["station"], _("%(code)s appears again (first on line %(line)s)")
                      % {"code": repr(code), "line": seen[code]})
        district_id = districts.get(station_id) if station_id else None
        if contest.has_districts and station_id:
            _check_ballot(row, columns, votes, ballot.get(district_id), code)
        if code:
            seen.setdefault(code, line)
        if row.ok and station_id:
            parsed.append(ParsedRow(station_id, code, district_id, figures, votes))
    return parsed


def _district_ballots(contest: Contest) -> dict[int | None, set[str]]:
    ballots: dict[int | None, set[str]] = {}
    for district_id, code in contest.choices.values_list("district_id", "code"):
        ballots.setdefault(district_id, set()).add(code)
    return ballots


def _check_ballot(row: RowReader, columns: _Columns, votes: dict[str, int],
                  ballot: set[str] | None, code: str) -> None:
    if ballot is None:
        row.error(columns.fields["station"], _("polling station %(station)s has no district in this contest")
                  % {"station": code})
        return
    for choice_code, number in votes.items():
        if choice_code not in ballot and number:
            row.error(columns.votes[choice_code],
                      _("%(choice)s is not on the ballot of polling station %(station)s's district")
                      % {"choice": choice_code, "station": code})


def _reconciliation(election: Election, rows: list[ParsedRow], choices: list[str]
                    ) -> dict[str, list[dict[str, Any]]]:
    """Control-equation failures per station code (the commission's own arithmetic)."""
    if not rows:
        return {}
    table: dict[str, list[Any]] = {"station": [r.code for r in rows]}
    for name in FIGURES:
        table[name] = [r.figures.get(name) for r in rows]
    for code in choices:
        table[code] = [r.votes.get(code) for r in rows]
    try:
        result = check_protocols(table, election.equations(), choices=choices)
    except InputError:
        return {}
    failures: dict[str, list[dict[str, Any]]] = {}
    for failure in result.failures:
        failures.setdefault(failure.station, []).append(
            {"equation": failure.equation, "expression": failure.expression,
             "lhs": failure.lhs, "rhs": failure.rhs, "difference": failure.difference})
    return failures


def import_results(election: Election, contest: Contest, file: str | Path | IO[bytes], *,
                   stage: str, actor: audit.Actor, name: str | None = None,
                   mapping: ColumnMapping | Mapping[str, str] | str | None = None,
                   note: str = "") -> ImportReport:
    """Import the commission's results for ``contest`` from a CSV or XLSX table as a new batch.

    Columns: the station code, optional figures (registered, received, issued, cancelled,
    ballots, valid, invalid) and one column of votes per choice (headed by the choice code,
    ``votes:<code>``, or as the ``mapping`` says). Raises ``ImportRejected`` listing every bad
    line and column; nothing is written then.
    """
    if contest.election_id != election.pk:
        raise ValueError(_("contest %(contest)s is not part of %(election)s")
                         % {"contest": contest.code, "election": election.code})
    if stage not in STAGES:
        raise ValueError(_("stage must be one of %(allowed)s, not %(value)s")
                         % {"allowed": ", ".join(STAGES), "value": repr(stage)})
    data, default_name = read_bytes(file)
    source = name or default_name
    columns_map, mapping_name = _mapping_columns(election, mapping)
    duplicate = find_duplicate(contest, stage, data, source)
    if duplicate is not None:
        return duplicate
    table = read_table(io.BytesIO(data), source)
    report = ImportReport(table.source)
    choices = list(contest.choices.order_by("ballot_number", "code"))
    columns = _resolve_columns(table, contest, choices, columns_map, report)
    if report.errors:
        raise ImportRejected(report)
    rows = _parse_rows(table, contest, columns, report)
    if report.errors:
        raise ImportRejected(report)
    if not rows:
        report.add_error(0, "", _("the file holds no results"))
        raise ImportRejected(report)
    batch = write_batch(contest, rows, stage=stage, fmt=ResultBatch.Format.TABLE, source=source,
                         sha256=file_hash(data), actor=actor, note=note,
                         mapping={**columns.fields, **{f"choice:{k}": v for k, v in columns.votes.items()}},
                         mapping_name=mapping_name)
    return report_for(batch, report, ignored=columns.ignored)


def find_duplicate(contest: Contest, stage: str, data: bytes, source: str) -> ImportReport | None:
    """The report of an earlier import of the same file (same contest, stage and SHA-256),
    saying which batch holds it; ``None`` when the file is new. Importing twice changes nothing."""
    batch = ResultBatch.objects.filter(contest=contest, stage=stage, sha256=file_hash(data)).first()
    if batch is None:
        return None
    report = ImportReport(source, unchanged=batch.station_count)
    report.details = {"batch": batch.pk, "number": batch.number, "duplicate": True,
                      "message": _("this file was already imported as batch #%(number)s")
                                 % {"number": batch.number}}
    return report


def report_for(batch: ResultBatch, report: ImportReport, **details: Any) -> ImportReport:
    """``report`` completed with what was written: the new batch, its number, stage and summary."""
    report.created = batch.station_count
    report.details = {"batch": batch.pk, "number": batch.number, "stage": batch.stage,
                      "summary": batch.summary, **details}
    return report


def _totals(rows: Iterable[ParsedRow]) -> dict[str, dict[str, int]]:
    figures: dict[str, int] = {}
    votes: dict[str, int] = {}
    for row in rows:
        for key, value in row.figures.items():
            figures[key] = figures.get(key, 0) + value
        for key, value in row.votes.items():
            votes[key] = votes.get(key, 0) + value
    return {"figures": figures, "votes": votes}


def write_batch(contest: Contest, rows: list[ParsedRow], *, stage: str, fmt: str, source: str,
                sha256: str, actor: audit.Actor, note: str = "", mapping: dict | None = None,
                mapping_name: str = "") -> ResultBatch:
    """Write ``rows`` as the contest's next batch, in one transaction, with each station's
    reconciliation of its protocol, the batch's totals and its summary of changes; audited.
    The rows must be checked already (the table and NIST imports do)."""
    choices = list(contest.choices.values_list("code", flat=True))
    failures = _reconciliation(contest.election, rows, choices)
    with transaction.atomic():
        number = (ResultBatch.objects.filter(contest=contest).aggregate(n=Max("number"))["n"] or 0) + 1
        batch = ResultBatch.objects.create(
            election=contest.election, contest=contest, stage=stage, number=number, format=fmt,
            source=source[:255], sha256=sha256, mapping=mapping or {}, mapping_name=mapping_name,
            station_count=len(rows), totals=_totals(rows), note=note, **_actor_fields(actor))
        objects = [OfficialResult(batch=batch, station_id=r.station_id, contest=contest,
                                  district_id=r.district_id, figures=r.figures, votes=r.votes,
                                  reconciles=r.code not in failures, failures=failures.get(r.code, []))
                   for r in rows]
        OfficialResult.objects.bulk_create(objects, batch_size=BATCH)
        previous = (ResultBatch.objects.filter(contest=contest, number__lt=number)
                    .order_by("-number").first())
        if previous is not None:
            comparison = compare_batches(previous, batch)
            batch.summary = comparison.summary()
            batch.save(update_fields=["summary"])
        audit.record(actor, AuditEntry.Action.IMPORT, batch, changes={
            "source": source, "sha256": sha256, "stage": stage, "stations": len(rows),
            "not_reconciling": len(failures), "summary": batch.summary})
    return batch


# --- comparing batches --------------------------------------------------------------------

@dataclass(frozen=True)
class LineChange:
    line: str
    before: int | None
    after: int | None

    @property
    def difference(self) -> int:
        return (self.after or 0) - (self.before or 0)


@dataclass
class StationChange:
    """How one station's figures changed from one batch to the next."""

    station_id: int
    station_code: str
    kind: str  # added, removed or changed
    lines: list[LineChange]

    @property
    def votes_moved(self) -> int:
        """The sum of the absolute changes of the choices' votes."""
        return sum(abs(c.difference) for c in self.lines if c.line.startswith("votes:"))

    @property
    def figures_moved(self) -> int:
        return sum(abs(c.difference) for c in self.lines if not c.line.startswith("votes:"))


@dataclass
class BatchComparison:
    earlier: ResultBatch
    later: ResultBatch
    changes: list[StationChange]

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    def summary(self) -> dict[str, Any]:
        return {"previous": self.earlier.number, "added": self.count("added"),
                "removed": self.count("removed"), "changed": self.count("changed"),
                "votes_moved": sum(c.votes_moved for c in self.changes if c.kind == "changed")}


def _lines(figures: Mapping[str, int], votes: Mapping[str, int]) -> dict[str, int]:
    return {**figures, **{f"votes:{k}": v for k, v in votes.items()}}


def line_order(contest: Contest) -> dict[str, int]:
    """Protocol lines in protocol order, then ``votes:<choice>`` in ballot order (stored JSON
    keeps no order on PostgreSQL)."""
    codes = contest.choices.order_by("district__code", "ballot_number", "code").values_list("code", flat=True)
    return {name: i for i, name in enumerate([*FIGURES, *[f"votes:{c}" for c in codes]])}


def compare_batches(earlier: ResultBatch, later: ResultBatch) -> BatchComparison:
    """Every station whose figures differ between two batches of a contest, added to or
    missing from the later one, the largest change of votes first."""
    def rows(batch: ResultBatch) -> dict[int, tuple[str, dict[str, int]]]:
        return {sid: (code, _lines(figures, votes)) for sid, code, figures, votes in
                batch.results.values_list("station_id", "station__code", "figures", "votes")}

    before, after = rows(earlier), rows(later)
    order = line_order(later.contest)
    changes = []
    for sid in sorted(set(before) | set(after)):
        code = (after.get(sid) or before[sid])[0]
        old = before.get(sid, ("", {}))[1]
        new = after.get(sid, ("", {}))[1]
        kind = "added" if sid not in before else "removed" if sid not in after else "changed"
        names = sorted({*old, *new}, key=lambda name: (order.get(name, len(order)), name))
        lines = [LineChange(name, old.get(name), new.get(name)) for name in names
                 if old.get(name) != new.get(name)]
        if kind != "changed" or lines:
            changes.append(StationChange(sid, code, kind, lines))
    changes.sort(key=lambda c: (c.kind != "changed", -c.votes_moved, -c.figures_moved, c.station_code))
    return BatchComparison(earlier, later, changes)


# --- the current official result ----------------------------------------------------------

def batches_by_precedence(contest: Contest) -> list[ResultBatch]:
    """The contest's batches, the one that decides first (final over preliminary, newer
    over older)."""
    return sorted(contest.result_batches.all(), key=lambda b: b.rank(), reverse=True)


#: How long the current result of a contest stays cached; a new batch changes the key at once.
CACHE_SECONDS = 900


def _current_key(batches: list[ResultBatch]) -> str:
    stamp = "|".join(f"{b.pk}:{b.sha256}:{b.imported_at.isoformat()}" for b in batches)
    return "results:current:" + hashlib.sha256(stamp.encode()).hexdigest()


def current_rows(contest: Contest, *, batch: ResultBatch | None = None,
                 station_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """The official result of each station: its row in ``batch`` when given, else in the
    batch of highest precedence that has it. Each row: station_id, station (code), region
    (code), registered_voters, district_id, figures, votes, reconciles, batch_id.

    The whole current result is cached (batches never change; a new one makes a new key)."""
    batches = [batch] if batch is not None else batches_by_precedence(contest)
    if not batches:
        return []
    key = _current_key(batches)
    rows = cache.get(key)
    if rows is None and station_ids is None:
        rows = _rows_of(batches, None)
        cache.set(key, rows, CACHE_SECONDS)
    if rows is not None:
        if station_ids is None:
            return rows
        wanted = set(station_ids)
        return [row for row in rows if row["station_id"] in wanted]
    return _rows_of(batches, set(station_ids or ()))


def _rows_of(batches: list[ResultBatch], wanted: set[int] | None) -> list[dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for item in batches:
        query = item.results.all()
        if wanted is not None:
            query = query.filter(station_id__in=wanted)
        for row in query.values("station_id", "station__code", "station__region__code",
                                "station__registered_voters", "district_id", "figures", "votes",
                                "reconciles", "batch_id"):
            if row["station_id"] in found:
                continue
            found[row["station_id"]] = {
                "station_id": row["station_id"], "station": row["station__code"],
                "region": row["station__region__code"] or "",
                "registered_voters": row["station__registered_voters"],
                "district_id": row["district_id"], "figures": row["figures"], "votes": row["votes"],
                "reconciles": row["reconciles"], "batch_id": row["batch_id"]}
        if wanted is not None and wanted <= set(found):
            break
    return sorted(found.values(), key=lambda r: r["station"])


def current_totals(contest: Contest, *, batch: ResultBatch | None = None
                   ) -> dict[str, dict[str, int]] | None:
    """National sums of the current official result (``{"figures": ..., "votes": ...}``):
    a batch's stored totals when one batch decides for every station, else summed row by row."""
    batches = [batch] if batch is not None else batches_by_precedence(contest)
    if not batches:
        return None
    top = batches[0]
    covered = top.station_count
    if len(batches) > 1:
        stations = OfficialResult.objects.filter(batch__contest=contest).values("station_id")
        covered = stations.distinct().count()
    if top.station_count >= covered:
        return top.totals
    figures: dict[str, int] = {}
    votes: dict[str, int] = {}
    for row in current_rows(contest):
        for key, value in row["figures"].items():
            figures[key] = figures.get(key, 0) + value
        for key, value in row["votes"].items():
            votes[key] = votes.get(key, 0) + value
    return {"figures": figures, "votes": votes}


# --- announced seats ----------------------------------------------------------------------

def announce_seats(contest: Contest, seats: Mapping[str, int], *, source: str, actor: audit.Actor,
                   announced_on: dt.date | None = None) -> SeatAnnouncement:
    """Record the seats the commission announced per choice (by choice code)."""
    codes = set(contest.choices.values_list("code", flat=True))
    unknown = sorted(set(seats) - codes)
    if unknown:
        raise ValueError(_("%(codes)s: not a choice of %(contest)s")
                         % {"codes": ", ".join(unknown), "contest": contest.code})
    cleaned = {}
    for code, value in seats.items():
        if int(value) != value or value < 0:
            raise ValueError(_("seats for %(choice)s must be a whole number of 0 or more") % {"choice": code})
        cleaned[code] = int(value)
    if contest.seats and sum(cleaned.values()) > contest.seats:
        raise ValueError(_("%(announced)s seats announced but %(contest)s has %(seats)s")
                         % {"announced": sum(cleaned.values()), "contest": contest.code,
                            "seats": contest.seats})
    if not source.strip():
        raise ValueError(_("say where the announcement comes from (source)"))
    announcement = SeatAnnouncement(contest=contest, seats=cleaned, source=source.strip(),
                                    announced_on=announced_on,
                                    recorded_by=actor if isinstance(actor, User) else None)
    audit.save_audited(announcement, actor)
    return announcement
