"""XLSForm workbooks in and out, through pyxform, so that built-in templates and uploaded
forms take one road: workbook -> pyxform -> question rows + XForm.

- :func:`workbook_from_definition` writes a question definition (nested dicts, as the
  templates and :func:`pollwatch.checklists.services.create_version` take) to an XLSX.
- :func:`read_workbook` runs pyxform on a workbook and turns its result into the question
  rows stored in ``Question``, the form settings and pyxform's own form description (from
  which ``xform.py`` writes the XForm). Every problem (pyxform's, with its row numbers, and
  ours: expressions we cannot evaluate, SMS codes used twice) is collected into one
  :class:`FormDefinitionError`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import openpyxl
from django.utils.translation import gettext as _
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from .expressions import ExpressionError, parse
from .schema import (
    COMMENT_CODE,
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
    STATION_QUESTION,
    TEXT,
    TIME,
    YES_NO,
    bounds_of,
)

LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "kk": "Kazakh"}
LANGUAGE_ORDER = ("en", "ru", "kk")
SMS_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,7}$")
SMS_VALUE = re.compile(r"^[A-Za-z0-9]{1,16}$")
SMS_KEYWORD = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,15}$")
FILE_TYPES = {".xlsx": ".xlsx", ".xlsm": ".xlsm", ".xls": ".xls", ".csv": ".csv", ".md": ".md"}

#: Our settings (on the XLSForm settings sheet, beside pyxform's own).
EXTRA_SETTINGS = ("kind", "phase", "contest")

#: pyxform's question types -> Question.Type; ``None``: read but not a question (skipped).
TYPE_MAP: dict[str, str | None] = {
    "integer": INTEGER, "int": INTEGER, "decimal": DECIMAL, "range": DECIMAL, "text": TEXT,
    "string": TEXT, "barcode": TEXT, "time": TIME, "dateTime": DATETIME, "date": DATE,
    "geopoint": GEOPOINT, "photo": PHOTO, "image": PHOTO, "audio": PHOTO, "video": PHOTO,
    "file": PHOTO, "note": NOTE, "calculate": TEXT, "hidden": TEXT, "start": DATETIME,
    "end": DATETIME, "today": DATE, "deviceid": TEXT, "subscriberid": TEXT, "simserial": TEXT,
    "phonenumber": TEXT, "username": TEXT, "email": TEXT, "start-geopoint": GEOPOINT,
}
#: Types that fill themselves in on the phone: they get no SMS code.
AUTOMATIC = {"calculate", "hidden", "start", "end", "today", "deviceid", "subscriberid",
             "simserial", "phonenumber", "username", "email", "start-geopoint"}

_WRITE_TYPES = {
    INTEGER: "integer", DECIMAL: "decimal", TEXT: "text", TIME: "time", DATETIME: "dateTime",
    DATE: "date", GEOPOINT: "geopoint", PHOTO: "image", NOTE: "note",
}

YES_NO_CHOICES = [
    {"name": "yes", "sms": "Y", "label": {"en": "Yes", "ru": "Да", "kk": "Иә"}},
    {"name": "no", "sms": "N", "label": {"en": "No", "ru": "Нет", "kk": "Жоқ"}},
]


class FormDefinitionError(ValueError):
    """A workbook or definition that cannot become a form; ``errors`` lists every problem."""

    def __init__(self, errors: Sequence[str], source: str = ""):
        self.errors = list(errors)
        self.source = source
        head = f"{source}: " if source else ""
        super().__init__(head + "; ".join(self.errors))


@dataclass
class ReadForm:
    """What a workbook says: question rows for the database, settings, and pyxform's data."""

    questions: list[dict[str, Any]]
    settings: dict[str, Any]
    pyxform: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.settings.get("title") or "")


# --- languages ------------------------------------------------------------------------------


def language_column(code: str) -> str:
    """``en`` -> ``English (en)``, the XLSForm way of naming a language."""
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


def language_code(name: str, default: str = "en") -> str:
    """``English (en)`` -> ``en``; ``Russian`` -> ``ru``; ``default`` -> the default."""
    match = re.search(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)\)\s*$", name)
    if match:
        return match.group(1).lower()
    lowered = name.strip().lower()
    if lowered in {"default", ""}:
        return default
    for code, english in LANGUAGE_NAMES.items():
        if lowered in {english.lower(), code}:
            return code
    return lowered


def _texts(value: Any, default: str) -> dict[str, str]:
    if value is None or value == "":
        return {}
    if isinstance(value, Mapping):
        return {language_code(str(k), default): str(v) for k, v in value.items() if v not in (None, "")}
    return {default: str(value)}


# --- writing a workbook from a definition ---------------------------------------------------


def _walk(definition: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for item in definition:
        yield item
        yield from _walk(item.get("children") or [])


def definition_languages(definition: Sequence[Mapping[str, Any]]) -> list[str]:
    found: set[str] = set()
    for item in _walk(definition):
        for key in ("label", "hint", "constraint_message"):
            found.update((item.get(key) or {}).keys())
        for choice in item.get("choices") or []:
            found.update((choice.get("label") or {}).keys())
    return [c for c in LANGUAGE_ORDER if c in found] + sorted(found - set(LANGUAGE_ORDER))


def _constraint_text(item: Mapping[str, Any]) -> str:
    parts = []
    if item.get("minimum") is not None:
        parts.append(f". >= {item['minimum']}")
    if item.get("maximum") is not None:
        parts.append(f". <= {item['maximum']}")
    if item.get("constraint"):
        parts.append(f"({item['constraint']})" if parts else item["constraint"])
    return " and ".join(parts)


def _bounds_message(item: Mapping[str, Any]) -> dict[str, str]:
    low, high = item.get("minimum"), item.get("maximum")
    if low is None and high is None:
        return {}
    if high is None:
        return {"en": f"A number of at least {low}", "ru": f"Число не меньше {low}",
                "kk": f"Кемінде {low} сан"}
    if low is None:
        return {"en": f"A number of at most {high}", "ru": f"Число не больше {high}",
                "kk": f"Ең көбі {high} сан"}
    return {"en": f"A number from {low} to {high}", "ru": f"Число от {low} до {high}",
            "kk": f"{low} мен {high} аралығындағы сан"}


def workbook_from_definition(definition: Sequence[Mapping[str, Any]], settings: Mapping[str, Any],
                             languages: Sequence[str] | None = None) -> bytes:
    """An XLSForm workbook (XLSX bytes) for a nested question definition.

    Each item: ``name``, ``type`` (a ``Question.Type`` value), ``label``/``hint``
    (``{"en": ..., "ru": ...}``), ``code`` (SMS), ``required``, ``relevant``, ``constraint``,
    ``constraint_message``, ``minimum``/``maximum``, ``choices`` (``[{"name", "label", "sms",
    "filter": {...}}]``), ``choices_from`` (a media file, e.g. ``stations.csv``),
    ``choice_filter``, ``appearance``, and ``children`` for ``group`` and ``repeat``.
    ``settings``: ``form_title``, ``form_id``, ``version``, ``sms_keyword``, ``kind``...
    """
    languages = list(languages or definition_languages(definition))
    filter_columns = sorted({key for item in _walk(definition) for choice in item.get("choices") or []
                             for key in (choice.get("filter") or {})})
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    text_columns = [f"{kind}::{language_column(code)}" for kind in ("label", "hint")
                    for code in languages]
    message_columns = [f"constraint_message::{language_column(code)}" for code in languages]
    header = ["type", "name", *text_columns, "required", "relevant", "constraint",
              *message_columns, "appearance", "choice_filter", "sms_field"]
    survey.append(header)
    choice_rows: list[list[Any]] = []
    lists: set[str] = set()

    def texts(item: Mapping[str, Any], key: str) -> list[str]:
        values = item.get(key) or {}
        return [values.get(code, "") for code in languages]

    def add_choices(list_name: str, choices: Sequence[Mapping[str, Any]]) -> None:
        if list_name in lists:
            return
        lists.add(list_name)
        for choice in choices:
            filters = choice.get("filter") or {}
            choice_rows.append([list_name, choice["name"], *texts(choice, "label"),
                                choice.get("sms", ""), *[filters.get(c, "") for c in filter_columns]])

    def write(items: Sequence[Mapping[str, Any]]) -> None:
        for item in items:
            kind = item["type"]
            if kind in {GROUP, REPEAT}:
                begin, end = ("begin_group", "end_group") if kind == GROUP else ("begin_repeat", "end_repeat")
                survey.append([begin, item["name"], *texts(item, "label"), *texts(item, "hint"), "",
                               item.get("relevant", ""), "", *["" for _ in languages],
                               item.get("appearance", ""), "", item.get("code", "")])
                write(item.get("children") or [])
                survey.append([end, "", *["" for _ in text_columns], "", "", "",
                               *["" for _ in languages], "", "", ""])
                continue
            if item.get("choices_from"):
                type_text = f"select_one_from_file {item['choices_from']}"
            elif kind == YES_NO:
                add_choices("yes_no", item.get("choices") or YES_NO_CHOICES)
                type_text = "select_one yes_no"
            elif kind in {SELECT_ONE, SELECT_MULTIPLE}:
                list_name = item.get("list_name") or item["name"]
                add_choices(list_name, item.get("choices") or [])
                type_text = f"{kind} {list_name}"
            else:
                type_text = _WRITE_TYPES[kind]
            message = dict(item.get("constraint_message") or {}) or (
                _bounds_message(item) if not item.get("constraint") else {})
            survey.append([
                type_text, item["name"], *texts(item, "label"), *texts(item, "hint"),
                "yes" if item.get("required") else "", item.get("relevant", ""),
                _constraint_text(item), *[message.get(code, "") for code in languages],
                item.get("appearance", ""), item.get("choice_filter", ""), item.get("code", ""),
            ])

    write(definition)
    if choice_rows:
        choices = book.create_sheet("choices")
        choices.append(["list_name", "name", *[f"label::{language_column(c)}" for c in languages],
                        "sms_option", *filter_columns])
        for row in choice_rows:
            choices.append(row)
    sheet = book.create_sheet("settings")
    keys = [key for key, value in settings.items() if value not in (None, "")]
    sheet.append(keys)
    sheet.append([str(settings[key]) for key in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- reading a workbook ---------------------------------------------------------------------


def _file_type(filename: str) -> str | None:
    return FILE_TYPES.get(PurePath(filename or "").suffix.lower())


def _pyxform_messages(exc: Exception) -> list[str]:
    text = str(exc).strip() or type(exc).__name__
    return [line.strip() for line in text.splitlines() if line.strip()] or [text]


def read_workbook(content: bytes, filename: str = "form.xlsx") -> ReadForm:
    """Run pyxform on a workbook and read its questions; raises :class:`FormDefinitionError`."""
    file_type = _file_type(filename)
    if file_type is None:
        raise FormDefinitionError([_("%(extension)s: an XLSForm must be an .xlsx, .xls, .csv or .md file")
                                   % {"extension": PurePath(filename).suffix or _("no extension")}], filename)
    warnings: list[str] = []
    try:
        book = get_xlsform(content, file_type=file_type)
        data = workbook_to_json(workbook_dict=book, form_name="data",
                                fallback_form_name=book.fallback_form_name, warnings=warnings)
    except PyXFormError as exc:
        raise FormDefinitionError(_pyxform_messages(exc), filename)
    except Exception as exc:  # pyxform lets some bad files through as other errors
        raise FormDefinitionError([_("pyxform could not read the file (%(problem)s)")
                                   % {"problem": f"{type(exc).__name__}: {exc}"}], filename)
    rows = {str(row.get("name")): number for number, row in enumerate(book.survey or [], start=2)
            if row.get("name")}
    reader = _Reader(data, rows)
    reader.read(data.get("children") or [], group="", repeat="")
    reader.finish()
    if reader.errors:
        raise FormDefinitionError(reader.errors, filename)
    settings = _given_settings(book, data)
    return ReadForm(questions=reader.questions, settings=settings, pyxform=data, warnings=warnings,
                    languages=sorted(reader.languages))


#: Settings pollwatch reads, and the settings-sheet columns that set them. pyxform fills in
#: defaults (the id, title and keyword all become "data"); only what the sheet says counts.
SETTING_COLUMNS = {
    "id_string": ("form_id", "id_string"), "title": ("form_title", "title"),
    "version": ("version",), "sms_keyword": ("sms_keyword",),
    "default_language": ("default_language",), **{key: (key,) for key in EXTRA_SETTINGS},
}


def _given_settings(book: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    rows = list(book.settings or [])
    given = {str(key).strip().lower() for key, value in (rows[0] if rows else {}).items()
             if value not in (None, "")}
    return {key: data[key] for key, columns in SETTING_COLUMNS.items()
            if data.get(key) and given.intersection(columns)}


class _Reader:
    def __init__(self, data: Mapping[str, Any], rows: Mapping[str, int]):
        self.default = language_code(str(data.get("default_language") or "default"), "en")
        self.rows = rows
        self.questions: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self.languages: set[str] = set()
        self.names: set[str] = set()

    def where(self, name: str) -> str:
        row = self.rows.get(name)
        return f"[row : {row}] {name}" if row else name

    def texts(self, value: Any) -> dict[str, str]:
        found = _texts(value, self.default)
        self.languages.update(found)
        return found

    def read(self, children: Sequence[Mapping[str, Any]], group: str, repeat: str) -> None:
        for child in children:
            kind, name = str(child.get("type", "")), str(child.get("name", ""))
            if kind == "group" and name == "meta" and not group and not repeat:
                continue  # instanceID: ODK's own
            if name in self.names:
                self.errors.append(_("%(where)s: the name %(name)s is used twice; pollwatch needs names "
                                     "unique in the whole form")
                                   % {"where": self.where(name), "name": repr(name)})
                continue
            self.names.add(name)
            if kind in {"group", "repeat"}:
                if kind == "repeat" and repeat:
                    self.errors.append(_("%(where)s: repeats inside repeats are not supported")
                                       % {"where": self.where(name)})
                    continue
                self.add(child, GROUP if kind == "group" else REPEAT, group, repeat)
                self.read(child.get("children") or [], name if kind == "group" else group,
                          name if kind == "repeat" else repeat)
                continue
            self.question(child, kind, group, repeat)

    def question(self, child: Mapping[str, Any], kind: str, group: str, repeat: str) -> None:
        name = str(child.get("name"))
        itemset = str(child.get("itemset") or "")
        from_file = itemset if re.search(r"\.(csv|xml|geojson)$", itemset) else ""
        if kind in {"select one", "select all that apply"}:
            choices = [{"name": str(c["name"]), "label": self.texts(c.get("label")),
                        "sms": str(c.get("sms_option") or "").strip()}
                       for c in child.get("choices") or []]
            if kind == "select one" and {c["name"] for c in choices} == {"yes", "no"}:
                mapped = YES_NO
                for choice in choices:
                    choice["sms"] = choice["sms"] or choice["name"][0].upper()
            else:
                mapped = SELECT_ONE if kind == "select one" else SELECT_MULTIPLE
                for number, choice in enumerate(choices, start=1):
                    choice["sms"] = choice["sms"] or str(number)
            self.add(child, mapped, group, repeat, choices=choices, choices_from=from_file)
            return
        if kind not in TYPE_MAP:
            self.errors.append(_("%(where)s: the question type %(type)s is not supported by pollwatch")
                               % {"where": self.where(name), "type": repr(kind)})
            return
        self.add(child, TYPE_MAP[kind] or TEXT, group, repeat, automatic=kind in AUTOMATIC)

    def add(self, child: Mapping[str, Any], kind: str, group: str, repeat: str, *,
            choices: list | None = None, choices_from: str = "", automatic: bool = False) -> None:
        name = str(child.get("name"))
        bind = child.get("bind") or {}
        required = str(bind.get("required", "")).strip().lower() in {"yes", "true", "true()", "1"}
        row = {
            "position": len(self.questions) + 1, "name": name,
            "code": str(child.get("sms_field") or "").strip(), "type": kind,
            "label": self.texts(child.get("label")), "hint": self.texts(child.get("hint")),
            "choices": choices or [], "required": required,
            "relevant": str(bind.get("relevant") or "").strip(),
            "constraint": str(bind.get("constraint") or "").strip(),
            "constraint_message": self.texts(bind.get("jr:constraintMsg")),
            "minimum": None, "maximum": None, "group": group, "repeat": repeat,
            "appearance": str((child.get("control") or {}).get("appearance") or ""),
            "choices_from": choices_from, "_automatic": automatic,
        }
        for key in ("relevant", "constraint"):
            if row[key]:
                try:
                    expression = parse(row[key])
                except ExpressionError as exc:
                    self.errors.append(f"{self.where(name)}: {key}: {exc}")
                    continue
                if key == "constraint" and kind in {INTEGER, DECIMAL}:
                    for bound, number in _conjunct_bounds(expression).items():
                        row[bound] = number
        self.questions.append(row)

    def finish(self) -> None:
        """SMS codes: check those given, and give one to every answerable question without."""
        used: dict[str, str] = {}
        for row in self.questions:
            code = row["code"]
            if not code:
                continue
            if code != COMMENT_CODE and not SMS_CODE.match(code):
                self.errors.append(_("%(where)s: sms_field %(code)s must be a letter then up to 7 letters or "
                                     "digits (or @ for the comment)")
                                   % {"where": self.where(row["name"]), "code": repr(code)})
            elif code.upper() in used:
                self.errors.append(_("%(where)s: sms_field %(code)s is also used by %(other)s")
                                   % {"where": self.where(row["name"]), "code": repr(code),
                                      "other": used[code.upper()]})
            used[code.upper()] = row["name"]
            seen: set[str] = set()
            for choice in row["choices"]:
                sms = choice["sms"].upper()
                if not SMS_VALUE.match(sms) or sms in seen:
                    self.errors.append(_("%(where)s: sms_option %(value)s of %(choice)s must be letters or "
                                         "digits, unique in the list")
                                       % {"where": self.where(row["name"]), "value": repr(choice["sms"]),
                                          "choice": repr(choice["name"])})
                seen.add(sms)
        number = 0
        for row in self.questions:
            automatic = row.pop("_automatic")
            if row["code"] or automatic or row["type"] in {GROUP, REPEAT, NOTE, PHOTO} \
                    or row["name"] == STATION_QUESTION or row["repeat"]:
                continue
            number += 1
            while f"Q{number}" in used:
                number += 1
            row["code"] = f"Q{number}"
            used[row["code"]] = row["name"]


def _conjunct_bounds(expression) -> dict[str, float]:
    """Bounds among the ``and``-joined parts of a constraint (``. >= 0 and . <= 10 and ...``)."""
    conjuncts: list[tuple] = []

    def split(node: tuple) -> None:
        if node[0] == "bin" and node[1] == "and":
            split(node[2])
            split(node[3])
        else:
            conjuncts.append(node)

    split(expression.tree)
    found: dict[str, float] = {}
    for node in conjuncts:
        part = bounds_of(type(expression)(expression.text, node, frozenset()))
        for key, value in part.items():
            if key not in found:
                found[key] = int(value) if float(value).is_integer() else value
    return found
