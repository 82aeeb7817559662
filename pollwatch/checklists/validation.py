"""Checking a submission's answers against its form version.

:func:`validate_answers` is what intake calls for every report, whatever the channel. It
returns the answers typed and normalised (``cleaned``) and every problem found (``errors``),
each naming the question by its SMS code so that an SMS reply can quote it. See
``docs/forms.md`` ("Checking answers") for the rules; in short:

=================  ===========================================================================
type               accepted                                         cleaned as
=================  ===========================================================================
yes_no             yes/no, y/n, true/false, 1/0, да/нет, иә/жоқ,    ``"yes"`` / ``"no"``
                   the question's SMS values
select_one         a choice name, or its SMS value (any case)       the choice name
select_multiple    a list, or names separated by spaces or commas   list of names, form order
integer            whole numbers, ``"12"``, ``12.0``                ``int``
decimal            numbers, ``"12.5"``, ``"12,5"``                  ``float``
text               text (numbers are turned into text)              ``str``, stripped
time               ``7:05``, ``07:05:00.000+06:00``, ``0705``, ``7.05``  ``"HH:MM"`` (local)
datetime           ISO 8601; without a zone, the station's zone     ``"YYYY-MM-DDTHH:MM:SSZ"`` (UTC)
date               ``YYYY-MM-DD``                                   ``"YYYY-MM-DD"``
geopoint           ``"lat lon [alt [accuracy]]"``, a list or dict   ``{"lat", "lon"[, "alt", "accuracy"]}``
photo              the attachment's file name                       ``str``
note               ignored (ODK sends notes empty)                  (not kept)
repeat             a list of row objects                            list of cleaned row dicts
group              an object of answers (ODK's nesting), flattened  (answers kept flat)
=================  ===========================================================================

Relevance (skip logic) is judged on the answers of the report together with ``prior``: what
the sender's station record already holds for the form (an SMS often answers a condition in
one message and its follow-up in the next); the report's own answers win over the record's.
Answers to questions that are still not relevant are dropped from ``cleaned``, reported in
``warnings`` (kind ``irrelevant``) and listed in ``not_saved`` with the condition that was not
met, not as errors: the rest of the report is counted, and the channel must tell the sender
what was not saved. Required questions are required only when relevant. Unknown names are
errors. This is the one place where relevance is judged, for every channel.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .expressions import ExpressionError
from .schema import (
    DATE,
    DATETIME,
    DECIMAL,
    GEOPOINT,
    GROUP,
    INTEGER,
    NOTE,
    PHOTO,
    REPEAT,
    SELECT_MULTIPLE,
    SELECT_ONE,
    TEXT,
    TIME,
    YES_NO,
    FormSchema,
    QuestionSpec,
    bounds_of,
    schema_for,
)

if TYPE_CHECKING:
    from pollwatch.elections.models import PollingStation

    from .models import FormVersion

__all__ = ["AnswerError", "ValidationResult", "check_answers", "describe_condition",
           "validate_answers"]

MAX_TEXT = 5000
MAX_INTEGER = 10**12
MAX_ROWS = 500
YES_WORDS = {"yes", "y", "true", "1", "да", "д", "иә", "ия", "и"}
NO_WORDS = {"no", "n", "false", "0", "нет", "н", "жоқ", "ж"}


@dataclass(frozen=True)
class AnswerError:
    """One problem with one answer.

    ``kind`` is one of: ``type`` (not a number, time...), ``choice`` (not one of the
    choices), ``required``, ``bounds``, ``constraint``, ``unknown`` (no such question),
    ``repeat`` (rows malformed), ``station`` (station answer disagrees), ``district`` (a
    choice not on this station's ballot), ``duplicate`` (a choice in two rows), and for
    warnings ``irrelevant`` and ``control_equation``. ``row`` is the 1-based repeat row.
    """

    question: str
    code: str
    message: str
    kind: str
    row: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "code": self.code, "message": self.message,
                "kind": self.kind, "row": self.row}


@dataclass
class ValidationResult:
    """``cleaned`` answers, ``errors`` (the submission is invalid when any), ``warnings``
    (kept but worth a flag), and the names of irrelevant answers ``dropped``.

    ``not_saved`` has one entry per answer given but dropped because its question is not asked:
    ``{"question": name, "code": tag, "when": condition}``, where ``condition`` is the skip
    logic that was not met in a simple form (see :func:`describe_condition`), or ``None`` when
    it cannot be said simply."""

    cleaned: dict[str, Any] = field(default_factory=dict)
    errors: list[AnswerError] = field(default_factory=list)
    warnings: list[AnswerError] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    not_saved: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self) -> list[str]:
        return [error.message for error in self.errors]


class _Bad(Exception):
    def __init__(self, kind: str, message: str):
        self.kind = kind
        self.message = message
        super().__init__(message)


def _shown(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _choice_list(names: Iterable[str], limit: int = 12) -> str:
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + (f" (and {len(names) - limit} more)" if len(names) > limit else "")


# --- converting one value -------------------------------------------------------------------


def _to_yes_no(spec: QuestionSpec, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value).strip().lower()
    if text in spec.choices:
        return text
    mapped = spec.sms_values.get(text.upper())
    if mapped:
        return mapped
    if text in YES_WORDS:
        return "yes"
    if text in NO_WORDS:
        return "no"
    raise _Bad("choice", f"{_shown(value)} is not one of yes, no")


def _to_choice(spec: QuestionSpec, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Bad("type", f"{_shown(value)} is not a choice")
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    if spec.choices_from and not spec.choices:
        return text  # choices come from a media file (stations.csv); checked elsewhere
    if text in spec.choices:
        return text
    lowered = {name.lower(): name for name in spec.choices}
    if text.lower() in lowered:
        return lowered[text.lower()]
    mapped = spec.sms_values.get(text.upper())
    if mapped:
        return mapped
    raise _Bad("choice", f"{_shown(value)} is not one of {_choice_list(spec.choices)}")


def _to_choices(spec: QuestionSpec, value: Any) -> list[str]:
    items = value if isinstance(value, list | tuple) else re.split(r"[\s,;]+", str(value).strip())
    picked = {_to_choice(spec, item) for item in items if str(item).strip()}
    if spec.choices:
        return [name for name in spec.choices if name in picked]
    return sorted(picked)


def _to_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise _Bad("type", f"{_shown(value)} is not a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = re.sub(r"[\s\u00a0\u202f']", "", str(value))
        if not re.fullmatch(r"[+-]?\d{1,15}(\.0*)?", text):
            raise _Bad("type", f"{_shown(value)} is not a whole number")
        number = int(text.split(".")[0])
    if abs(number) > MAX_INTEGER:
        raise _Bad("bounds", f"{number} is too large")
    return number


def _to_decimal(value: Any) -> float:
    if isinstance(value, bool):
        raise _Bad("type", f"{_shown(value)} is not a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = re.sub(r"[\s\u00a0\u202f]", "", str(value)).replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d{1,15}(\.\d*)?|\.\d+)", text):
            raise _Bad("type", f"{_shown(value)} is not a number")
        number = float(text)
    if not math.isfinite(number) or abs(number) > MAX_INTEGER:
        raise _Bad("type", f"{_shown(value)} is not a usable number")
    return number


def _to_text(value: Any) -> str:
    if isinstance(value, dict | list | tuple):
        raise _Bad("type", "a text answer cannot be a list or an object")
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise _Bad("type", f"the text is longer than {MAX_TEXT} characters")
    return text


_TIME = re.compile(r"(\d{1,2})[:.h]?(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")


def _to_time(value: Any) -> str:
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, dt.datetime):
        return f"{value.hour:02d}:{value.minute:02d}"
    match = _TIME.fullmatch(str(value).strip())
    if not match:
        raise _Bad("type", f"{_shown(value)} is not a time (write it as HH:MM)")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise _Bad("type", f"{_shown(value)} is not a time of day")
    return f"{hour:02d}:{minute:02d}"


def _to_datetime(value: Any, zone: zoneinfo.ZoneInfo | None) -> str:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = str(value).strip().replace(" ", "T", 1)
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise _Bad("type", f"{_shown(value)} is not a date and time (ISO 8601, "
                               "e.g. 2023-03-19T07:05:00+06:00)")
    if moment.tzinfo is None:
        if zone is None:
            raise _Bad("type", f"{_shown(value)} has no time zone (add +06:00 or Z)")
        moment = moment.replace(tzinfo=zone)
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def _to_date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()[:10]).isoformat()
    except ValueError:
        raise _Bad("type", f"{_shown(value)} is not a date (write it as YYYY-MM-DD)")


def _to_geopoint(value: Any) -> dict[str, float]:
    if isinstance(value, Mapping):
        parts = [value.get("lat", value.get("latitude")),
                 value.get("lon", value.get("lng", value.get("longitude"))),
                 value.get("alt", value.get("altitude")), value.get("accuracy")]
        parts = list(parts[:2]) + [part for part in parts[2:] if part is not None]
    elif isinstance(value, list | tuple):
        parts = list(value)
    else:
        parts = str(value).replace(",", " ").split()
    try:
        numbers = [float(part) for part in parts]
    except (TypeError, ValueError):
        numbers = []
    if not 2 <= len(numbers) <= 4 or not all(math.isfinite(n) for n in numbers):
        raise _Bad("type", f"{_shown(value)} is not a location (write 'latitude longitude')")
    lat, lon = numbers[0], numbers[1]
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise _Bad("bounds", f"{_shown(value)} is not on Earth (latitude -90..90, longitude -180..180)")
    point = {"lat": lat, "lon": lon}
    if len(numbers) > 2:
        point["alt"] = numbers[2]
    if len(numbers) > 3:
        point["accuracy"] = numbers[3]
    return point


def _convert(spec: QuestionSpec, value: Any, zone: zoneinfo.ZoneInfo | None) -> Any:
    kind = spec.type
    if kind == YES_NO:
        return _to_yes_no(spec, value)
    if kind == SELECT_ONE:
        return _to_choice(spec, value)
    if kind == SELECT_MULTIPLE:
        return _to_choices(spec, value)
    if kind == INTEGER:
        return _to_integer(value)
    if kind == DECIMAL:
        return _to_decimal(value)
    if kind == TIME:
        return _to_time(value)
    if kind == DATETIME:
        return _to_datetime(value, zone)
    if kind == DATE:
        return _to_date(value)
    if kind == GEOPOINT:
        return _to_geopoint(value)
    if kind in {TEXT, PHOTO}:
        return _to_text(value)
    raise _Bad("type", f"a {kind} takes no answer")


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, list | tuple | dict) and not value)


def _xpath_value(spec: QuestionSpec, value: Any) -> Any:
    """The value an expression sees (as XForms stores it)."""
    if spec.type == GEOPOINT:
        return " ".join(str(value[k]) for k in ("lat", "lon", "alt", "accuracy") if k in value)
    return value


# --- the check ------------------------------------------------------------------------------


class _Checker:
    def __init__(self, schema: FormSchema, station_code: str | None,
                 zone: zoneinfo.ZoneInfo | None, district_choices: set[str] | None,
                 district_ballots: Mapping[int, str] | None, prior: Mapping[str, Any] | None = None):
        self.schema = schema
        self.prior = dict(prior or {})
        self.station_code = station_code
        self.zone = zone
        self.district_choices = district_choices
        self.district_ballots = district_ballots or {}
        self.result = ValidationResult()
        # Unreadable answers wait until we know whether their question is asked: an answer to
        # a question that is not asked is dropped, whatever it says.
        self.unreadable: dict[tuple[str, int | None], AnswerError] = {}

    # problems -------------------------------------------------------------------------------
    def error(self, spec: QuestionSpec | None, kind: str, message: str, row: int | None = None,
              name: str = "") -> None:
        self.result.errors.append(self._make(spec, kind, message, row, name))

    def warn(self, spec: QuestionSpec | None, kind: str, message: str, row: int | None = None) -> None:
        self.result.warnings.append(self._make(spec, kind, message, row, ""))

    @staticmethod
    def _make(spec, kind, message, row, name) -> AnswerError:
        tag = spec.tag if spec else name
        where = f"{tag} (row {row})" if row else tag
        return AnswerError(question=spec.name if spec else name, code=spec.code if spec else "",
                           message=f"{where}: {message}" if where else message, kind=kind, row=row)

    # collecting raw values ------------------------------------------------------------------
    def collect(self, answers: Mapping[str, Any], into: dict[str, Any],
                rows: dict[str, list[dict[str, Any]]] | None, repeat: str, row: int | None) -> None:
        for key, value in answers.items():
            name = str(key)
            if name == "meta" and not repeat:
                continue  # ODK's instanceID and friends: intake reads them
            spec = self.schema.by_name.get(name)
            if spec is None:
                self.error(None, "unknown", "there is no such question in this form", row, name)
            elif spec.type == GROUP:
                if isinstance(value, Mapping):
                    self.collect(value, into, rows, repeat, row)
                elif not _is_empty(value):
                    self.error(spec, "type", "a group takes an object of answers", row)
            elif spec.type == REPEAT:
                self.collect_rows(spec, value, rows, repeat, row)
            elif spec.repeat != repeat:
                where = f"inside the rows of {spec.repeat}" if spec.repeat else "outside the rows"
                self.error(spec, "repeat", f"this question belongs {where}", row)
            elif spec.type != NOTE:
                into[name] = value

    def collect_rows(self, spec: QuestionSpec, value: Any, rows: dict | None, repeat: str,
                     row: int | None) -> None:
        if rows is None or repeat:
            self.error(spec, "repeat", "repeats inside repeats are not supported", row)
            return
        if _is_empty(value):
            return
        items = [value] if isinstance(value, Mapping) else value
        if not isinstance(items, list | tuple) or not all(isinstance(i, Mapping) for i in items):
            self.error(spec, "repeat", "rows must be a list of objects")
            return
        if len(items) > MAX_ROWS:
            self.error(spec, "repeat", f"more than {MAX_ROWS} rows")
            return
        collected = []
        for number, item in enumerate(items, start=1):
            raw: dict[str, Any] = {}
            self.collect(item, raw, None, spec.name, number)
            collected.append(raw)
        rows[spec.name] = collected

    def convert_all(self, raw: Mapping[str, Any], row: int | None) -> dict[str, Any]:
        typed: dict[str, Any] = {}
        for name, value in raw.items():
            if _is_empty(value):
                continue
            spec = self.schema.by_name[name]
            try:
                typed[name] = _convert(spec, value, self.zone)
            except _Bad as bad:
                self.unreadable[(name, row)] = self._make(spec, bad.kind, bad.message, row, "")
        return typed

    # relevance, required, bounds, constraints -----------------------------------------------
    def is_relevant(self, spec: QuestionSpec, context: Mapping[str, Any], memo: dict[str, bool]) -> bool:
        for section in spec.sections:
            if section not in memo:
                owner = self.schema.by_name[section]
                memo[section] = self._holds(owner, owner.relevant, context)
            if not memo[section]:
                return False
        return self._holds(spec, spec.relevant, context)

    def unmet(self, spec: QuestionSpec, context: Mapping[str, Any], memo: dict[str, bool]):
        """The skip logic (an expression) that makes ``spec`` not asked."""
        for section in spec.sections:
            if not memo.get(section, True):
                return self.schema.by_name[section].relevant
        return spec.relevant

    def drop(self, spec: QuestionSpec, context: Mapping[str, Any], memo: dict[str, bool],
             row: int | None, message: str) -> None:
        self.result.dropped.append(spec.name)
        self.warn(spec, "irrelevant", message, row)
        self.result.not_saved.append({
            "question": spec.name, "code": spec.tag, "row": row,
            "when": describe_condition(self.unmet(spec, context, memo), self.schema)})

    def _holds(self, spec: QuestionSpec, expression, context, current: Any = None) -> bool:
        if expression is None:
            return True
        try:
            return expression.is_true(context, current)
        except ExpressionError as exc:  # pragma: no cover - parse checks catch these
            self.error(spec, "constraint", f"cannot evaluate {expression.text!r}: {exc.reason}")
            return False

    def check_value(self, spec: QuestionSpec, value: Any, context: Mapping[str, Any],
                    row: int | None) -> bool:
        bounds = {"minimum": spec.minimum, "maximum": spec.maximum}
        if spec.constraint is not None and spec.constraint_is_bounds:
            bounds.update(bounds_of(spec.constraint))
        if spec.type in {INTEGER, DECIMAL}:
            low, high = bounds["minimum"], bounds["maximum"]
            if low is not None and value < low:
                self.error(spec, "bounds", f"{value} is below the minimum {_number(low)}", row)
                return False
            if high is not None and value > high:
                self.error(spec, "bounds", f"{value} is above the maximum {_number(high)}", row)
                return False
        checked = spec.constraint is not None and not spec.constraint_is_bounds
        if checked and not self._holds(spec, spec.constraint, context, _xpath_value(spec, value)):
            message = spec.constraint_message.get("en") or next(
                iter(spec.constraint_message.values()), "")
            shown = _shown(value if not isinstance(value, list) else " ".join(value))
            self.error(spec, "constraint", f"{shown} is not accepted: "
                       + (message or f"it must satisfy {spec.constraint.text}"), row)
            return False
        return True

    def settle(self, spec: QuestionSpec, typed: dict[str, Any], context: dict[str, Any],
               memo: dict[str, bool], cleaned: dict[str, Any], row: int | None) -> None:
        """Decide one question: relevant or dropped, required, bounds and constraint."""
        unreadable = self.unreadable.pop((spec.name, row), None)
        if not self.is_relevant(spec, context, memo):
            if spec.name in typed or unreadable is not None:
                self.drop(spec, context, memo, row, "answer not saved: the question is not "
                          "asked given the other answers")
            context.pop(spec.name, None)
            return
        if unreadable is not None:
            self.result.errors.append(unreadable)
            return
        value = typed.get(spec.name)
        if value is None:
            if spec.required:
                self.error(spec, "required", "an answer is required", row)
            return
        if self.check_value(spec, value, context, row):
            cleaned[spec.name] = value

    # the whole form -------------------------------------------------------------------------
    def run(self, answers: Any) -> ValidationResult:
        if not isinstance(answers, Mapping):
            self.error(None, "type", "the answers must be an object of question: answer", name="answers")
            return self.result
        raw: dict[str, Any] = {}
        raw_rows: dict[str, list[dict[str, Any]]] = {}
        self.collect(answers, raw, raw_rows, "", None)
        typed = self.convert_all(raw, None)
        self.fix_station(typed)
        self.resolve_ballot_numbers(raw_rows)
        typed_rows = {name: [self.convert_all(r, i) for i, r in enumerate(rows, 1)]
                      for name, rows in raw_rows.items()}
        context = self.prior_context()
        context.update({name: _xpath_value(self.schema.by_name[name], value)
                        for name, value in typed.items()})
        for name, rows in typed_rows.items():
            for child in self.schema.repeat_children.get(name, ()):
                context[child.name] = [r[child.name] for r in rows if child.name in r]
        memo: dict[str, bool] = {}
        cleaned = self.result.cleaned
        for spec in self.schema.top_level:
            if spec.type == REPEAT:
                self.settle_rows(spec, typed_rows.get(spec.name), context, memo)
            elif spec.takes_answer:
                self.settle(spec, typed, context, memo, cleaned, None)
        dropped_rows = {name for name in self.result.dropped if name in self.schema.repeat_children}
        for (name, _row), error in self.unreadable.items():
            if self.schema.by_name[name].repeat not in dropped_rows:
                self.result.errors.append(error)
        if self.schema.protocol is not None:
            self.check_protocol_rows()
        return self.result

    def prior_context(self) -> dict[str, Any]:
        """What skip logic sees of the station record (cleaned answers, as stored)."""
        context: dict[str, Any] = {}
        for name, value in self.prior.items():
            spec = self.schema.by_name.get(name)
            if spec is None or _is_empty(value):
                continue
            if spec.type == REPEAT and isinstance(value, list):
                for child in self.schema.repeat_children.get(name, ()):
                    context[child.name] = [r[child.name] for r in value
                                           if isinstance(r, Mapping) and child.name in r]
            elif spec.takes_answer and not spec.repeat:
                try:
                    context[name] = _xpath_value(spec, value)
                except (KeyError, TypeError):
                    continue
        return context

    def settle_rows(self, spec: QuestionSpec, rows: list[dict] | None, context: dict[str, Any],
                    memo: dict[str, bool]) -> None:
        if not self.is_relevant(spec, context, memo):
            if rows:
                self.drop(spec, context, memo, None, "rows not saved: the section is not asked "
                          "given the other answers")
            return
        if not rows:
            return
        children = [c for c in self.schema.repeat_children.get(spec.name, ()) if c.takes_answer]
        cleaned_rows = []
        for number, row in enumerate(rows, start=1):
            row_context = {**context, **{n: _xpath_value(self.schema.by_name[n], v) for n, v in row.items()}}
            row_memo = dict(memo)
            cleaned_row: dict[str, Any] = {}
            for child in children:
                self.settle(child, row, row_context, row_memo, cleaned_row, number)
            cleaned_rows.append(cleaned_row)
        self.result.cleaned[spec.name] = cleaned_rows

    def fix_station(self, typed: dict[str, Any]) -> None:
        name = self.schema.station_question
        if not name or self.station_code is None:
            return
        given = typed.get(name)
        if given is not None and str(given).strip().upper() != self.station_code.upper():
            self.error(self.schema.by_name[name], "station",
                       f"{_shown(given)} is not the station this report is for ({self.station_code})")
        typed[name] = self.station_code

    # protocols ------------------------------------------------------------------------------
    def resolve_ballot_numbers(self, raw_rows: dict[str, list[dict[str, Any]]]) -> None:
        """In a row-per-choice protocol, a choice may be given by its ballot number."""
        layout = self.schema.protocol
        if layout is None or not layout.repeat or layout.repeat not in raw_rows:
            return
        by_number = dict(self.district_ballots)
        if not by_number:
            counts: dict[int, list[str]] = {}
            for code, number in layout.ballot_numbers.items():
                counts.setdefault(number, []).append(code)
            by_number = {number: codes[0] for number, codes in counts.items() if len(codes) == 1}
        for row in raw_rows[layout.repeat]:
            value = row.get(layout.choice_field)
            text = str(value).strip() if value is not None else ""
            if text.isdigit() and int(text) in by_number:
                row[layout.choice_field] = by_number[int(text)]

    def check_protocol_rows(self) -> None:
        layout = self.schema.protocol
        if layout is None or not layout.repeat:
            return
        spec = self.schema.by_name.get(layout.choice_field)
        seen: set[str] = set()
        for number, row in enumerate(self.result.cleaned.get(layout.repeat, []), start=1):
            choice = row.get(layout.choice_field)
            if choice is None:
                continue
            if choice in seen:
                self.error(spec, "duplicate", f"{choice!r} is given in more than one row", number)
            seen.add(choice)
            if self.district_choices is not None and choice not in self.district_choices:
                self.error(spec, "district", f"{choice!r} is not on the ballot of this station's "
                           "district", number)


def _condition_value(spec: QuestionSpec | None, value: Any) -> str:
    """A compared value as the observer writes it: Y/N, a choice's SMS value, else as is."""
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if spec is None:
        return text
    back: dict[str, str] = {}
    for sms, name in spec.sms_values.items():
        back.setdefault(name, sms)  # the first SMS value of a choice is the one printed
    if spec.type == YES_NO and text in {"yes", "no"}:
        return spec.choice_sms.get(text) or back.get(text, "Y" if text == "yes" else "N")
    if spec.type in {SELECT_ONE, SELECT_MULTIPLE}:
        return spec.choice_sms.get(text) or back.get(text, text)
    return text


def describe_condition(expression: Any, schema: FormSchema) -> dict[str, Any] | None:
    """Skip logic in a form a reply can say: ``{"tag": "C3", "op": "=", "value": "Y"}`` for
    ``${ballots_counted} = 'yes'``, ``{"op": "or", "terms": [...]}`` for ``or``/``and``
    (``selected(${x}, 'v')`` reads as ``x = v``); ``None`` for anything else."""
    if expression is None:
        return None

    def walk(node: tuple) -> dict[str, Any] | None:
        if node[0] == "bin" and node[1] in {"and", "or"}:
            terms = [walk(node[2]), walk(node[3])]
            if any(t is None for t in terms):
                return None
            flat: list[dict[str, Any]] = []
            for term in terms:
                flat.extend(term["terms"] if term.get("op") == node[1] else [term])
            return {"op": node[1], "terms": flat}
        if node[0] == "bin" and node[1] in {"=", "!=", "<", "<=", ">", ">="}:
            left, right = node[2], node[3]
            if left[0] != "field" or right[0] not in {"str", "num"} or right[1] in ("", None):
                return None
            spec = schema.by_name.get(left[1])
            return {"tag": spec.tag if spec else left[1], "op": node[1],
                    "value": _condition_value(spec, right[1])}
        if node[0] == "call" and node[1] == "selected" and len(node[2]) == 2:
            field_node, value_node = node[2]
            if field_node[0] == "field" and value_node[0] == "str" and value_node[1]:
                spec = schema.by_name.get(field_node[1])
                return {"tag": spec.tag if spec else field_node[1], "op": "=",
                        "value": _condition_value(spec, value_node[1])}
        return None

    try:
        return walk(expression.tree)
    except (IndexError, TypeError, AttributeError):
        return None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def check_answers(schema: FormSchema, answers: Any, *, station_code: str | None = None,
                  timezone: str | None = None, district_choices: set[str] | None = None,
                  district_ballots: Mapping[int, str] | None = None,
                  prior: Mapping[str, Any] | None = None) -> ValidationResult:
    """:func:`validate_answers` on a compiled schema, with the station given as plain values
    (no database access: this is the function the benchmarks and unit tests drive)."""
    zone = zoneinfo.ZoneInfo(timezone) if timezone else None
    checker = _Checker(schema, station_code, zone, district_choices, district_ballots, prior)
    result = checker.run(answers)
    if schema.protocol is not None and schema.protocol.equations and not result.errors:
        from .protocols import equation_warnings

        result.warnings.extend(equation_warnings(schema, result.cleaned))
    return result


def validate_answers(version: FormVersion, answers: Any, *,
                     station: PollingStation | None = None,
                     prior: Mapping[str, Any] | None = None) -> ValidationResult:
    """Check ``answers`` (question name -> value) against ``version``.

    ``station`` is the polling station the report is for (as intake resolved it): the
    ``station`` answer must then match its code (it is filled in when missing), date-times
    without a zone are read in its zone, and a protocol's choices must be on the ballot of its
    electoral district. ``prior`` is what the sender's station record already holds for the
    form (cleaned answers by name): skip logic is judged on it and ``answers`` together.
    Returns a :class:`ValidationResult`; nothing is written.
    """
    schema = schema_for(version)
    district_choices = district_ballots = None
    layout = schema.protocol
    if station is not None and layout is not None and layout.has_districts and layout.contest_id:
        from .protocols import district_ballot

        district_choices, district_ballots = district_ballot(station, layout.contest_id)
    return check_answers(
        schema, answers,
        station_code=station.code if station is not None else None,
        timezone=station.timezone if station is not None else None,
        district_choices=district_choices, district_ballots=district_ballots, prior=prior,
    )
