"""Protocol arithmetic: the control equations of a result protocol, checked station by station.

Equations are data, so each election defines its own. An equation compares two sums of
protocol fields::

    {"name": "received_balance", "lhs": "received", "op": "==", "rhs": "issued + cancelled"}

Expressions may contain only column names, whole numbers, ``+`` and ``-`` (a name with
spaces or other characters is written in double quotes, ``"Ak Zhol"``), and the term
``sum(choices)``, the votes of all choices. They are parsed into linear forms and evaluated
on whole columns at once; nothing is passed to ``eval``.

Protocol fields (methodology.md, section 2):

============== ==========================================================================
registered     voters on the list (with those added on the day)
received       ballots the station received
issued         ballots issued at the station
issued_mobile  ballots issued for the mobile (home) box; optional, 0 when absent
cancelled      unused ballots cancelled after the vote
ballots        ballots found in the boxes (stationary and mobile)
valid          valid ballots
invalid        invalid ballots
<choices>      votes for each choice (in a CSV, every column after ``invalid``)
============== ==========================================================================
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ._csv import InputError

__all__ = [
    "DEFAULT_EQUATIONS",
    "PROTOCOL_FIELDS",
    "Equation",
    "Failure",
    "ProtocolCheckResult",
    "check_protocol",
    "check_protocols",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

PROTOCOL_FIELDS = (
    "registered",
    "received",
    "issued",
    "issued_mobile",
    "cancelled",
    "ballots",
    "valid",
    "invalid",
)
"""The named fields of a result protocol; any other numeric column is a choice."""

OPTIONAL_ZERO = ("issued_mobile",)
"""Fields taken as 0 when a table has no such column."""

TEXT_FIELDS = ("station", "region", "district")
CHOICES_TERM = "sum(choices)"
OPERATORS = ("==", "<=", ">=")

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+)|(?P<choices>sum\(\s*choices\s*\))|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r'|"(?P<quoted>[^"]+)"|(?P<sign>[+-]))'
)


class EquationError(InputError):
    """An equation that cannot be read."""


@dataclass(frozen=True)
class _Linear:
    """``sum(coefficient * column) + constant``; ``choices`` is the coefficient of the
    sum of all choices."""

    terms: tuple[tuple[str, int], ...]
    constant: int
    choices: int

    def columns(self) -> set[str]:
        return {name for name, _ in self.terms}


def _parse_expression(text: str) -> _Linear:
    position = 0
    sign = 1
    expect_term = True
    terms: dict[str, int] = {}
    constant = 0
    choices = 0
    text = text.strip()
    if not text:
        raise EquationError("an empty expression")
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise EquationError(
                f"cannot read {text!r} at {text[position:]!r}: only column names, whole "
                "numbers, + and - are allowed"
            )
        position = match.end()
        if match.group("sign"):
            step = 1 if match.group("sign") == "+" else -1
            sign = step if not expect_term else sign * step
            expect_term = True
            continue
        if not expect_term:
            raise EquationError(
                f"cannot read {text!r}: a + or - is missing before {match.group(0).strip()!r}"
            )
        if match.group("number"):
            constant += sign * int(match.group("number"))
        elif match.group("choices"):
            choices += sign
        else:
            name = (match.group("name") or match.group("quoted")).strip()
            terms[name] = terms.get(name, 0) + sign
        sign = 1
        expect_term = False
    if expect_term:
        raise EquationError(f"cannot read {text!r}: it ends with a sign")
    return _Linear(tuple(terms.items()), constant, choices)


@dataclass(frozen=True)
class Equation:
    """A control equation ``lhs op rhs`` between sums of protocol fields.

    Attributes
    ----------
    name : str
        A short name used in reports (``received_balance``).
    lhs, rhs : str
        Expressions over column names, whole numbers, ``+``, ``-`` and ``sum(choices)``.
    op : str
        ``==``, ``<=`` or ``>=``.
    """

    name: str
    lhs: str
    op: str
    rhs: str

    def __post_init__(self) -> None:
        if self.op not in OPERATORS:
            raise EquationError(
                f"equation {self.name!r}: operator {self.op!r} is not one of {', '.join(OPERATORS)}"
            )
        try:
            _parse_expression(self.lhs)
            _parse_expression(self.rhs)
        except EquationError as exc:
            raise EquationError(f"equation {self.name!r}: {exc}") from None

    @property
    def text(self) -> str:
        """The equation as one line, ``received == issued + cancelled``."""
        return f"{self.lhs} {self.op} {self.rhs}"

    def columns(self) -> set[str]:
        """The column names the equation uses (not counting ``sum(choices)``)."""
        return _parse_expression(self.lhs).columns() | _parse_expression(self.rhs).columns()

    def uses_choices(self) -> bool:
        """True if the equation contains ``sum(choices)``."""
        return bool(_parse_expression(self.lhs).choices or _parse_expression(self.rhs).choices)

    def to_dict(self) -> dict[str, str]:
        """``{"name", "lhs", "op", "rhs"}``."""
        return {"name": self.name, "lhs": self.lhs, "op": self.op, "rhs": self.rhs}

    @classmethod
    def parse(cls, text: str, name: str | None = None) -> Equation:
        """Read ``"received == issued + cancelled"``; the name defaults to the text."""
        for op in OPERATORS:
            if op in text:
                lhs, _, rhs = text.partition(op)
                return cls(name or text.strip(), lhs.strip(), op, rhs.strip())
        raise EquationError(f"{text!r} has no ==, <= or >=")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | str) -> Equation:
        """Build from ``{"name", "lhs", "op", "rhs"}`` (name optional) or a one-line string."""
        if isinstance(data, str):
            return cls.parse(data)
        missing = [key for key in ("lhs", "op", "rhs") if key not in data]
        if missing:
            raise EquationError(f"an equation needs {', '.join(missing)}: {dict(data)!r}")
        text = f"{data['lhs']} {data['op']} {data['rhs']}"
        return cls(str(data.get("name") or text), str(data["lhs"]), str(data["op"]), str(data["rhs"]))


DEFAULT_EQUATIONS = (
    Equation("received_balance", "received", "==", "issued + issued_mobile + cancelled"),
    Equation("ballots_within_issued", "ballots", "<=", "issued + issued_mobile"),
    Equation("ballots_balance", "valid + invalid", "==", "ballots"),
    Equation("issued_within_registered", "issued + issued_mobile", "<=", "registered"),
    Equation("valid_is_sum_of_choices", "valid", "==", CHOICES_TERM),
)
"""The control equations of methodology.md, section 2, plus valid votes = sum of choices.

Ballots received = issued + cancelled; ballots in the boxes <= ballots issued; valid +
invalid = ballots in the boxes; ballots issued <= registered voters. Issued ballots include
those issued for the mobile box when the protocol has ``issued_mobile``.
"""


@dataclass(frozen=True)
class Failure:
    """One station failing one equation.

    Attributes
    ----------
    station : str
        The station code (or its row number when the table has no ``station``).
    equation : str
        The equation's name.
    expression : str
        The equation as text.
    lhs, rhs : int
        The two sides for this station.
    difference : int
        ``lhs - rhs``.
    """

    station: str
    equation: str
    expression: str
    lhs: int
    rhs: int
    difference: int

    def to_dict(self) -> dict[str, Any]:
        """``{"station", "equation", "expression", "lhs", "rhs", "difference"}``."""
        return {
            "station": self.station,
            "equation": self.equation,
            "expression": self.expression,
            "lhs": self.lhs,
            "rhs": self.rhs,
            "difference": self.difference,
        }


@dataclass(frozen=True)
class ProtocolCheckResult:
    """The outcome of :func:`check_protocols`.

    Attributes
    ----------
    stations : int
        Protocols checked.
    checked : tuple of str
        Names of the equations evaluated.
    skipped : tuple of str
        Default equations left out because the table lacks a field they use.
    failures : tuple of Failure
        Every failing station and equation, by station then equation.
    summary : dict
        Failures per equation name (0 included).
    not_evaluated : dict
        Per equation, stations where a field was missing (blank), so it could not be checked.
    """

    stations: int
    checked: tuple[str, ...]
    skipped: tuple[str, ...]
    failures: tuple[Failure, ...]
    summary: dict[str, int]
    not_evaluated: dict[str, int]

    @property
    def failed_stations(self) -> int:
        """How many stations fail at least one equation."""
        return len({failure.station for failure in self.failures})

    @property
    def ok(self) -> bool:
        """True when every protocol satisfies every equation checked."""
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        """``{"stations", "failed_stations", "checked", "skipped", "summary",
        "not_evaluated", "failures": [Failure.to_dict(), ...]}``."""
        return {
            "stations": self.stations,
            "failed_stations": self.failed_stations,
            "checked": list(self.checked),
            "skipped": list(self.skipped),
            "summary": dict(self.summary),
            "not_evaluated": dict(self.not_evaluated),
            "failures": [failure.to_dict() for failure in self.failures],
        }


def _as_column(values: Any, name: str) -> tuple[IntArray, BoolArray]:
    """Whole numbers and a mask of the cells that hold one (None and NaN are blanks)."""
    array = np.asarray(values)
    if array.dtype.kind in "iu":
        return array.astype(np.int64), np.ones(array.shape, dtype=bool)
    try:
        numbers = np.asarray(values, dtype=float)  # None becomes NaN; "12" becomes 12.0
    except (TypeError, ValueError):
        numbers = None
    if numbers is not None and array.dtype.kind != "b":
        present = ~np.isnan(numbers)
        given = numbers[present]
        if np.all(np.isfinite(given) & (given == np.round(given))):
            return np.where(present, numbers, 0).astype(np.int64), present
    raise InputError(f"column {name}, row {_first_bad(array) + 1}: counts must be whole numbers")


def _first_bad(array: npt.NDArray[Any]) -> int:
    """Position of the first cell that is neither blank nor a whole number (for messages)."""
    for i, value in enumerate(array.ravel().tolist()):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        try:
            if isinstance(value, bool) or float(value) != int(float(value)):
                return i
        except (TypeError, ValueError, OverflowError):
            return i
    return 0


def _table_columns(
    table: Mapping[str, Any] | Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    if isinstance(table, Mapping):
        return dict(table)
    rows = list(table)
    keys: list[str] = []
    for row in rows:
        keys.extend(k for k in row if k not in keys)
    return {key: [row.get(key) for row in rows] for key in keys}


def check_protocols(
    table: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    equations: Iterable[Equation | Mapping[str, Any] | str] | None = None,
    *,
    choices: Sequence[str] | None = None,
) -> ProtocolCheckResult:
    """Check every station's protocol against the control equations.

    Each side of an equation is a linear form :math:`\\sum_k a_k x_k + c` in the protocol
    fields :math:`x_k`, evaluated for all stations at once; a station fails ``lhs == rhs``
    when the difference is not 0, ``lhs <= rhs`` when it is positive, ``lhs >= rhs`` when it
    is negative.

    Parameters
    ----------
    table : mapping of column to values, or list of dicts
        The protocols: ``{"station": [...], "received": [...], ...}`` or one dict per station.
        Blank values (None or NaN, or keys missing from some dicts) are allowed; an equation
        using a blank field is not evaluated for that station (counted in ``not_evaluated``).
    equations : iterable of Equation, dict or str, optional
        The control equations. When None, :data:`DEFAULT_EQUATIONS` are used and those whose
        fields the table lacks are skipped; equations given explicitly must only use fields
        the table has.
    choices : sequence of str, optional
        The choice columns (for ``sum(choices)``). By default every column that is not a
        protocol field (:data:`PROTOCOL_FIELDS`) nor ``station``, ``region``, ``district``.

    Returns
    -------
    ProtocolCheckResult

    References
    ----------
    .. [1] OSCE/ODIHR, *Handbook for the Observation of Election Day*, 2nd ed., 2023
       (counting and the reconciliation of the result protocol).
    .. [2] pollwatch, methodology.md, section 2 (the control equations).
    """
    columns = _table_columns(table)
    lowered = {str(key).strip().lower(): key for key in columns}
    station_key = lowered.get("station")
    if choices is None:
        reserved = set(PROTOCOL_FIELDS) | set(TEXT_FIELDS)
        choices = [k for k in columns if str(k).strip().lower() not in reserved]
    numeric: dict[str, tuple[IntArray, BoolArray]] = {}
    for key in columns:
        if str(key).strip().lower() in TEXT_FIELDS:
            continue
        numeric[str(key).strip().lower() if str(key).strip().lower() in PROTOCOL_FIELDS else str(key)] = (
            _as_column(columns[key], str(key))
        )
    n = len(next(iter(numeric.values()))[0]) if numeric else 0
    for name in OPTIONAL_ZERO:
        numeric.setdefault(name, (np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)))
    for name in choices:
        if str(name) not in numeric:
            raise InputError(f"no column {name!r} for the choices")
    stations = (
        np.asarray(columns[station_key]).astype(str)
        if station_key is not None
        else np.arange(1, n + 1).astype(str)
    )
    explicit = equations is not None
    selected = [
        e if isinstance(e, Equation) else Equation.from_dict(e)
        for e in (equations if equations is not None else DEFAULT_EQUATIONS)
    ]
    checked: list[Equation] = []
    skipped: list[str] = []
    for equation in selected:
        missing = sorted(equation.columns() - set(numeric))
        if equation.uses_choices() and not choices:
            missing.append(CHOICES_TERM)
        if missing and explicit:
            raise InputError(
                f"equation {equation.name!r} uses {', '.join(missing)}, which the protocols do not have"
            )
        if missing:
            skipped.append(equation.name)
        else:
            checked.append(equation)
    return _evaluate(numeric, [str(c) for c in choices], stations, checked, tuple(skipped), n)


def _side(
    form: _Linear,
    numeric: Mapping[str, tuple[IntArray, BoolArray]],
    choices: Sequence[str],
    n: int,
) -> tuple[IntArray, BoolArray]:
    value = np.full(n, form.constant, dtype=np.int64)
    present = np.ones(n, dtype=bool)
    used = list(form.terms) + [(c, form.choices) for c in choices if form.choices]
    for name, coefficient in used:
        column, mask = numeric[name]
        value += coefficient * column
        present &= mask
    return value, present


def _evaluate(
    numeric: Mapping[str, tuple[IntArray, BoolArray]],
    choices: Sequence[str],
    stations: npt.NDArray[np.str_],
    equations: Sequence[Equation],
    skipped: tuple[str, ...],
    n: int,
) -> ProtocolCheckResult:
    rows: list[IntArray] = []
    which: list[IntArray] = []
    sides: list[tuple[IntArray, IntArray]] = []
    summary: dict[str, int] = {}
    not_evaluated: dict[str, int] = {}
    for k, equation in enumerate(equations):
        lhs, lhs_ok = _side(_parse_expression(equation.lhs), numeric, choices, n)
        rhs, rhs_ok = _side(_parse_expression(equation.rhs), numeric, choices, n)
        difference = lhs - rhs
        broken = {"==": difference != 0, "<=": difference > 0, ">=": difference < 0}[equation.op]
        evaluated = lhs_ok & rhs_ok
        failing = np.flatnonzero(broken & evaluated)
        summary[equation.name] = int(failing.size)
        not_evaluated[equation.name] = int(n - evaluated.sum())
        rows.append(failing)
        which.append(np.full(failing.size, k))
        sides.append((lhs[failing], rhs[failing]))
    if rows:
        row = np.concatenate(rows)
        eq = np.concatenate(which)
        lhs_all = np.concatenate([s[0] for s in sides])
        rhs_all = np.concatenate([s[1] for s in sides])
        order = np.lexsort((eq, row))
    else:
        row = eq = lhs_all = rhs_all = order = np.array([], dtype=np.int64)
    failures = tuple(
        Failure(str(stations[r]), equations[e].name, equations[e].text, int(a), int(b), int(a - b))
        for r, e, a, b in zip(
            row[order].tolist(),
            eq[order].tolist(),
            lhs_all[order].tolist(),
            rhs_all[order].tolist(),
            strict=True,
        )
    )
    return ProtocolCheckResult(
        stations=n,
        checked=tuple(e.name for e in equations),
        skipped=skipped,
        failures=failures,
        summary=summary,
        not_evaluated=not_evaluated,
    )


def check_protocol(
    protocol: Mapping[str, Any],
    equations: Iterable[Equation | Mapping[str, Any] | str] | None = None,
    *,
    choices: Sequence[str] | None = None,
) -> list[Failure]:
    """Check one protocol (a dict of field to number), as an observer's form sends it.

    Parameters and rules as for :func:`check_protocols`; returns the failures (empty when the
    protocol reconciles).

    Examples
    --------
    >>> check_protocol({"received": 500, "issued": 410, "cancelled": 80})[0].difference
    10
    """
    return list(check_protocols([dict(protocol)], equations, choices=choices).failures)
