"""What an SMS parser needs to know about a form version: its keyword, and for each question
code the question's name, type and SMS values (docs/forms.md, "SMS reports").

Grammar (parsing is intake's job; this module only describes the form)::

    message   := KEYWORD STATION pair* ["@" free-text]
    pair      := CODE VALUE            for a question
               | CODE VALUE VALUE ...  for a repeat: one value per column, a new row each time
    KEYWORD   := the form's sms_keyword (OP, VT, CL, IN, PR...)
    STATION   := the polling station's code
    CODE      := a question's SMS code (A1, B12, V3...), any case
    VALUE     := one word: Y/N for yes/no, a choice's SMS value (1-4 for the assessment),
                 a number, a time (0715, 7:15, 7.15); select-multiple values joined by
                 commas or written as consecutive digits when each value is one character
    free-text := everything after "@": the answer to the form's comment question
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .schema import PHOTO, REPEAT, SELECT_MULTIPLE, FormSchema, QuestionSpec, schema_for

if TYPE_CHECKING:
    from .models import FormVersion


@dataclass(frozen=True)
class SmsField:
    """One SMS code of a form.

    ``choices`` maps an SMS value (upper case) to the choice name; empty for questions that
    take a number, time or text. ``raw``: pass the value through unmapped (a protocol's choice
    column, which takes a ballot number resolved against the station's district). ``columns``
    are a repeat's fields, one value each per row, in order.
    """

    code: str
    name: str
    type: str
    label: Mapping[str, str]
    choices: Mapping[str, str] = field(default_factory=dict)
    multiple: bool = False
    raw: bool = False
    repeat: str = ""
    columns: tuple[SmsField, ...] = ()

    @property
    def is_repeat(self) -> bool:
        return self.type == REPEAT


@dataclass(frozen=True)
class SmsSchema:
    """A form version seen from SMS: ``fields`` by upper-case code."""

    keyword: str
    form_code: str
    version_id: int
    fields: Mapping[str, SmsField]
    comment_question: str = ""
    station_question: str = ""

    def field(self, code: str) -> SmsField | None:
        return self.fields.get(code.strip().upper())

    def format(self, station_code: str, answers: Mapping[str, Any]) -> str:
        """A message for ``answers`` (cleaned answers, by question name), in the grammar above:
        handy for help texts, tests and the round-trip property test."""
        parts = [self.keyword, station_code]
        for sms_field in self.fields.values():
            value = answers.get(sms_field.name)
            if value is None or value == [] or value == "":
                continue
            if sms_field.is_repeat:
                for row in value:
                    parts.append(sms_field.code)
                    parts.extend(_sms_value(column, row.get(column.name)) for column in sms_field.columns)
            else:
                parts.extend([sms_field.code, _sms_value(sms_field, value)])
        comment = answers.get(self.comment_question) if self.comment_question else None
        if comment:
            parts.extend(["@", str(comment)])
        return " ".join(parts)


def _sms_value(sms_field: SmsField, value: Any) -> str:
    if value is None:
        return "-"
    back = {name: sms for sms, name in sms_field.choices.items()}
    if isinstance(value, list):
        return ",".join(back.get(item, item) for item in value)
    return back.get(str(value), str(value))


def _field(spec: QuestionSpec, raw: bool = False, columns: tuple[SmsField, ...] = ()) -> SmsField:
    return SmsField(
        code=spec.code.upper(), name=spec.name, type=spec.type, label=spec.label,
        choices={} if raw else dict(spec.sms_values), multiple=spec.type == SELECT_MULTIPLE,
        raw=raw, repeat=spec.repeat, columns=columns,
    )


def build_sms_schema(schema: FormSchema, keyword: str) -> SmsSchema:
    """The SMS view of a compiled form (no database access)."""
    layout = schema.protocol
    raw_choice = layout.choice_field if layout is not None and layout.repeat else ""
    fields: dict[str, SmsField] = {}
    for spec in schema.top_level:
        if spec.type == REPEAT:
            if not spec.code:
                continue
            columns = tuple(_field(child, raw=child.name == raw_choice)
                            for child in schema.repeat_children.get(spec.name, ())
                            if child.takes_answer and child.type != PHOTO)
            fields[spec.code.upper()] = _field(spec, columns=columns)
        elif spec.code and spec.code != "@" and spec.takes_answer and spec.type != PHOTO:
            fields[spec.code.upper()] = _field(spec)
    return SmsSchema(keyword=keyword.upper(), form_code=schema.form_code,
                     version_id=schema.version_id, fields=fields,
                     comment_question=schema.comment_question,
                     station_question=schema.station_question)


def sms_schema(version: FormVersion) -> SmsSchema:
    """The SMS schema of ``version`` (its form's keyword, each code's question and values)."""
    return build_sms_schema(schema_for(version), version.form.sms_keyword)
