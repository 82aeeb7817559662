"""Reading CSV and XLSX tables with errors that name the file, line and column.

Imports of areas, polling stations, observers and official results all read tables the same
way: every row is checked, every problem is collected (not just the first), and nothing is
written unless the whole file is good.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_ERRORS_SHOWN = 200


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str
    #: Where the problem is when a file has no lines and columns (a GeoJSON feature).
    place: str = ""

    def describe(self, source: str) -> str:
        if self.place:
            where = f"{source}, {self.place}"
        elif self.line and self.column:
            where = _("%(source)s line %(line)s, column %(column)s") % {
                "source": source, "line": self.line, "column": self.column}
        elif self.line:
            where = _("%(source)s line %(line)s") % {"source": source, "line": self.line}
        elif self.column:
            where = _("%(source)s, column %(column)s") % {"source": source, "column": self.column}
        else:
            where = source
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    """What an import did, or why it did nothing."""

    source: str
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(line, column, message))

    def add_problem(self, place: str, message: str) -> None:
        self.errors.append(RowError(0, "", message, place))

    def error_lines(self, limit: int = MAX_ERRORS_SHOWN) -> list[str]:
        lines = [error.describe(self.source) for error in self.errors[:limit]]
        if len(self.errors) > limit:
            more = len(self.errors) - limit
            lines.append(ngettext("... and %(n)s more error", "... and %(n)s more errors", more)
                         % {"n": more})
        return lines

    def summary(self) -> str:
        if not self.ok:
            n = len(self.errors)
            return ngettext("%(source)s: %(n)s error, nothing imported",
                            "%(source)s: %(n)s errors, nothing imported", n) % {"source": self.source, "n": n}
        return _("%(source)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged") % {
            "source": self.source, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged}


class ImportRejected(Exception):
    """Raised when a file has errors; carries the report listing every one."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__("\n".join([report.summary(), *report.error_lines()]))


def normalise_header(name: Any) -> str:
    """``Registered Voters`` -> ``registered_voters``; after a colon the code is kept as is."""
    text = str(name or "").strip()
    prefix, colon, code = text.partition(":")
    prefix = re.sub(r"[\s\-]+", "_", prefix.strip().lower())
    return f"{prefix}:{code.strip()}" if colon else prefix


@dataclass
class Table:
    source: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value).strip()


def _read_csv(stream: IO[bytes]) -> Iterator[list[str]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    sample = text.read(8192)
    text.seek(0)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(text, dialect)


def _read_xlsx(stream: IO[bytes]) -> Iterator[list[str]]:
    import openpyxl

    book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        yield [_cell_text(value) for value in row]
    book.close()


def read_table(file: str | Path | IO[bytes], name: str | None = None,
               required: Iterable[str] = ()) -> Table:
    """Read a CSV (comma, semicolon or tab) or XLSX table; headers are lower-cased.

    Raises ``ImportRejected`` when the file cannot be read or lacks a required column.
    """
    source = name or (Path(file).name if isinstance(file, str | Path) else "upload")
    report = ImportReport(source)
    stream: IO[bytes] = open(file, "rb") if isinstance(file, str | Path) else file  # noqa: SIM115
    try:
        head = stream.read(4)
        stream.seek(0)
        reader = _read_xlsx(stream) if head.startswith(b"PK") else _read_csv(stream)
        try:
            header_row = next(reader, None)
            if header_row is None:
                report.add_error(0, "", _("the file is empty"))
                raise ImportRejected(report)
            headers = [normalise_header(h) for h in header_row]
            rows = []
            for line, values in enumerate(reader, start=2):
                if not any((v or "").strip() for v in values):
                    continue
                if len(values) > len(headers) and any(v.strip() for v in values[len(headers):]):
                    report.add_error(line, "", _("%(cells)s cells but %(headers)s headers") % {
                        "cells": len(values), "headers": len(headers)})
                    continue
                rows.append((line, {h: (v or "").strip() for h, v in zip(headers, values,
                                                                        strict=False) if h}))
        except (UnicodeDecodeError, csv.Error) as exc:
            report.add_error(0, "", _("cannot be read as CSV or XLSX (%(problem)s)") % {"problem": exc})
            raise ImportRejected(report)
        except ImportRejected:
            raise
        except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
            report.add_error(0, "", _("cannot be read as CSV or XLSX (%(problem)s)") % {"problem": exc})
            raise ImportRejected(report)
    finally:
        if isinstance(file, str | Path):
            stream.close()
    duplicates = {h for h in headers if h and headers.count(h) > 1}
    for header in sorted(duplicates):
        report.add_error(1, header, _("the column appears more than once"))
    for column in required:
        if column not in headers:
            report.add_error(1, column, _("required column is missing"))
    if report.errors:
        raise ImportRejected(report)
    return Table(source, headers, rows)


class RowReader:
    """Typed access to one row's cells; each problem is recorded in the report, not raised."""

    TRUE = {"1", "y", "yes", "true", "t", "да", "д", "иә", "x"}
    FALSE = {"0", "n", "no", "false", "f", "нет", "н", "жоқ", ""}

    def __init__(self, report: ImportReport, line: int, values: dict[str, str]):
        self.report = report
        self.line = line
        self.values = values
        self.error_count = 0

    def error(self, column: str, message: str) -> None:
        self.error_count += 1
        self.report.add_error(self.line, column, message)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def raw(self, column: str) -> str:
        return self.values.get(column, "")

    def text(self, column: str, *, required: bool = False, max_length: int = 255,
             aliases: Iterable[str] = ()) -> str:
        value = self.values.get(column, "")
        for alias in aliases:
            value = value or self.values.get(alias, "")
        if required and not value:
            self.error(column, _("is required"))
        elif len(value) > max_length:
            self.error(column, _("is longer than %(n)s characters") % {"n": max_length})
        return value

    def integer(self, column: str, *, required: bool = False, minimum: int | None = 0,
                maximum: int | None = None, aliases: Iterable[str] = ()) -> int | None:
        value = self.text(column, required=required, aliases=aliases)
        if not value:
            return None
        cleaned = value.replace(" ", "").replace("\u00a0", "").replace(",", "")
        if cleaned.endswith(".0"):
            cleaned = cleaned[:-2]
        try:
            number = int(cleaned)
        except ValueError:
            self.error(column, _("%(value)s is not a whole number") % {"value": repr(value)})
            return None
        if minimum is not None and number < minimum:
            self.error(column, _("%(value)s is below the minimum %(minimum)s")
                       % {"value": number, "minimum": minimum})
        if maximum is not None and number > maximum:
            self.error(column, _("%(value)s is above the maximum %(maximum)s")
                       % {"value": number, "maximum": maximum})
        return number

    def decimal(self, column: str, *, minimum: float | None = None,
                maximum: float | None = None, places: int = 6) -> decimal.Decimal | None:
        value = self.text(column)
        if not value:
            return None
        try:
            number = decimal.Decimal(value.replace(",", "."))
        except decimal.InvalidOperation:
            self.error(column, _("%(value)s is not a number") % {"value": repr(value)})
            return None
        if minimum is not None and number < decimal.Decimal(str(minimum)):
            self.error(column, _("%(value)s is below %(minimum)s") % {"value": value, "minimum": minimum})
        if maximum is not None and number > decimal.Decimal(str(maximum)):
            self.error(column, _("%(value)s is above %(maximum)s") % {"value": value, "maximum": maximum})
        return number.quantize(decimal.Decimal(1).scaleb(-places))

    def time(self, column: str) -> dt.time | None:
        value = self.text(column)
        if not value:
            return None
        match = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?::\d{2})?", value)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            self.error(column, _("%(value)s is not a time like 07:00") % {"value": repr(value)})
            return None
        return dt.time(int(match[1]), int(match[2]))

    def boolean(self, column: str) -> bool:
        value = self.text(column).lower()
        if value in self.TRUE:
            return True
        if value not in self.FALSE:
            self.error(column, _("%(value)s is not yes or no") % {"value": repr(value)})
        return False

    def choice(self, column: str, allowed: Iterable[str], default: str = "") -> str:
        value = self.text(column).lower() or default
        allowed = list(allowed)
        if value not in allowed:
            self.error(column, _("%(value)s is not one of: %(allowed)s")
                       % {"value": repr(value), "allowed": ", ".join(allowed)})
        return value

    def translations(self, prefix: str = "name") -> dict[str, str]:
        """``name_ru``, ``name_kk``... as ``{"ru": ..., "kk": ...}``."""
        found = {}
        for column, value in self.values.items():
            if column.startswith(prefix + "_") and value:
                language = column[len(prefix) + 1:]
                if re.fullmatch(r"[a-z]{2,3}", language):
                    found[language] = value
        return found
