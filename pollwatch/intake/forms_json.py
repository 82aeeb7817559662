"""A form version as JSON, for the observer web page to render (and for partners)."""

from __future__ import annotations

from typing import Any

from pollwatch.checklists.models import FormVersion
from pollwatch.submissions import catalog

QUESTION_FIELDS = ("name", "code", "type", "label", "hint", "choices", "required", "relevant",
                   "constraint", "constraint_message", "minimum", "maximum", "group", "repeat",
                   "appearance", "choices_from")


def _number(value: Any) -> float | int | None:
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def form_definition(version: FormVersion) -> dict[str, Any]:
    """``{"code", "name": {lang: ...}, "version", "questions": [...]}``: every question in form
    order with its labels in every language, choices, skip logic and bounds."""

    def compute() -> dict[str, Any]:
        form = version.form
        questions = []
        for row in version.questions.order_by("position").values(*QUESTION_FIELDS):
            row["minimum"], row["maximum"] = _number(row["minimum"]), _number(row["maximum"])
            questions.append(row)
        names = {"en": form.name, **(form.translations or {})}
        return {"code": form.code, "name": names, "kind": form.kind, "phase": form.phase,
                "sms_keyword": form.sms_keyword, "version": version.number,
                "version_id": version.pk, "status": version.status, "questions": questions}

    return catalog.cached(("definition", version.pk, version.status), compute)
