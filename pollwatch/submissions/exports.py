"""Exports of submissions, incidents and observed protocols as CSV, XLSX and GeoJSON.

Everything is streamed: rows are read from the database in chunks (``iterator``) and written
as they come, so an export has no row cap and its first bytes leave at once, whatever its
size. XLSX is written as a streamed zip (a minimal SpreadsheetML workbook with inline
strings), so a million rows never sit in memory or on disk.

A form's submissions use the columns of every version of the form
(``checklists.services.export_columns``): a form edited in the middle of election day gives
one file whose columns do not shift; a question a version did not ask is left empty.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from pollwatch.checklists.models import Form
from pollwatch.missions.models import Mission

from .models import Incident, ObservedProtocol, Submission

CHUNK = 2000
FORMATS = ("csv", "xlsx", "geojson")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


@dataclass
class Table:
    """A header and a stream of rows; ``points`` gives each row's (lon, lat) for GeoJSON."""

    name: str
    header: list[str]
    rows: Iterable[tuple[list[Any], tuple[float, float] | None]]


# --- tables ---------------------------------------------------------------------------------

def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return json.dumps(value, ensure_ascii=False)
        return " ".join(str(v) for v in value)
    if isinstance(value, dict):
        if "lat" in value and "lon" in value:
            return " ".join(str(value[k]) for k in ("lat", "lon", "alt", "accuracy") if k in value)
        return json.dumps(value, ensure_ascii=False)
    return value


def _point(station: Any) -> tuple[float, float] | None:
    if station is None or station.latitude is None or station.longitude is None:
        return None
    return float(station.longitude), float(station.latitude)


def _when(moment: Any) -> str:
    return moment.isoformat() if moment else ""


SUBMISSION_META = ["submission_id", "key", "revision", "is_current", "supersedes", "form",
                   "form_version", "station", "region", "observer", "team", "channel",
                   "received_at_utc", "received_at_local", "observed_at_utc", "flags"]


def submissions_table(mission: Mission, form: Form, *, include_superseded: bool = False) -> Table:
    from pollwatch.checklists.services import export_columns

    # The station question is the ``station`` column already; other names that clash with a
    # meta column get an ``answer_`` prefix.
    columns = [c for c in export_columns(form) if c.name != "station"]
    header = SUBMISSION_META + [f"answer_{c.name}" if c.name in SUBMISSION_META else c.name
                                for c in columns]
    query = (Submission.objects.filter(mission=mission, form=form, is_test=False)
             .select_related("station", "station__region", "observer", "team", "form_version")
             .order_by("received_at", "id"))
    if not include_superseded:
        query = query.filter(is_current=True)

    def rows() -> Iterator[tuple[list[Any], tuple[float, float] | None]]:
        for s in query.iterator(chunk_size=CHUNK):
            station = s.station
            local = station.to_local(s.received_at).isoformat() if station else ""
            meta = [s.pk, s.key, s.revision, _text(s.is_current), s.supersedes_id or "", form.code,
                    s.form_version.number, station.code if station else "",
                    station.region.name if station and station.region_id else "",
                    s.observer.full_name if s.observer_id else "", s.team.code if s.team_id else "",
                    s.channel, _when(s.received_at), local, _when(s.observed_at),
                    " ".join(flag.get("code", "") for flag in s.flags or [])]
            answers = s.answers or {}
            yield meta + [_text(answers.get(c.name)) for c in columns], _point(station)

    return Table(f"{mission.code}-{form.code}", header, rows())


INCIDENT_HEADER = ["incident_id", "submission_id", "station", "region", "category", "severity",
                   "status", "occurred_at_utc", "reported_at_utc", "reported_by", "description",
                   "escalated_to", "acknowledged_at_utc"]


def incidents_table(mission: Mission) -> Table:
    query = (Incident.objects.filter(mission=mission)
             .select_related("station", "station__region", "reported_by")
             .prefetch_related("events").order_by("reported_at", "id"))

    def rows() -> Iterator[tuple[list[Any], tuple[float, float] | None]]:
        for i in query.iterator(chunk_size=CHUNK):
            escalations = [e for e in i.events.all() if e.escalated_to]
            last = escalations[-1] if escalations else None
            station = i.station
            yield [i.pk, i.submission_id or "", station.code if station else "",
                   station.region.name if station and station.region_id else "", i.category,
                   i.severity, i.status, _when(i.occurred_at), _when(i.reported_at),
                   i.reported_by.full_name if i.reported_by_id else "", i.description,
                   last.escalated_to if last else "", _when(last.acknowledged_at) if last else ""
                   ], _point(station)

    return Table(f"{mission.code}-incidents", INCIDENT_HEADER, rows())


def protocols_table(mission: Mission, contest: Any = None) -> Table:
    from pollwatch.checklists.protocols import FIGURES

    query = (ObservedProtocol.objects.filter(mission=mission, is_current=True)
             .select_related("station", "station__region", "contest", "district", "submission")
             .order_by("contest_id", "station__code", "id"))
    contests = [contest] if contest is not None else list(
        mission.election.contests.order_by("ballot_order", "code"))
    if contest is not None:
        query = query.filter(contest=contest)
    choice_codes: list[str] = []
    for item in contests:
        for code in item.choices.order_by("district", "ballot_number", "code").values_list("code", flat=True):
            if code not in choice_codes:
                choice_codes.append(code)
    header = (["protocol_id", "submission_id", "contest", "district", "station", "region",
               "reconciles", "failures"] + list(FIGURES) + choice_codes)

    def rows() -> Iterator[tuple[list[Any], tuple[float, float] | None]]:
        for p in query.iterator(chunk_size=CHUNK):
            station = p.station
            yield ([p.pk, p.submission_id, p.contest.code, p.district.code if p.district_id else "",
                    station.code, station.region.name if station.region_id else "",
                    _text(p.reconciles), " ".join(f["equation"] for f in p.failures or [])]
                   + [p.figures.get(f, "") for f in FIGURES]
                   + [p.votes.get(c, "") for c in choice_codes]), _point(station)

    name = f"{mission.code}-protocols" + (f"-{contest.code}" if contest is not None else "")
    return Table(name, header, rows())


# --- formats --------------------------------------------------------------------------------

class _Buffer:
    """A write-only file that hands out what was written since the last call."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def write(self, data: bytes | str) -> int:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts = []
        return data


def stream_csv(table: Table) -> Iterator[bytes]:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(table.header)
    for count, (row, _point) in enumerate(table.rows, start=1):
        writer.writerow(row)
        if count % 500 == 0:
            yield text.getvalue().encode("utf-8")
            text.seek(0)
            text.truncate()
    yield text.getvalue().encode("utf-8")


def stream_geojson(table: Table) -> Iterator[bytes]:
    yield b'{"type":"FeatureCollection","features":['
    first = True
    batch: list[str] = []
    for row, point in table.rows:
        geometry = {"type": "Point", "coordinates": list(point)} if point else None
        feature = {"type": "Feature", "geometry": geometry,
                   "properties": dict(zip(table.header, row, strict=True))}
        batch.append(("" if first else ",") + json.dumps(feature, ensure_ascii=False, default=str))
        first = False
        if len(batch) >= 500:
            yield "".join(batch).encode("utf-8")
            batch = []
    yield ("".join(batch) + "]}").encode("utf-8")


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: Any) -> str:
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = escape(str(value)).replace("\x00", "")
    text = "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32)
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


_SHEET_ML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        f'ContentType="{_SHEET_ML}.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{_SHEET_ML}.worksheet+xml"/>'
        '</Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        f'Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        f'Type="{_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        '</Relationships>'),
}


def stream_xlsx(table: Table) -> Iterator[bytes]:
    buffer = _Buffer()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:  # type: ignore[arg-type]
        for name, content in _XLSX_PARTS.items():
            archive.writestr(name, content)
        sheet = escape(table.name[:31]) or "Sheet1"
        archive.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        yield buffer.take()
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                       b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                       b"<sheetData>")
            letters = [_column_letter(i) for i in range(len(table.header))]
            for number, values in enumerate(_with_header(table), start=1):
                cells = "".join(_cell(f"{letters[i]}{number}", v) for i, v in enumerate(values)
                                if v != "" and v is not None)
                part.write(f'<row r="{number}">{cells}</row>'.encode())
                if number % 500 == 0:
                    yield buffer.take()
            part.write(b"</sheetData></worksheet>")
    yield buffer.take()


def _with_header(table: Table) -> Iterator[list[Any]]:
    yield list(table.header)
    for row, _point in table.rows:
        yield row


WRITERS = {"csv": stream_csv, "xlsx": stream_xlsx, "geojson": stream_geojson}


def stream(table: Table, fmt: str) -> Iterator[bytes]:
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return WRITERS[fmt](table)
