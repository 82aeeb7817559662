"""The coded SMS grammar: reading ``OP 12345 A1 Y A2 N B 3 @ late start`` and writing it.

A message is the form's keyword, the polling station's code, then answer tags, each a
question's SMS code followed by its value; anything after ``@`` is a free comment::

    OP 12345 A1 Y A2 N B 3 @ late start

Readers are forgiving: letter case and spacing do not matter (``op12345 a1y a2 n``); tags and
values may be joined by ``=``, ``:`` or nothing (``A1=Y``, ``A1Y``); commas and semicolons
between answers are ignored; in numbers and station codes the letter O is read as 0 and the
letters l and I as 1. Yes/no answers accept Y/N, YES/NO, 1/0 and the Russian and Kazakh
words (Д/ДА, Н/НЕТ, И/ИӘ, Ж/ЖОҚ), and the Cyrillic У and Ү that look like Y.

Observers on Russian or Kazakh keyboard layouts type Cyrillic letters that look like Latin
ones: in the keyword, the tags and choice values, ``ОР``, ``А3``, ``С1`` are read as the Latin
letters they look like (:func:`latin_lookalikes`); free text keeps what was typed. A NUL
character is GSM 03.38's ``@`` (some gateways pass the septet on undecoded) and reads as ``@``.

Nothing here touches the database: the caller supplies the forms as :class:`SmsSchema`. The
reader never raises; everything it cannot read becomes a :class:`Problem` naming the tag.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

YES_WORDS = frozenset({"Y", "YES", "1", "Д", "ДА", "И", "ИӘ", "ИА", "IA", "У", "Ү", "УЕС"})
NO_WORDS = frozenset({"N", "NO", "0", "Н", "НЕТ", "Ж", "ЖОҚ", "ЖОК", "НО"})
SLIPS = str.maketrans({"O": "0", "o": "0", "О": "0", "о": "0", "l": "1", "I": "1", "i": "1",
                       "|": "1", "L": "1", "І": "1", "і": "1", "З": "3", "з": "3"})
#: Cyrillic (Russian and Kazakh) letters that look like Latin capitals, upper and lower case.
LOOKALIKES = {
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "К": "K", "М": "M", "О": "O",
    "Р": "P", "Т": "T", "Х": "X", "У": "Y", "Ү": "Y", "Һ": "H", "Ѕ": "S", "Ј": "J", "Ԛ": "Q",
    "Ԝ": "W",
    "а": "A", "в": "B", "с": "C", "е": "E", "н": "H", "і": "I", "к": "K", "м": "M", "о": "O",
    "р": "P", "т": "T", "х": "X", "у": "Y", "ү": "Y", "һ": "H", "ѕ": "S", "ј": "J", "ԛ": "Q",
    "ԝ": "W",
}
#: GSM 03.38 encodes ``@`` as 0x00.
GSM_AT = "\x00"
TYPES = ("yes_no", "select_one", "select_multiple", "integer", "decimal", "time", "text", "raw",
         "repeat")
#: In a repeat row, a column left empty.
EMPTY = "-"
_SPLIT = re.compile(r"[\s;=]+|,(?=[^\W\d_])")
_TRIM = ",;.:"
_TIME = re.compile(r"^(\d{1,2})(?:[:.hH-]?(\d{2}))?$")
_MULTI_SEPARATORS = re.compile(r"[,./+]+")


@dataclass(frozen=True)
class SmsQuestion:
    """One question as SMS sees it.

    ``code`` is the tag written in the message; ``name`` the key of the answer; ``choices``
    maps each SMS value (upper case) to the stored value (for ``yes_no``: ``"Y"`` and ``"N"``
    to the stored yes and no). A ``repeat`` takes one value per column after its tag and adds
    a row each time the tag appears (``V 1 2345 V 2 678``); ``raw`` passes the value on as
    written (a ballot number the validator resolves).
    """

    code: str
    name: str
    type: str
    choices: Mapping[str, Any] = field(default_factory=dict)
    minimum: float | None = None
    maximum: float | None = None
    columns: tuple[SmsQuestion, ...] = ()


@dataclass(frozen=True)
class SmsSchema:
    """A form as SMS sees it: its keyword, its tagged questions, and where ``@`` text goes."""

    keyword: str
    questions: tuple[SmsQuestion, ...]
    comment: str | None = None

    def by_code(self) -> dict[str, SmsQuestion]:
        return {q.code.upper(): q for q in self.questions}


@dataclass(frozen=True)
class Problem:
    """Something the reader could not accept. ``tag`` is the tag as written (or a part name:
    ``keyword``, ``station``)."""

    tag: str
    code: str
    value: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"question": self.tag, "code": self.code, "value": self.value}


@dataclass
class ParsedMessage:
    keyword: str = ""
    station: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    comment: str = ""
    problems: list[Problem] = field(default_factory=list)
    schema: SmsSchema | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def latin_lookalikes(text: str) -> str:
    """``ОР`` (Cyrillic) -> ``OP``: upper case, each Cyrillic letter that looks like a Latin
    one replaced by it. Keeps the length (one character for one), so a position in the result
    is the same position in ``text``."""
    out = []
    for char in text:
        mapped = LOOKALIKES.get(char)
        if mapped is None:
            upper = char.upper()
            mapped = upper if len(upper) == 1 else char
        out.append(mapped)
    return "".join(out)


def fix_slips(text: str) -> str:
    """``l2O45`` -> ``12045``: only when the result is all digits, else unchanged."""
    fixed = text.translate(SLIPS)
    return fixed if fixed.isdigit() else text


def normalise_station(text: str) -> str:
    text = text.strip().lstrip("#№").strip(_TRIM)
    return fix_slips(text).upper()


@dataclass(frozen=True)
class SmsHeader:
    """The start of a message as read before its form is known: the keyword (look-alikes
    folded), the station word after it, and a station glued to the keyword (``OP12345``).

    The sender matching, the mission guess and the reply all read this one header, so they
    agree on what the message names.
    """

    keyword: str = ""
    station: str = ""
    glued_station: str = ""
    words: int = 0

    @property
    def station_codes(self) -> set[str]:
        """The codes the header may name: the second word, and a code glued to the keyword."""
        codes = {self.station}
        if self.glued_station:
            codes.add(self.glued_station)
        return codes


def read_header(text: str) -> SmsHeader:
    """The header of ``text`` (``@`` and GSM's NUL split words like spaces). Never raises."""
    words = (text or "").replace(GSM_AT, "@").replace("@", " ").split()
    if not words:
        return SmsHeader()
    keyword = latin_lookalikes(words[0])
    tail = keyword.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    glued = normalise_station(tail) if tail and tail != keyword else ""
    station = normalise_station(words[1]) if len(words) > 1 else ""
    return SmsHeader(keyword, station, glued, len(words))


def parse_message(text: str, schemas: Mapping[str, SmsSchema]) -> ParsedMessage:
    """Read a message against the forms' schemas (keyed by keyword). Never raises."""
    try:
        return _parse(str(text or ""), {k.upper(): v for k, v in schemas.items()})
    except Exception as exc:  # noqa: BLE001 - a bug here must not lose the report
        return ParsedMessage(problems=[Problem("message", "unreadable", repr(exc)[:80])])


def _parse(text: str, schemas: dict[str, SmsSchema]) -> ParsedMessage:
    text = text.replace(GSM_AT, "@")
    body, _, comment = text.partition("@")
    result = ParsedMessage(comment=" ".join(comment.split()))
    tokens = [t for t in _SPLIT.split(body) if t.strip(_TRIM)]
    if not tokens:
        result.problems.append(Problem("message", "empty"))
        return result
    keyword, station, tokens = _read_header(tokens, schemas)
    result.keyword = keyword
    schema = schemas.get(keyword)
    if schema is None:
        result.problems.append(Problem("keyword", "unknown_keyword", keyword))
        return result
    result.schema = schema
    if not station:
        result.problems.append(Problem("station", "missing_station"))
        return result
    result.station = station
    _read_answers(tokens, schema, result)
    if result.comment and schema.comment:
        result.answers[schema.comment] = result.comment
    return result


def _read_header(tokens: list[str], schemas: dict[str, SmsSchema]) -> tuple[str, str, list[str]]:
    first = latin_lookalikes(tokens[0].strip(_TRIM))
    if first in schemas:
        station = normalise_station(tokens[1]) if len(tokens) > 1 else ""
        return first, station, tokens[2:]
    for keyword in sorted(schemas, key=len, reverse=True):
        if first.startswith(keyword) and len(first) > len(keyword):
            return keyword, normalise_station(tokens[0].strip(_TRIM)[len(keyword):]), tokens[1:]
    return first, normalise_station(tokens[1]) if len(tokens) > 1 else "", tokens[2:]


def _tag_of(token: str, tags: dict[str, SmsQuestion]) -> SmsQuestion | None:
    upper = latin_lookalikes(token.strip(_TRIM))
    if upper in tags:
        return tags[upper]
    if len(upper) > 1:
        fixed = upper[0] + upper[1:].translate(SLIPS).upper()
        return tags.get(fixed)
    return None


def _split_glued(token: str, tags: dict[str, SmsQuestion]) -> tuple[SmsQuestion, str] | None:
    """``A1Y`` -> (A1, ``Y``), the longest tag that leaves a readable value."""
    upper = latin_lookalikes(token)
    for code in sorted(tags, key=len, reverse=True):
        if upper.startswith(code) and len(token) > len(code):
            value = token[len(code):].lstrip(":=-")
            question = tags[code]
            reader = question.columns[0] if question.type == "repeat" and question.columns else question
            if value and _read_value(reader, value)[1] is None:
                return question, value
    return None


def _read_answers(tokens: list[str], schema: SmsSchema, result: ParsedMessage) -> None:
    tags = schema.by_code()
    seen: set[str] = set()
    i = 0
    while i < len(tokens):
        token = tokens[i].strip(_TRIM) or tokens[i]
        question = _tag_of(token, tags)
        value_tokens: list[str]
        if question is not None:
            if i + 1 >= len(tokens) or _tag_of(tokens[i + 1], tags) is not None and \
                    _read_value(question, tokens[i + 1].strip(_TRIM))[1] is not None:
                result.problems.append(Problem(question.code, "missing_value"))
                i += 1
                continue
            if question.type == "repeat":
                i = _read_row(question, tokens, i + 1, tags, result)
                continue
            value_tokens, i = [tokens[i + 1]], i + 2
        else:
            glued = _split_glued(token, tags)
            if glued is None:
                result.problems.append(Problem(_shown_tag(token)[:16], "unknown_tag"))
                i += 1
                continue
            question, value = glued
            if question.type == "repeat":
                tokens = [*tokens[:i], value, *tokens[i + 1:]]
                i = _read_row(question, tokens, i, tags, result)
                continue
            value_tokens, i = [value], i + 1
        if question.type == "select_multiple":
            while i < len(tokens) and _tag_of(tokens[i], tags) is None and \
                    _read_value(question, tokens[i].strip(_TRIM))[1] is None:
                value_tokens.append(tokens[i])
                i += 1
        _store(question, " ".join(t.strip(_TRIM) or t for t in value_tokens), seen, result)


def _shown_tag(token: str) -> str:
    """A tag as a reply names it: in Latin letters when what was typed are look-alikes."""
    folded = latin_lookalikes(token)
    return folded if folded.isascii() else token


def _read_row(question: SmsQuestion, tokens: list[str], i: int, tags: dict[str, SmsQuestion],
              result: ParsedMessage) -> int:
    """One row of a repeat: a value per column. Returns the index after the row."""
    row: dict[str, Any] = {}
    for column in question.columns:
        if i >= len(tokens):
            result.problems.append(Problem(question.code, "missing_value"))
            return i
        raw = tokens[i].strip(_TRIM) or tokens[i]
        i += 1
        if raw == EMPTY:
            continue
        value, problem = _read_value(column, raw)
        if problem:
            result.problems.append(Problem(question.code, problem, raw[:16]))
            return i
        row[column.name] = value
    result.answers.setdefault(question.name, []).append(row)
    return i


def _store(question: SmsQuestion, raw: str, seen: set[str], result: ParsedMessage) -> None:
    if question.code.upper() in seen:
        result.problems.append(Problem(question.code, "duplicate", raw[:16]))
        return
    seen.add(question.code.upper())
    value, problem = _read_value(question, raw)
    if problem:
        result.problems.append(Problem(question.code, problem, raw[:16]))
    else:
        result.answers[question.name] = value


def _read_value(question: SmsQuestion, raw: str) -> tuple[Any, str | None]:
    """The stored value and None, or None and a problem code."""
    raw = raw.strip()
    if not raw:
        return None, "missing_value"
    reader = _READERS.get(question.type)
    if reader is None:
        return None, "not_by_sms"
    return reader(question, raw)


def _read_yes_no(question: SmsQuestion, raw: str) -> tuple[Any, str | None]:
    word = raw.upper()
    if word not in YES_WORDS and word not in NO_WORDS:
        word = fix_slips(raw)
    if word in YES_WORDS:
        return question.choices.get("Y", "yes"), None
    if word in NO_WORDS:
        return question.choices.get("N", "no"), None
    return None, "not_yes_no"


def _choice(question: SmsQuestion, raw: str) -> Any:
    upper = raw.upper()
    if upper in question.choices:
        return question.choices[upper]
    folded = latin_lookalikes(raw)
    if folded in question.choices:
        return question.choices[folded]
    fixed = fix_slips(raw)
    if fixed in question.choices:
        return question.choices[fixed]
    if fixed.isdigit() and str(int(fixed)) in question.choices:
        return question.choices[str(int(fixed))]
    return _MISSING


def _read_select_one(question: SmsQuestion, raw: str) -> tuple[Any, str | None]:
    value = _choice(question, raw)
    return (None, "not_a_choice") if value is _MISSING else (value, None)


def _read_select_multiple(question: SmsQuestion, raw: str) -> tuple[Any, str | None]:
    parts = [p for p in _MULTI_SEPARATORS.split(raw.replace(" ", ",")) if p]
    if len(parts) == 1 and _choice(question, parts[0]) is _MISSING and \
            all(len(k) == 1 for k in question.choices):
        parts = list(parts[0])
    values: list[Any] = []
    for part in parts:
        value = _choice(question, part)
        if value is _MISSING:
            return None, "not_a_choice"
        if value not in values:
            values.append(value)
    return (values, None) if values else (None, "missing_value")


def _in_bounds(question: SmsQuestion, number: float) -> str | None:
    if question.minimum is not None and number < question.minimum:
        return "too_small"
    if question.maximum is not None and number > question.maximum:
        return "too_large"
    return None


def _read_integer(question: SmsQuestion, raw: str) -> tuple[Any, str | None]:
    fixed = fix_slips(raw)
    if not (fixed.isascii() and fixed.isdigit()):
        return None, "not_a_number"
    number = int(fixed)
    problem = _in_bounds(question, number)
    return (None, problem) if problem else (number, None)


def _read_decimal(question: SmsQuestion, raw: str) -> tuple[Any, str | None]:
    fixed = raw.replace(",", ".").translate(SLIPS)
    if not re.fullmatch(r"\d+(\.\d+)?", fixed):
        return None, "not_a_number"
    number = float(fixed)
    problem = _in_bounds(question, number)
    return (None, problem) if problem else (number, None)


def _read_time(question: SmsQuestion, raw: str) -> tuple[Any, str | None]:
    fixed = "".join(c.translate(SLIPS) if c not in ":.hH-" else c for c in raw)
    if fixed.isascii() and fixed.isdigit() and len(fixed) in (3, 4):
        fixed = fixed[:-2] + ":" + fixed[-2:]
    match = _TIME.match(fixed)
    if not match:
        return None, "not_a_time"
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 23 or minutes > 59:
        return None, "not_a_time"
    return f"{hours:02d}:{minutes:02d}", None


def _read_text(question: SmsQuestion, raw: str) -> tuple[Any, str | None]:
    return raw, None


def _read_raw(question: SmsQuestion, raw: str) -> tuple[Any, str | None]:
    return fix_slips(raw), None


_MISSING = object()
_READERS = {
    "yes_no": _read_yes_no,
    "select_one": _read_select_one,
    "select_multiple": _read_select_multiple,
    "integer": _read_integer,
    "decimal": _read_decimal,
    "time": _read_time,
    "text": _read_text,
    "raw": _read_raw,
}


def format_message(schema: SmsSchema, station: str, answers: Mapping[str, Any],
                   comment: str = "") -> str:
    """Write the message that reports ``answers`` (by question name) for ``station``.

    Questions without an SMS code, and the comment question, are left out (the comment is
    written after ``@``). Raises ``ValueError`` for a value SMS cannot carry.
    """
    parts = [schema.keyword.upper(), station]
    for question in schema.questions:
        if question.name not in answers or question.name == schema.comment:
            continue
        if question.type == "repeat":
            for row in answers[question.name]:
                parts.append(question.code.upper())
                parts += [_write_value(c, row[c.name]) if row.get(c.name) is not None else EMPTY
                          for c in question.columns]
            continue
        parts += [question.code.upper(), _write_value(question, answers[question.name])]
    if schema.comment and not comment:
        comment = str(answers.get(schema.comment) or "")
    text = " ".join(parts)
    return f"{text} @ {comment}" if comment.strip() else text


def _sms_value(question: SmsQuestion, value: Any) -> str:
    for sms, stored in question.choices.items():
        if stored == value:
            return sms
    raise ValueError(f"{question.code}: {value!r} is not one of its choices")


def _write_value(question: SmsQuestion, value: Any) -> str:
    if question.type == "yes_no":
        yes = question.choices.get("Y", "yes")
        return "Y" if value == yes else "N"
    if question.type == "select_one":
        return _sms_value(question, value)
    if question.type == "select_multiple":
        return ",".join(_sms_value(question, v) for v in value)
    if question.type in ("text", "raw"):
        text = str(value)
        if not text or any(c.isspace() for c in text) or "@" in text:
            raise ValueError(f"{question.code}: text by tag must be one word; use the comment")
        return text
    return str(value)
