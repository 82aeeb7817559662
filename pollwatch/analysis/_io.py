"""Station tables and the readers of the command-line file formats.

The web apps build :class:`StationResults` and :class:`StationFrame` from their own data
(``from_columns`` or ``from_rows``); the command line reads them from CSV files with the
readers below. All readers go through :func:`pollwatch.analysis._csv.read_csv`, so every
error names the file, the line and the column.

File formats (every column after ``invalid`` is a choice):

- votes for seat allocation: ``choice,votes``, with optional rows ``against all`` and
  ``invalid`` (the header line may be left out);
- district votes: ``district,choice,votes``;
- station results: ``station,[region,][registered,]ballots,valid,invalid,<choices...>``;
- sampling frame: ``station,stratum,registered``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from ._csv import CsvTable, InputError, read_csv

__all__ = [
    "AGAINST_ALL",
    "StationFrame",
    "StationResults",
    "VoteTotals",
    "read_district_votes",
    "read_frame",
    "read_results",
    "read_votes",
    "write_sample",
]

IntArray = npt.NDArray[np.int64]
StrArray = npt.NDArray[np.str_]
Source = str | Path | IO[str]

AGAINST_ALL = "against all"
"""The name of the "against all" line of a ballot, matched case-insensitively."""

_TEXT_COLUMNS = ("station", "region", "district", "stratum")
_RESULT_COLUMNS = ("registered", "ballots", "valid", "invalid")


def is_against_all(name: str) -> bool:
    """True for the "against all" line, however it is spelled (``against_all`` too)."""
    return name.strip().lower().replace("_", " ").replace("-", " ") == AGAINST_ALL


def _int_array(values: Any, name: str) -> IntArray:
    array = np.asarray(values)
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
            raise InputError(f"{name}: counts must be whole numbers")
    elif array.dtype.kind not in "iub":
        try:
            array = array.astype(np.int64)
        except (TypeError, ValueError):
            raise InputError(f"{name}: counts must be whole numbers") from None
    array = array.astype(np.int64)
    if array.size and array.min() < 0:
        raise InputError(f"{name}: counts must be 0 or more")
    return array


def _str_array(values: Any) -> StrArray:
    return np.asarray(values).astype(str)


@dataclass(frozen=True, eq=False)
class StationResults:
    """Result protocols of polling stations, one row per station.

    Attributes
    ----------
    station : numpy.ndarray of str
        Station codes.
    ballots : numpy.ndarray of int
        Ballots found in the boxes (``valid + invalid``).
    valid, invalid : numpy.ndarray of int
        Valid votes (including any "against all") and invalid ballots.
    votes : numpy.ndarray of int, shape (stations, choices)
        Votes for each choice.
    choices : tuple of str
        The names of the columns of `votes`.
    registered : numpy.ndarray of int, optional
        Registered voters (needed for turnout).
    region : numpy.ndarray of str, optional
        The region (or district) of each station, for regional comparisons.
    """

    station: StrArray
    ballots: IntArray
    valid: IntArray
    invalid: IntArray
    votes: IntArray
    choices: tuple[str, ...]
    registered: IntArray | None = None
    region: StrArray | None = None

    def __post_init__(self) -> None:
        n = self.station.shape[0]
        arrays = {"ballots": self.ballots, "valid": self.valid, "invalid": self.invalid}
        if self.registered is not None:
            arrays["registered"] = self.registered
        for key, array in arrays.items():
            if array.shape != (n,):
                raise InputError(f"{key} has {array.shape[0]} values for {n} stations")
        if self.region is not None and self.region.shape != (n,):
            raise InputError(f"region has {self.region.shape[0]} values for {n} stations")
        if self.votes.shape != (n, len(self.choices)):
            raise InputError(f"votes has shape {self.votes.shape}, expected ({n}, {len(self.choices)})")

    def __len__(self) -> int:
        return int(self.station.shape[0])

    def choice(self, name: str) -> IntArray:
        """The votes for one choice."""
        return self.votes[:, self.choices.index(name)]

    @classmethod
    def from_columns(cls, columns: Mapping[str, Any], choices: Sequence[str] | None = None) -> StationResults:
        """Build from a mapping of column name to sequence (a dict of arrays or lists).

        ``station``, ``ballots``, ``valid`` and ``invalid`` are required; ``registered`` and
        ``region`` are optional. Unless `choices` is given, every other column is a choice.
        ``ballots`` may be left out, and is then ``valid + invalid``.
        """
        lowered = {str(key).strip().lower(): key for key in columns}
        for key in ("station", "valid", "invalid"):
            if key not in lowered:
                raise InputError(f"the results have no {key!r} column")
        if choices is None:
            reserved = set(_TEXT_COLUMNS) | set(_RESULT_COLUMNS)
            choices = [key for key in columns if str(key).strip().lower() not in reserved]
        station = _str_array(columns[lowered["station"]])
        n = station.shape[0]
        valid = _int_array(columns[lowered["valid"]], "valid")
        invalid = _int_array(columns[lowered["invalid"]], "invalid")
        ballots = (
            _int_array(columns[lowered["ballots"]], "ballots") if "ballots" in lowered else valid + invalid
        )
        votes = np.zeros((n, len(choices)), dtype=np.int64)
        for j, name in enumerate(choices):
            votes[:, j] = _int_array(columns[name], str(name))
        registered = (
            _int_array(columns[lowered["registered"]], "registered") if "registered" in lowered else None
        )
        region_key = lowered.get("region", lowered.get("district"))
        region = _str_array(columns[region_key]) if region_key is not None else None
        return cls(
            station, ballots, valid, invalid, votes, tuple(str(c) for c in choices), registered, region
        )

    @classmethod
    def from_rows(
        cls, rows: Sequence[Mapping[str, Any]], choices: Sequence[str] | None = None
    ) -> StationResults:
        """Build from a list of dicts, one per station (keys as in :meth:`from_columns`)."""
        if not rows:
            raise InputError("no stations")
        keys = list(rows[0].keys())
        columns = {key: [row[key] for row in rows] for key in keys}
        return cls.from_columns(columns, choices)


@dataclass(frozen=True, eq=False)
class StationFrame:
    """The sampling frame: every polling station, its stratum and registered voters."""

    station: StrArray
    stratum: StrArray
    registered: IntArray

    def __post_init__(self) -> None:
        n = self.station.shape[0]
        if self.stratum.shape != (n,) or self.registered.shape != (n,):
            raise InputError("station, stratum and registered must have one value per station")
        if np.unique(self.station).size != n:
            raise InputError("the frame lists a station twice")

    def __len__(self) -> int:
        return int(self.station.shape[0])

    @classmethod
    def from_columns(cls, columns: Mapping[str, Any]) -> StationFrame:
        """Build from a mapping with ``station``, ``stratum`` and ``registered``."""
        lowered = {str(key).strip().lower(): key for key in columns}
        for key in ("station", "stratum", "registered"):
            if key not in lowered:
                raise InputError(f"the frame has no {key!r} column")
        return cls(
            _str_array(columns[lowered["station"]]),
            _str_array(columns[lowered["stratum"]]),
            _int_array(columns[lowered["registered"]], "registered"),
        )

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, Any]]) -> StationFrame:
        """Build from a list of dicts with ``station``, ``stratum`` and ``registered``."""
        if not rows:
            raise InputError("the frame has no stations")
        return cls.from_columns({key: [row[key] for row in rows] for key in rows[0]})


@dataclass(frozen=True)
class VoteTotals:
    """Votes per choice for a seat allocation, with "against all" and invalid ballots."""

    votes: dict[str, int]
    against_all: int = 0
    invalid: int = 0


def _unique_or_error(table: CsvTable, column: str, keys: StrArray, shown: StrArray | None = None) -> None:
    """Raise naming the first row whose key repeats an earlier row's."""
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    if (counts > 1).any():
        seen = np.zeros(keys.shape[0], dtype=bool)
        seen[first] = True
        again = int(np.flatnonzero(~seen)[0])
        name = (shown if shown is not None else keys)[again]
        raise table.error(again, column, f"{str(name)!r} appears twice")


def read_votes(source: Source, *, name: str | None = None) -> VoteTotals:
    """Read ``choice,votes`` rows; rows named "against all" and "invalid" are kept apart."""
    table = read_csv(source, name=name)
    if len(table.header) != 2:
        raise InputError(
            f"{table.name} line 1: expected two columns, choice and votes (found {len(table.header)})"
        )
    if table.header[1].isdecimal():
        table = CsvTable(
            table.name,
            ("choice", "votes"),
            tuple(
                np.concatenate([[h], c]).astype(str) for h, c in zip(table.header, table.columns, strict=True)
            ),
            np.concatenate([[1], table.lines]).astype(np.int64),
        )
    names = table.text(0)
    counts = table.integers(1)
    blank = np.flatnonzero(names == "")
    if blank.size:
        raise table.error(int(blank[0]), 0, "the choice has no name")
    _unique_or_error(table, table.header[0], np.char.lower(names), names)
    votes: dict[str, int] = {}
    against_all = invalid = 0
    for choice, count in zip(names.tolist(), counts.tolist(), strict=True):
        if is_against_all(choice):
            against_all = count
        elif choice.lower() == "invalid":
            invalid = count
        else:
            votes[choice] = count
    if not votes:
        raise InputError(f"{table.name}: no choices with votes")
    return VoteTotals(votes, against_all, invalid)


def read_district_votes(source: Source, *, name: str | None = None) -> dict[str, dict[str, int]]:
    """Read ``district,choice,votes`` rows into ``{district: {choice: votes}}``."""
    table = read_csv(source, name=name, required=("district", "choice", "votes"))
    districts = table.text("district")
    choices = table.text("choice")
    counts = table.integers("votes")
    key = np.char.add(np.char.add(districts, "\x00"), np.char.lower(choices))
    _unique_or_error(table, "choice", key, choices)
    result: dict[str, dict[str, int]] = {}
    for row, (district, choice, count) in enumerate(
        zip(districts.tolist(), choices.tolist(), counts.tolist(), strict=True)
    ):
        if not district:
            raise table.error(row, "district", "the district has no name")
        if not choice:
            raise table.error(row, "choice", "the choice has no name")
        result.setdefault(district, {})[choice] = count
    if not result:
        raise InputError(f"{table.name}: no districts")
    return result


def read_results(
    source: Source,
    *,
    name: str | None = None,
    required: Sequence[str] = (),
) -> StationResults:
    """Read station results: ``station,[region,][registered,]ballots,valid,invalid,<choices>``.

    Every column after ``invalid`` is a choice. Columns between ``station`` and ``invalid``
    other than ``region``, ``registered`` and ``ballots`` are ignored. `required` lists the
    optional columns the caller needs (``region``, ``registered``).
    """
    table = read_csv(source, name=name, required=("station", "valid", "invalid", *required))
    station = table.text("station")
    _unique_or_error(table, "station", station)
    after_invalid = table.index("invalid") + 1
    choices = table.header[after_invalid:]
    if not choices:
        raise InputError(f"{table.name} line 1: no choice columns after 'invalid'")
    votes = np.zeros((len(table), len(choices)), dtype=np.int64)
    for j in range(len(choices)):
        votes[:, j] = table.integers(after_invalid + j)
    valid = table.integers("valid")
    invalid = table.integers("invalid")
    ballots = table.integers("ballots") if table.has("ballots") else valid + invalid
    registered = table.integers("registered") if table.has("registered") else None
    region = table.text("region") if table.has("region") else None
    if region is None and table.has("district"):
        region = table.text("district")
    return StationResults(station, ballots, valid, invalid, votes, choices, registered, region)


def read_frame(source: Source, *, name: str | None = None) -> StationFrame:
    """Read the sampling frame ``station,stratum,registered``."""
    table = read_csv(source, name=name, required=("station", "stratum", "registered"))
    station = table.text("station")
    _unique_or_error(table, "station", station)
    stratum = table.text("stratum")
    blank = np.flatnonzero(stratum == "")
    if blank.size:
        raise table.error(int(blank[0]), "stratum", "the stratum is empty")
    return StationFrame(station, stratum, table.integers("registered"))


def write_sample(path: str | Path | IO[str], frame: StationFrame, rows: npt.NDArray[Any]) -> None:
    """Write the drawn stations as ``station,stratum,registered`` (the frame's format)."""
    import csv

    def _write(handle: IO[str]) -> None:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["station", "stratum", "registered"])
        writer.writerows(
            zip(
                frame.station[rows].tolist(),
                frame.stratum[rows].tolist(),
                frame.registered[rows].tolist(),
                strict=True,
            )
        )

    if isinstance(path, str | Path):
        with open(path, "w", encoding="utf-8", newline="") as handle:
            _write(handle)
    else:
        _write(path)
