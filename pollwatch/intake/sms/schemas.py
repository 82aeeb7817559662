"""The mission's forms as the SMS grammar sees them, from the forms' own SMS description
(``pollwatch.checklists.services.sms_schema``)."""

from __future__ import annotations

from typing import Any

from pollwatch.submissions import catalog

from .grammar import SmsQuestion, SmsSchema

READABLE = {"yes_no", "select_one", "select_multiple", "integer", "decimal", "time", "text"}


def _question(sms_field: Any) -> SmsQuestion | None:
    choices = {str(k).upper(): v for k, v in (sms_field.choices or {}).items()}
    if sms_field.is_repeat:
        columns = tuple(c for c in (_question(col) for col in sms_field.columns) if c is not None)
        return SmsQuestion(code=sms_field.code.upper(), name=sms_field.name, type="repeat",
                           columns=columns)
    if sms_field.raw:
        return SmsQuestion(code=sms_field.code.upper(), name=sms_field.name, type="raw")
    kind = sms_field.type
    if kind == "yes_no":
        choices = {"Y": "yes", "N": "no", **choices}
    if kind not in READABLE:
        kind = "text"
    return SmsQuestion(code=sms_field.code.upper(), name=sms_field.name, type=kind, choices=choices)


def grammar_schema(form_sms: Any) -> SmsSchema:
    """Our grammar's schema from the forms' ``SmsSchema`` (the station question is left out:
    the station comes second in every message)."""
    questions = []
    for sms_field in form_sms.fields.values():
        if sms_field.name == form_sms.station_question:
            continue
        question = _question(sms_field)
        if question is not None:
            questions.append(question)
    return SmsSchema(keyword=form_sms.keyword.upper(), questions=tuple(questions),
                     comment=form_sms.comment_question or None)


def sms_schemas(mission_id: int) -> dict[str, SmsSchema]:
    """Keyword -> schema of the current version, for each of the mission's SMS forms."""
    from pollwatch.checklists.services import sms_schema

    def compute() -> dict[str, SmsSchema]:
        found: dict[str, SmsSchema] = {}
        for key, form in catalog.forms_of_mission(mission_id).items():
            if not key.startswith("sms:"):
                continue
            version = catalog.current_version(form)
            if version is not None:
                found[form.sms_keyword.upper()] = grammar_schema(sms_schema(version))
        return found

    return catalog.cached(("sms", mission_id), compute)
