"""A small CSV reader whose errors name the file, the line and the column.

Every command of ``pollwatch.analysis.cli`` reads its input through :func:`read_csv`, so a
bad cell always produces the same kind of message, for example::

    votes.csv line 4, column votes: 'abc' is not a whole number

The reader accepts plain or gzip-compressed files (``.gz``), UTF-8 with or without a byte
order mark, and a comma, semicolon or tab as the delimiter (detected from the header line).
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt

__all__ = ["CsvTable", "InputError", "read_csv"]

IntArray = npt.NDArray[np.int64]


class InputError(ValueError):
    """Input that cannot be analysed; the message says where the problem is."""


@dataclass(frozen=True, eq=False)
class CsvTable:
    """The cells of a CSV file, by column, with the line number of every row.

    Attributes
    ----------
    name : str
        The file name used in error messages.
    header : tuple of str
        The column names as written in the file (surrounding spaces removed).
    columns : tuple of numpy.ndarray
        One array of strings per column.
    lines : numpy.ndarray
        The line of the file on which each data row ends (1-based, header is line 1).
    """

    name: str
    header: tuple[str, ...]
    columns: tuple[npt.NDArray[np.str_], ...]
    lines: IntArray

    def __len__(self) -> int:
        return int(self.lines.size)

    def index(self, column: str) -> int:
        """Position of `column` (case-insensitive); raise InputError if it is missing."""
        wanted = column.strip().lower()
        for i, name in enumerate(self.header):
            if name.lower() == wanted:
                return i
        raise InputError(
            f"{self.name} line 1: no column {column!r} (the header has: {', '.join(self.header)})"
        )

    def has(self, column: str) -> bool:
        """True if the header has `column` (case-insensitive)."""
        wanted = column.strip().lower()
        return any(name.lower() == wanted for name in self.header)

    def text(self, column: str | int) -> npt.NDArray[np.str_]:
        """The cells of a column as strings, surrounding spaces removed."""
        i = column if isinstance(column, int) else self.index(column)
        return np.char.strip(self.columns[i])

    def integers(self, column: str | int) -> IntArray:
        """The cells of a column as whole numbers >= 0.

        Raises
        ------
        InputError
            Naming the first bad cell by line and column.
        """
        i = column if isinstance(column, int) else self.index(column)
        cells = np.char.strip(self.columns[i])
        good = np.char.isdecimal(cells)
        if good.all():
            try:
                return cells.astype(np.int64)
            except OverflowError:
                good = np.char.str_len(cells) < 19
        bad = int(np.flatnonzero(~good)[0])
        raise InputError(self._cell_message(bad, i, _why_not_whole(str(cells[bad]))))

    def error(self, row: int, column: str | int, message: str) -> InputError:
        """An InputError for the cell at data row `row` (0-based) of `column`."""
        i = column if isinstance(column, int) else self.index(column)
        return InputError(self._cell_message(row, i, message))

    def _cell_message(self, row: int, column: int, message: str) -> str:
        line = int(self.lines[row])
        return f"{self.name} line {line}, column {self.header[column]}: {message}"


def _why_not_whole(cell: str) -> str:
    if cell == "":
        return "the cell is empty (write 0 for none)"
    if cell.startswith("-") and cell[1:].isdecimal():
        return f"{cell!r} is negative (counts are whole numbers of 0 or more)"
    if cell.isdecimal():
        return f"{cell!r} is too large"
    return f"{cell!r} is not a whole number"


def read_csv(
    source: str | Path | IO[str],
    *,
    name: str | None = None,
    required: Sequence[str] = (),
) -> CsvTable:
    """Read a CSV file with a header line.

    Parameters
    ----------
    source : str, Path or text file
        A path (``.gz`` files are decompressed) or an open text stream.
    name : str, optional
        The name to use in error messages; defaults to the file name.
    required : sequence of str
        Columns that must be present (compared case-insensitively).

    Returns
    -------
    CsvTable

    Raises
    ------
    InputError
        If the file is missing, empty, not UTF-8, has a row with the wrong number of fields,
        a blank or repeated column name, or lacks a required column.
    """
    if isinstance(source, str | Path):
        path = Path(source)
        label = name or path.name
        try:
            with _open_text(path) as handle:
                return _parse(handle, label, required)
        except FileNotFoundError:
            raise InputError(f"{label}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{label}: is a directory, not a CSV file") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{label}: not UTF-8 text ({exc.reason})") from None
        except (OSError, EOFError) as exc:
            raise InputError(f"{label}: cannot be read ({exc})") from None
    return _parse(source, name or str(getattr(source, "name", "<input>")), required)


def _open_text(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def _parse(handle: IO[str], label: str, required: Sequence[str]) -> CsvTable:
    first = handle.readline()
    header_line = 1
    while first and not first.strip():
        first = handle.readline()
        header_line += 1
    if not first:
        raise InputError(f"{label}: the file is empty (a header line is needed)")
    delimiter = _delimiter(first)
    header_rows = list(csv.reader([first], delimiter=delimiter))
    header = tuple(cell.strip() for cell in header_rows[0])
    _check_header(header, label)
    reader = csv.reader(handle, delimiter=delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    width = len(header)
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            line = reader.line_num + header_line
            if len(row) != width:
                raise InputError(
                    f"{label} line {line}: {len(row)} field{'s' if len(row) != 1 else ''}, "
                    f"but the header has {width}"
                )
            rows.append(row)
            lines.append(line)
    except csv.Error as exc:
        raise InputError(f"{label} line {reader.line_num + header_line}: {exc}") from None
    columns = _transpose(rows, width)
    table = CsvTable(label, header, columns, np.asarray(lines, dtype=np.int64))
    for column in required:
        table.index(column)
    return table


def _delimiter(line: str) -> str:
    if "," in line:
        return ","
    if ";" in line:
        return ";"
    if "\t" in line:
        return "\t"
    return ","


def _check_header(header: tuple[str, ...], label: str) -> None:
    seen: set[str] = set()
    for position, column in enumerate(header, start=1):
        if not column:
            raise InputError(f"{label} line 1: column {position} has no name")
        key = column.lower()
        if key in seen:
            raise InputError(f"{label} line 1: column {column!r} appears twice")
        seen.add(key)


def _transpose(rows: Iterable[list[str]], width: int) -> tuple[npt.NDArray[np.str_], ...]:
    materialised = list(rows)
    if not materialised:
        return tuple(np.array([], dtype=str) for _ in range(width))
    return tuple(np.array(column, dtype=str) for column in zip(*materialised, strict=True))
