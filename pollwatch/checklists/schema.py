"""A form version compiled once for fast checking: its questions with parsed expressions.

Intake checks every submission against its form version; reading the questions and parsing
their skip logic each time would cost more than the check itself. :func:`schema_for` builds
a :class:`FormSchema` once per version and keeps it (keyed by the version's id and its
fingerprint, so a test database that reuses ids never sees a stale schema).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .expressions import Expression, parse

if TYPE_CHECKING:
    from .models import FormVersion

#: The question every station form carries: the polling station's code.
STATION_QUESTION = "station"

#: The SMS code of a form's free-text comment question (``@ late start``).
COMMENT_CODE = "@"

#: Types as stored in ``Question.type`` (kept as plain strings so this module needs no Django).
YES_NO, SELECT_ONE, SELECT_MULTIPLE = "yes_no", "select_one", "select_multiple"
INTEGER, DECIMAL, TEXT, TIME, DATETIME, DATE = "integer", "decimal", "text", "time", "datetime", "date"
GEOPOINT, PHOTO, NOTE, GROUP, REPEAT = "geopoint", "photo", "note", "group", "repeat"
SECTION_TYPES = frozenset({GROUP, REPEAT})


@dataclass(frozen=True)
class QuestionSpec:
    """One question (or section) of a compiled form.

    ``sections`` are the names of the enclosing groups and repeats, outermost first;
    ``sms_values`` maps an SMS value (upper case) to the choice name.
    """

    name: str
    code: str
    type: str
    label: Mapping[str, str]
    position: int
    choices: tuple[str, ...] = ()
    choice_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    sms_values: Mapping[str, str] = field(default_factory=dict)
    choice_sms: Mapping[str, str] = field(default_factory=dict)
    required: bool = False
    relevant: Expression | None = None
    constraint: Expression | None = None
    constraint_is_bounds: bool = False
    constraint_message: Mapping[str, str] = field(default_factory=dict)
    minimum: float | None = None
    maximum: float | None = None
    group: str = ""
    repeat: str = ""
    sections: tuple[str, ...] = ()
    choices_from: str = ""

    @property
    def is_section(self) -> bool:
        return self.type in SECTION_TYPES

    @property
    def takes_answer(self) -> bool:
        return self.type not in SECTION_TYPES and self.type != NOTE

    @property
    def tag(self) -> str:
        """How messages name the question: its SMS code, else its name."""
        return self.code if self.code and self.code != COMMENT_CODE else self.name

    def label_in(self, language: str = "en") -> str:
        return self.label.get(language) or self.label.get("en") or next(
            iter(self.label.values()), self.name)


@dataclass(frozen=True)
class ProtocolLayout:
    """Where a result protocol form keeps its figures and votes (from the version settings).

    ``figures`` maps a question name to the protocol line (``registered``...); ``votes`` maps
    a question name to a choice code (one question per choice); ``repeat``, ``choice_field``
    and ``count_field`` describe the row-per-choice layout used for contests with districts.
    """

    contest_id: int | None
    has_districts: bool
    figures: Mapping[str, str]
    votes: Mapping[str, str]
    repeat: str = ""
    choice_field: str = ""
    count_field: str = ""
    ballot_numbers: Mapping[str, int] = field(default_factory=dict)
    equations: tuple[Mapping[str, str], ...] = ()


@dataclass(frozen=True)
class FormSchema:
    """A form version ready for checking answers: questions in form order and indexes."""

    version_id: int
    form_code: str
    form_kind: str
    questions: tuple[QuestionSpec, ...]
    by_name: Mapping[str, QuestionSpec]
    by_code: Mapping[str, QuestionSpec]
    repeat_children: Mapping[str, tuple[QuestionSpec, ...]]
    top_level: tuple[QuestionSpec, ...]
    comment_question: str = ""
    protocol: ProtocolLayout | None = None

    @property
    def station_question(self) -> str:
        return STATION_QUESTION if STATION_QUESTION in self.by_name else ""


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _parse_optional(text: str) -> Expression | None:
    text = (text or "").strip()
    return parse(text) if text else None


def spec_from_row(row: Mapping[str, Any], sections: tuple[str, ...]) -> QuestionSpec:
    """A :class:`QuestionSpec` from a question's field values (a ``Question`` as a dict)."""
    choices = row.get("choices") or []
    sms_values: dict[str, str] = {}
    choice_sms: dict[str, str] = {}
    for choice in choices:
        sms = str(choice.get("sms") or "").strip()
        if sms:
            sms_values.setdefault(sms.upper(), choice["name"])
            choice_sms[choice["name"]] = sms
    constraint = _parse_optional(row.get("constraint", ""))
    return QuestionSpec(
        name=row["name"], code=row.get("code", "") or "", type=row["type"],
        label=dict(row.get("label") or {}), position=int(row.get("position") or 0),
        choices=tuple(choice["name"] for choice in choices),
        choice_labels={choice["name"]: dict(choice.get("label") or {}) for choice in choices},
        sms_values=sms_values, choice_sms=choice_sms,
        required=bool(row.get("required")),
        relevant=_parse_optional(row.get("relevant", "")),
        constraint=constraint,
        constraint_is_bounds=constraint is not None and is_bounds_only(constraint),
        constraint_message=dict(row.get("constraint_message") or {}),
        minimum=_float(row.get("minimum")), maximum=_float(row.get("maximum")),
        group=row.get("group", "") or "", repeat=row.get("repeat", "") or "",
        sections=sections, choices_from=row.get("choices_from", "") or "",
    )


def is_bounds_only(expression: Expression) -> bool:
    """True when a constraint only says ``. >= a``, ``. <= b`` (joined by ``and``)."""
    return bool(bounds_of(expression))


def bounds_of(expression: Expression) -> dict[str, float]:
    """``{"minimum": a, "maximum": b}`` for a constraint made only of ``.`` compared with
    numbers and joined by ``and``; empty when it says anything else."""
    found: dict[str, float] = {}

    def walk(node: tuple) -> bool:
        if node[0] == "bin" and node[1] == "and":
            return walk(node[2]) and walk(node[3])
        if node[0] != "bin" or node[1] not in {">=", "<=", ">", "<"}:
            return False
        op, left, right = node[1], node[2], node[3]
        if left == ("dot",) and right[0] == "num":
            number = right[1]
        elif right == ("dot",) and left[0] == "num":
            number, op = left[1], {">=": "<=", "<=": ">=", ">": "<", "<": ">"}[op]
        else:
            return False
        if op in {">", "<"}:
            return False  # strict bounds stay constraints (their message says why)
        key = "minimum" if op == ">=" else "maximum"
        if key in found:
            return False
        found[key] = number
        return True

    return found if walk(expression.tree) else {}


def compile_schema(version_id: int, form_code: str, form_kind: str, rows: list[dict],
                   settings: Mapping[str, Any]) -> FormSchema:
    """Build a :class:`FormSchema` from question rows in form order (no database access)."""
    specs: list[QuestionSpec] = []
    section_paths: dict[str, tuple[str, ...]] = {}
    for row in rows:
        parent = row.get("group") or ""
        inner_repeat = row.get("repeat") or ""
        enclosing = parent or inner_repeat
        # The innermost enclosing section is the deeper of the group and the repeat.
        if parent and inner_repeat and inner_repeat in section_paths and parent in section_paths:
            enclosing = (parent if len(section_paths[parent]) >= len(section_paths[inner_repeat])
                         else inner_repeat)
        path = (*section_paths.get(enclosing, ()), enclosing) if enclosing else ()
        spec = spec_from_row(row, path)
        if spec.is_section:
            section_paths[spec.name] = path
        specs.append(spec)
    by_name = {spec.name: spec for spec in specs}
    by_code = {spec.code.upper(): spec for spec in specs if spec.code}
    repeat_children: dict[str, list[QuestionSpec]] = {}
    top: list[QuestionSpec] = []
    for spec in specs:
        if spec.repeat:
            repeat_children.setdefault(spec.repeat, []).append(spec)
        else:
            top.append(spec)
    comment = next((spec.name for spec in specs if spec.code == COMMENT_CODE), "")
    return FormSchema(
        version_id=version_id, form_code=form_code, form_kind=form_kind, questions=tuple(specs),
        by_name=by_name, by_code=by_code,
        repeat_children={name: tuple(children) for name, children in repeat_children.items()},
        top_level=tuple(top), comment_question=comment,
        protocol=_protocol_layout(settings.get("protocol")),
    )


def _protocol_layout(data: Mapping[str, Any] | None) -> ProtocolLayout | None:
    if not data:
        return None
    return ProtocolLayout(
        contest_id=data.get("contest_id"), has_districts=bool(data.get("has_districts")),
        figures=dict(data.get("figures") or {}), votes=dict(data.get("votes") or {}),
        repeat=data.get("repeat", ""), choice_field=data.get("choice_field", ""),
        count_field=data.get("count_field", ""),
        ballot_numbers={k: int(v) for k, v in (data.get("ballot_numbers") or {}).items()},
        equations=tuple(dict(e) for e in data.get("equations") or ()),
    )


QUESTION_FIELDS = ("name", "code", "type", "label", "position", "choices", "required", "relevant",
                   "constraint", "constraint_message", "minimum", "maximum", "group", "repeat",
                   "choices_from")


@functools.lru_cache(maxsize=512)
def _load(version_id: int, fingerprint: str) -> FormSchema:
    from .models import FormVersion

    version = FormVersion.objects.select_related("form").get(pk=version_id)
    rows = list(version.questions.order_by("position").values(*QUESTION_FIELDS))
    return compile_schema(version.pk, version.form.code, version.form.kind, rows,
                          version.settings or {})


def schema_for(version: FormVersion) -> FormSchema:
    """The compiled schema of ``version`` (built once, then cached in this process)."""
    return _load(version.pk, version.fingerprint or f"created:{version.created_at}")


def clear_schema_cache() -> None:
    _load.cache_clear()
