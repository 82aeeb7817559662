"""Writing elections and their geography: imports of areas and polling stations.

Imports are all or nothing: the whole file is checked first and every bad row, column and
reason reported; only a clean file is written, in one transaction. Re-importing the same file
changes nothing; a changed row updates its record.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from pollwatch.accounts import audit
from pollwatch.accounts.models import AuditEntry

from . import geometry
from .models import (
    DEFAULT_CLOSES_AT,
    DEFAULT_OPENS_AT,
    Area,
    Contest,
    Election,
    ElectoralDistrict,
    PollingStation,
    StationDistrict,
    available_time_zones,
)
from .tabular import ImportRejected, ImportReport, RowReader, read_table

BATCH = 2000
AREA_LEVELS = [level.value for level in Area.Level]
STATION_KINDS = [kind.value for kind in PollingStation.Kind]
STATION_FIELDS = ["area_id", "region_id", "name", "address", "latitude", "longitude",
                  "registered_voters", "kind", "timezone", "opens_at", "closes_at"]
#: How much of an import's detail the audit log keeps per entry.
AUDIT_DETAIL_LIMIT = 2000


GEOJSON_SUFFIXES = (".geojson", ".json")


def import_areas(election: Election, file: str | Path | IO[bytes], actor: audit.Actor,
                 name: str | None = None, code_property: str = "code") -> ImportReport:
    """Import the area tree from a table with ``code, parent, level, name, name_<lang>, timezone``.

    Parents may come later in the file than their children. A GeoJSON file (``.geojson`` or
    ``.json``) instead sets the boundaries of areas already imported: see ``import_boundaries``.
    """
    source = name or (str(file) if isinstance(file, str | Path) else getattr(file, "name", ""))
    if str(source).lower().endswith(GEOJSON_SUFFIXES):
        return import_boundaries(election, file, actor, name=name, code_property=code_property)
    table = read_table(file, name, required=["code", "level", "name"])
    report = ImportReport(table.source)
    existing = {area.code: area for area in election.areas.all()}
    parsed: dict[str, dict[str, Any]] = {}
    zones = available_time_zones()
    for line, values in table.rows:
        row = RowReader(report, line, values)
        code = row.text("code", required=True, max_length=64)
        item = {
            "line": line,
            "parent": row.text("parent", max_length=64, aliases=["parent_code"]),
            "level": row.choice("level", AREA_LEVELS),
            "name": row.text("name", required=True),
            "translations": row.translations("name"),
            "timezone": row.text("timezone", max_length=64),
        }
        if item["timezone"] and item["timezone"] not in zones:
            row.error("timezone", _("%(zone)s is not an IANA time zone name")
                      % {"zone": repr(item["timezone"])})
        if code in parsed:
            row.error("code", _("%(code)s appears again (first on line %(line)s)")
                      % {"code": repr(code), "line": parsed[code]["line"]})
        if code:
            parsed[code] = item
    for code, item in parsed.items():
        parent = item["parent"]
        if parent and parent not in parsed and parent not in existing:
            report.add_error(item["line"], "parent", _("no area with code %(code)s") % {"code": repr(parent)})
        if parent == code:
            report.add_error(item["line"], "parent", _("an area cannot be its own parent"))
    _check_cycles(parsed, report)
    if report.errors:
        raise ImportRejected(report)

    with transaction.atomic():
        changes: dict[str, Any] = {}
        for code in _parents_first(parsed, existing):
            item = parsed[code]
            area = existing.get(code) or Area(election=election, code=code)
            parent = existing.get(item["parent"]) if item["parent"] else None
            new_values = {"parent_id": parent.pk if parent else None, "level": item["level"],
                          "name": item["name"], "translations": item["translations"],
                          "timezone": item["timezone"]}
            before = {key: getattr(area, key) for key in new_values}
            old_path = area.path
            for key, value in new_values.items():
                setattr(area, key, value)
            area.parent = parent
            area.compute_path()
            if area.pk is None:
                area.save()
                report.created += 1
            elif before != new_values or old_path != area.path:
                area.save()
                report.updated += 1
                changes[code] = audit.diff(before, new_values)
            else:
                report.unchanged += 1
            existing[code] = area
        _refresh_station_regions(election)
        audit.record(actor, AuditEntry.Action.IMPORT, election, model="elections.Area",
                     object_repr=f"areas of {election}",
                     changes={"source": report.source, "created": report.created,
                              "updated": changes, "unchanged": report.unchanged})
    return report


def import_boundaries(election: Election, file: str | Path | IO[bytes], actor: audit.Actor,
                      name: str | None = None, code_property: str = "code",
                      tolerance: float = geometry.DEFAULT_TOLERANCE) -> ImportReport:
    """Set area boundaries from a GeoJSON FeatureCollection: each feature's ``code_property``
    property holds the code of an area of ``election``; its geometry is a Polygon or
    MultiPolygon in longitude/latitude, stored simplified (``elections.geometry``).

    All or nothing like the table imports; an error names the feature by its index (counting
    from 0). Areas that no feature names keep their boundary.
    """
    if isinstance(file, str | Path):
        data = Path(file).read_bytes()
        source = name or Path(file).name
    else:
        data = file.read()
        source = name or getattr(file, "name", "") or "upload"
    report = ImportReport(str(source))
    found = geometry.read_boundaries(data, code_property, tolerance)
    existing = {area.code: area for area in election.areas.all()}
    problems = list(found.problems)
    for code in found.geometries:
        if code not in existing:
            problems.append((found.index_of[code], code_property,
                             _("no area with code %(code)s in %(election)s")
                             % {"code": repr(code), "election": election.code}))
    for index, member, message in sorted(problems, key=lambda p: (p[0] is not None, p[0] or 0)):
        if index is None:
            report.add_problem(member or _("file"), message)
        else:
            report.add_problem(_("feature %(index)s (counting from 0), %(member)s")
                               % {"index": index, "member": member}, message)
    if report.errors:
        raise ImportRejected(report)
    with transaction.atomic():
        changed = []
        for code, shape in found.geometries.items():
            area = existing[code]
            if area.boundary == shape:
                report.unchanged += 1
                continue
            if area.boundary is None:
                report.created += 1
            else:
                report.updated += 1
            area.boundary = shape
            Area.objects.filter(pk=area.pk).update(boundary=shape)
            changed.append(code)
        audit.record(actor, AuditEntry.Action.IMPORT, election, model="elections.Area",
                     object_repr=f"area boundaries of {election}",
                     changes={"source": report.source, "boundaries_set": changed[:AUDIT_DETAIL_LIMIT],
                              "unchanged": report.unchanged})
    report.details = {"boundaries": len(found.geometries)}
    return report


def _check_cycles(parsed: dict[str, dict[str, Any]], report: ImportReport) -> None:
    for code, item in parsed.items():
        seen = {code}
        parent = item["parent"]
        while parent in parsed:
            if parent in seen:
                report.add_error(item["line"], "parent",
                                 _("the parents of %(code)s form a loop") % {"code": repr(code)})
                break
            seen.add(parent)
            parent = parsed[parent]["parent"]


def _parents_first(parsed: dict[str, dict[str, Any]], existing: dict[str, Area]) -> list[str]:
    order: list[str] = []
    placed: set[str] = set()

    def place(code: str) -> None:
        if code in placed:
            return
        parent = parsed[code]["parent"]
        if parent in parsed:
            place(parent)
        placed.add(code)
        order.append(code)

    for code in parsed:
        place(code)
    return order


def _refresh_station_regions(election: Election) -> None:
    """After the tree changes, fix every area's path and point each station at its region."""
    areas = list(election.areas.all())
    children: dict[int | None, list[Area]] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    pending = [(root, None) for root in children.get(None, [])]
    while pending:
        area, parent = pending.pop()
        old = (area.path, area.depth)
        area.path = f"{parent.path}/{area.code}" if parent else area.code
        area.depth = parent.depth + 1 if parent else 0
        if (area.path, area.depth) != old:
            Area.objects.filter(pk=area.pk).update(path=area.path, depth=area.depth)
        pending.extend((child, area) for child in children.get(area.pk, []))
    for area_id, region_id in _region_of_areas(areas).items():
        PollingStation.objects.filter(area_id=area_id).exclude(region_id=region_id).update(
            region_id=region_id
        )


def _region_of_areas(areas: list[Area]) -> dict[int, int | None]:
    """Each area's ancestor at depth 1 (the region), or itself when at depth 0 or 1."""
    by_code = {area.code: area for area in areas}
    result: dict[int, int | None] = {}
    for area in areas:
        codes = area.path.split("/")
        if len(codes) >= 2 and codes[1] in by_code:
            result[area.pk] = by_code[codes[1]].pk
        else:
            result[area.pk] = area.pk
    return result


def _effective_zones(election: Election, areas: list[Area]) -> dict[int, str]:
    """The time zone an area passes to its stations: its own, else its nearest ancestor's."""
    by_code = {area.code: area for area in areas}
    zones: dict[int, str] = {}
    for area in areas:
        zone = ""
        for code in reversed(area.path.split("/")):
            ancestor = by_code.get(code)
            if ancestor and ancestor.timezone:
                zone = ancestor.timezone
                break
        zones[area.pk] = zone or election.default_timezone
    return zones


def _district_columns(election: Election, headers: list[str], report: ImportReport
                      ) -> dict[str, tuple[Contest, dict[str, ElectoralDistrict]]]:
    """Columns named ``district:<contest code>`` map a station to its district per contest."""
    columns = {}
    contests = {contest.code: contest for contest in election.contests.all()}
    for header in headers:
        if not header.startswith("district:"):
            continue
        code = header.split(":", 1)[1]
        contest = contests.get(code)
        if contest is None:
            report.add_error(1, header, _("no contest with code %(code)s in %(election)s")
                             % {"code": repr(code), "election": election.code})
            continue
        columns[header] = (contest, {d.code: d for d in contest.districts.all()})
    return columns


def import_stations(election: Election, file: str | Path | IO[bytes], actor: audit.Actor,
                    name: str | None = None) -> ImportReport:
    """Import polling stations from a CSV or XLSX table.

    Columns: ``code, area`` (required), ``name, address, latitude, longitude,
    registered_voters, kind, timezone, opens_at, closes_at`` and one ``district:<contest>``
    column per contest with districts. A station without a time zone takes its area's.
    """
    table = read_table(file, name, required=["code", "area"])
    report = ImportReport(table.source)
    areas = list(election.areas.all())
    area_by_code = {area.code: area for area in areas}
    region_of = _region_of_areas(areas)
    zone_of = _effective_zones(election, areas)
    zones = available_time_zones()
    district_columns = _district_columns(election, table.headers, report)
    parsed: dict[str, tuple[int, tuple, dict[int, int]]] = {}

    for line, values in table.rows:
        row = RowReader(report, line, values)
        code = row.text("code", required=True, max_length=64)
        area_code = row.text("area", required=True, max_length=64, aliases=["area_code"])
        area = area_by_code.get(area_code)
        if area_code and area is None:
            row.error("area", _("no area with code %(code)s") % {"code": repr(area_code)})
        zone = row.text("timezone", max_length=64)
        if zone and zone not in zones:
            row.error("timezone", _("%(zone)s is not an IANA time zone name (e.g. Asia/Almaty)")
                      % {"zone": repr(zone)})
        registered = row.integer("registered_voters", minimum=0, maximum=10_000_000,
                                 aliases=["registered"])
        opens_at = row.time("opens_at") or DEFAULT_OPENS_AT
        closes_at = row.time("closes_at") or DEFAULT_CLOSES_AT
        if opens_at >= closes_at:
            row.error("closes_at", _("closing %(closes)s is not after opening %(opens)s")
                      % {"closes": f"{closes_at:%H:%M}", "opens": f"{opens_at:%H:%M}"})
        latitude = row.decimal("latitude", minimum=-90, maximum=90)
        longitude = row.decimal("longitude", minimum=-180, maximum=180)
        if (latitude is None) != (longitude is None):
            row.error("longitude" if longitude is None else "latitude",
                      _("latitude and longitude go together"))
        kind = row.choice("kind", STATION_KINDS, default="regular")
        name_value = row.text("name")
        address = row.text("address", max_length=500)
        links = {}
        for column, (contest, districts) in district_columns.items():
            district_code = row.raw(column)
            if not district_code:
                continue
            district = districts.get(district_code)
            if district is None:
                row.error(column, _("no district %(district)s in contest %(contest)s")
                          % {"district": repr(district_code), "contest": contest.code})
            else:
                links[contest.pk] = district.pk
        if code in parsed:
            row.error("code", _("%(code)s appears again (first on line %(line)s)")
                      % {"code": repr(code), "line": parsed[code][0]})
        if not row.ok or area is None:
            continue
        values_tuple = (area.pk, region_of[area.pk], name_value, address, latitude, longitude,
                        registered or 0, kind, zone or zone_of[area.pk], opens_at, closes_at)
        parsed[code] = (line, values_tuple, links)

    if report.errors:
        raise ImportRejected(report)
    with transaction.atomic():
        _write_stations(election, parsed, report, actor)
    return report


def _write_stations(election: Election, parsed: dict[str, tuple[int, tuple, dict[int, int]]],
                    report: ImportReport, actor: audit.Actor) -> None:
    existing = {
        row[0]: (row[1], tuple(row[2:]))
        for row in PollingStation.objects.filter(election=election).values_list(
            "code", "pk", *STATION_FIELDS
        )
    }
    to_create, to_update, changed = [], [], {}
    for code, (_line, values, _links) in parsed.items():
        current = existing.get(code)
        if current is None:
            to_create.append((election.pk, code, *values))
        elif _normalised(current[1]) != _normalised(values):
            to_update.append((*values, current[0]))
            if len(changed) < AUDIT_DETAIL_LIMIT:
                changed[code] = {
                    name: [audit.json_value(old), audit.json_value(new)]
                    for name, old, new in zip(STATION_FIELDS, current[1], values, strict=True)
                    if _normalised((old,)) != _normalised((new,))
                }
    _insert_rows(PollingStation, ["election_id", "code", *STATION_FIELDS], to_create)
    _update_rows(PollingStation, STATION_FIELDS, to_update)
    report.created, report.updated = len(to_create), len(to_update)
    links_changed = _write_district_links(election, parsed)
    report.unchanged = len(parsed) - report.created - report.updated
    report.details = {"district_links_changed": links_changed}
    audit.record(actor, AuditEntry.Action.IMPORT, election, model="elections.PollingStation",
                 object_repr=f"polling stations of {election}",
                 changes={"source": report.source, "created": report.created,
                          "updated": changed, "updated_count": report.updated,
                          "unchanged": report.unchanged, "district_links_changed": links_changed})


def _preparers(model: type[models.Model], fields: list[str]) -> list[Callable[[Any], Any]]:
    """Per column, how a Python value becomes a database parameter (times and decimals differ)."""
    preparers = []
    for name in fields:
        field = model._meta.get_field(name)
        if isinstance(field, models.TimeField | models.DecimalField):
            preparers.append(functools.partial(field.get_db_prep_save, connection=connection))
        else:
            preparers.append(lambda value: value)
    return preparers


def _insert_rows(model: type[models.Model], fields: list[str], rows: list[tuple]) -> None:
    """Insert many rows with one prepared statement: ten times faster than ``bulk_create`` for a
    national list, which matters when a commission re-issues it on the eve of election day."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    prepare = _preparers(model, fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path: a national list loads in a few seconds.
            with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, [tuple(p(v) for p, v in zip(prepare, row, strict=True))
                                     for row in rows[start:start + BATCH]])


def _update_rows(model: type[models.Model], fields: list[str], rows: list[tuple]) -> None:
    """Update rows given as ``(*values, pk)`` with one prepared statement."""
    if not rows:
        return
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(model._meta.get_field(name).column)} = %s" for name in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    prepare = [*_preparers(model, fields), lambda value: value]
    with connection.cursor() as cursor:
        cursor.executemany(sql, [tuple(p(v) for p, v in zip(prepare, row, strict=True))
                                 for row in rows])


def _normalised(values: tuple) -> tuple:
    """Compare database and file values alike (decimals and times from either side)."""
    out = []
    for value in values:
        if isinstance(value, dt.time):
            value = value.replace(second=0, microsecond=0)
        elif value is not None and hasattr(value, "normalize"):
            value = value.normalize()
        out.append(value)
    return tuple(out)


def _write_district_links(election: Election,
                          parsed: dict[str, tuple[int, tuple, dict[int, int]]]) -> int:
    if not any(links for _line, _values, links in parsed.values()):
        return 0
    station_ids = dict(PollingStation.objects.filter(election=election)
                       .values_list("code", "pk"))
    existing = {
        (station_id, contest_id): (pk, district_id)
        for pk, station_id, contest_id, district_id in StationDistrict.objects.filter(
            station__election=election
        ).values_list("pk", "station_id", "contest_id", "district_id")
    }
    to_create, to_update = [], []
    for code, (_line, _values, links) in parsed.items():
        station_id = station_ids[code]
        for contest_id, district_id in links.items():
            current = existing.get((station_id, contest_id))
            if current is None:
                to_create.append(StationDistrict(station_id=station_id, contest_id=contest_id,
                                                 district_id=district_id))
            elif current[1] != district_id:
                to_update.append(StationDistrict(pk=current[0], station_id=station_id,
                                                 contest_id=contest_id, district_id=district_id))
    StationDistrict.objects.bulk_create(to_create, batch_size=BATCH)
    StationDistrict.objects.bulk_update(to_update, ["district"], batch_size=BATCH)
    return len(to_create) + len(to_update)


def region_of_area(area: Area) -> Area:
    """The area at depth 1 on the way to ``area`` (itself when it is a region or the root)."""
    codes = area.path.split("/")
    if len(codes) < 2 or area.depth <= 1:
        return area
    return Area.objects.get(election_id=area.election_id, code=codes[1])


def save_station(station: PollingStation, actor: audit.Actor) -> None:
    """Save one station edited by a person (admin or page), keeping its region and the audit."""
    station.region = region_of_area(station.area)
    audit.save_audited(station, actor)
