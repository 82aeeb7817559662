"""Forms: the service functions the rest of pollwatch calls (docs/forms.md).

Lifecycle: :func:`create_version` (a draft), :func:`publish_version`, :func:`retire_version`;
built-in forms with :func:`install_templates`; XLSForm upload with :func:`import_xlsform`.
Checking answers: :func:`validate_answers`; SMS: :func:`sms_schema`; protocols:
:func:`protocol_from_answers`; exports: :func:`export_columns`. Every change is audited.

Versions and submissions: a version goes draft -> published -> retired. Publishing a version
retires the form's other published version, so ODK's form list offers one version per form;
a submission made with a version that was published at some point is still accepted (and
checked against its own version), so phones holding yesterday's version keep working. A
draft accepts only test submissions, which publishing deletes.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pollwatch.accounts import audit
from pollwatch.accounts.models import AuditEntry, User
from pollwatch.elections.models import Contest
from pollwatch.missions.models import Mission

from . import templates_builtin as builtin
from .models import Form, FormVersion, Question
from .protocols import FIGURES, ISSUED_MOBILE, protocol_from_answers
from .schema import QUESTION_FIELDS, REPEAT, STATION_QUESTION, schema_for
from .sms import SmsField, SmsSchema, sms_schema
from .validation import AnswerError, ValidationResult, validate_answers
from .xform import build_xform, xform_hash
from .xlsform import (
    SMS_KEYWORD,
    FormDefinitionError,
    ReadForm,
    language_column,
    read_workbook,
    workbook_from_definition,
)

__all__ = [
    "AnswerError", "ColumnSpec", "FormDefinitionError", "SmsField", "SmsSchema", "ValidationResult",
    "create_version", "export_columns", "find_form_by_keyword", "find_version", "import_xlsform",
    "install_templates", "protocol_from_answers", "publish_version", "retire_version", "sms_schema",
    "validate_answers", "versions_on_offer",
]

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGES = ("en", "ru", "kk")
FINGERPRINT_SETTINGS = ("title", "sms_keyword", "default_language", "kind", "phase", "contest",
                        "protocol")


# --- versions ---------------------------------------------------------------------------------


def _user(actor: audit.Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.pk else None


def _fingerprint(read: ReadForm, settings: Mapping[str, Any]) -> str:
    kept = {key: settings.get(key) for key in FINGERPRINT_SETTINGS if settings.get(key) is not None}
    payload = json.dumps({"questions": read.questions, "settings": kept}, sort_keys=True,
                         default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _save_version(version: FormVersion, actor: audit.Actor, fields: Sequence[str]) -> None:
    """Save a version and audit the named fields only (a snapshot of every field would copy
    the whole XForm into the audit log at each change)."""
    creating = version.pk is None
    before = {} if creating else dict(
        FormVersion.objects.filter(pk=version.pk).values(*fields).first() or {})
    version.save(update_fields=None if creating else list(fields))
    changes = {name: [audit.json_value(before.get(name)), audit.json_value(getattr(version, name))]
               for name in fields if creating or before.get(name) != getattr(version, name)}
    if creating or changes:
        action = AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE
        audit.record(actor, action, version, mission=version.form.mission, changes=changes)


def _next_number(form: Form) -> int:
    return (form.versions.aggregate(top=Max("number"))["top"] or 0) + 1


def _workbook_settings(form: Form, number: int, title: str = "") -> dict[str, Any]:
    return {
        "form_title": title or form.name, "form_id": f"{form.mission.code}-{form.code}",
        "version": str(number), "sms_keyword": form.sms_keyword,
        "default_language": language_column("en"), "kind": form.kind, "phase": form.phase,
        "contest": form.contest.code if form.contest_id else "",
    }


def _store_version(form: Form, read: ReadForm, content: bytes, actor: audit.Actor, *,
                   filename: str, extra_settings: Mapping[str, Any] | None = None) -> FormVersion:
    """Write a draft version from a read workbook: the version, its questions, XForm, file."""
    number = _next_number(form)
    settings = {**read.settings, **(extra_settings or {}), "languages": read.languages}
    title = form.name
    xml = build_xform(read.pyxform, form_id=f"{form.mission.code}-{form.code}", version=number,
                      title=title)
    version = FormVersion(
        form=form, number=number, status=FormVersion.Status.DRAFT,
        version_string=str(read.settings.get("version") or "")[:64], settings=settings,
        xform=xml, xform_hash=xform_hash(xml), fingerprint=_fingerprint(read, settings),
        created_by=_user(actor),
    )
    stem = slugify(PurePath(filename).stem)[:60] or form.code
    suffix = PurePath(filename).suffix.lower() or ".xlsx"
    name = f"{form.mission.code}-{form.code}-v{number}" + ("" if stem == form.code else f"-{stem}")
    version.xlsform.save(f"{name}{suffix}",
                         ContentFile(content), save=False)
    _save_version(version, actor, ["number", "status", "version_string", "fingerprint", "xform_hash"])
    Question.objects.bulk_create([
        Question(version=version, **{key: value for key, value in row.items()
                                     if key in {f.name for f in Question._meta.fields}})
        for row in read.questions
    ])
    return version


@functools.lru_cache(maxsize=64)
def _built(key: str) -> tuple[bytes, ReadForm]:
    definition, settings, languages = json.loads(key)
    content = workbook_from_definition(definition, settings, languages)
    return content, read_workbook(content, f"{settings.get('form_id') or 'form'}.xlsx")


def _workbook_and_read(definition: Sequence[Mapping[str, Any]], settings: Mapping[str, Any],
                       languages: Sequence[str] | None) -> tuple[bytes, ReadForm]:
    """The XLSForm workbook of a definition and what pyxform reads from it. Built-in forms
    are rebuilt on every ``install_templates``; the same definition is built once per process."""
    key = json.dumps([definition, settings, list(languages) if languages else None], sort_keys=True,
                     default=str, ensure_ascii=False)
    content, read = _built(key)
    return content, copy.deepcopy(read)


def create_version(form: Form, questions: Sequence[Mapping[str, Any]], actor: audit.Actor, *,
                   settings: Mapping[str, Any] | None = None,
                   languages: Sequence[str] | None = None) -> FormVersion:
    """A new draft version of ``form`` from a question definition.

    ``questions`` is a list of dicts, nested for groups and repeats (``children``); see
    :func:`pollwatch.checklists.xlsform.workbook_from_definition` for the keys. The definition
    is written to an XLSForm workbook and read back through pyxform, exactly as an upload is,
    so the stored questions, the workbook and the XForm always agree. ``settings`` are kept
    on the version (a protocol's layout). Raises :class:`FormDefinitionError`.
    """
    with transaction.atomic():
        content, read = _workbook_and_read(questions, _workbook_settings(form, _next_number(form)),
                                           languages)
        return _store_version(form, read, content, actor, filename=f"{form.code}.xlsx",
                              extra_settings=settings)


def _purge_test_submissions(version: FormVersion, actor: audit.Actor) -> int:
    from pollwatch.submissions.models import Incident, Submission

    tests = Submission.objects.filter(form_version=version, is_test=True)
    count = tests.count()
    if count:
        Incident.objects.filter(submission__in=tests).delete()
        tests.update(supersedes=None)
        tests.delete()
        audit.record(actor, AuditEntry.Action.DELETE, version, mission=version.form.mission,
                     changes={"test_submissions": [count, 0]})
    return count


def publish_version(version: FormVersion, actor: audit.Actor) -> FormVersion:
    """Publish ``version``: observers get it from now on; the form's other published version is
    retired (its submissions are still accepted); the draft's test submissions are deleted."""
    with transaction.atomic():
        form = Form.objects.select_for_update().get(pk=version.form_id)
        version = FormVersion.objects.select_related("form__mission").get(pk=version.pk)
        now = timezone.now()
        _purge_test_submissions(version, actor)
        if not version.xform:
            raise FormDefinitionError([_("version %(number)s has no XForm") % {"number": version.number}],
                                      form.code)
        for other in form.versions.filter(status=FormVersion.Status.PUBLISHED).exclude(pk=version.pk):
            other.status = FormVersion.Status.RETIRED
            other.retired_at = now
            _save_version(other, actor, ["status", "retired_at"])
        if version.status != FormVersion.Status.PUBLISHED:
            version.status = FormVersion.Status.PUBLISHED
            version.published_at = now
            version.retired_at = None
            _save_version(version, actor, ["status", "published_at", "retired_at"])
        return version


def retire_version(version: FormVersion, actor: audit.Actor) -> FormVersion:
    """Stop offering ``version``. Submissions made with it are still accepted if it was
    ever published (phones may hold it); a retired draft accepts nothing."""
    with transaction.atomic():
        version = FormVersion.objects.select_for_update().select_related("form__mission").get(
            pk=version.pk)
        if version.status != FormVersion.Status.RETIRED:
            version.status = FormVersion.Status.RETIRED
            version.retired_at = timezone.now()
            _save_version(version, actor, ["status", "retired_at"])
        return version


# --- built-in templates -----------------------------------------------------------------------


def _free_keyword(mission: Mission, wanted: str, form: Form | None) -> str:
    taken = set(Form.objects.filter(mission=mission).exclude(pk=form.pk if form else None)
                .values_list("sms_keyword", flat=True))
    taken = {keyword.upper() for keyword in taken}
    if wanted.upper() not in taken:
        return wanted
    base = wanted.rstrip("0123456789") or wanted
    number = 1
    while f"{base}{number}".upper() in taken:
        number += 1
    return f"{base}{number}"


def _install(mission: Mission, spec: Mapping[str, Any], actor: audit.Actor,
             languages: Sequence[str], extra_settings: Mapping[str, Any] | None = None,
             contest: Contest | None = None) -> Form | None:
    form = Form.objects.filter(mission=mission, code=spec["code"]).first()
    if form is not None and form.template != spec["template"]:
        logger.info("form %s of mission %s is not the built-in one; left alone", form.code, mission.code)
        return None
    if form is None:
        names = spec["name"]
        form = Form(mission=mission, code=spec["code"], kind=spec["kind"], phase=spec["phase"],
                    template=spec["template"], contest=contest, name=names["en"],
                    translations={k: v for k, v in names.items() if k != "en"},
                    sms_keyword=_free_keyword(mission, spec["sms_keyword"], None))
        audit.save_audited(form, actor, mission=mission)
    definition = builtin.keep_languages(spec["definition"], languages)
    content, read = _workbook_and_read(definition, _workbook_settings(form, _next_number(form)), None)
    settings = {**read.settings, **(extra_settings or {}), "languages": read.languages}
    latest = form.versions.order_by("-number").first()
    if latest is not None and latest.fingerprint == _fingerprint(read, settings):
        if latest.status != FormVersion.Status.PUBLISHED:
            publish_version(latest, actor)
        return form
    version = _store_version(form, read, content, actor, filename=f"{form.code}.xlsx",
                             extra_settings=extra_settings)
    publish_version(version, actor)
    return form


def _protocol_specs(mission: Mission) -> list[tuple[dict[str, Any], dict[str, Any], Contest]]:
    election = mission.election
    contests = list(election.contests.order_by("ballot_order", "code"))
    specs = []
    for number, contest in enumerate(contests, start=1):
        definition, layout = builtin.protocol(contest, election.equations())
        names = {lang: f"{label}: {contest.name_in(lang)}" for lang, label in
                 builtin.t("Result protocol", "Протокол об итогах", "Қорытынды хаттама").items()}
        specs.append(({"template": "protocol", "code": f"protocol-{contest.code}"[:64],
                       "kind": "protocol", "phase": "closing",
                       "sms_keyword": "PR" if len(contests) == 1 else f"PR{number}",
                       "name": names, "definition": definition}, {"protocol": layout}, contest))
    return specs


def install_templates(mission: Mission, actor: audit.Actor,
                      languages: Sequence[str] = DEFAULT_LANGUAGES) -> list[Form]:
    """Create and publish the built-in forms of ``mission``: opening (SMS OP), voting (VT),
    closing and counting (CL), incident (IN) and a result protocol per contest of its
    election (PR, or PR1, PR2...). Idempotent: a second call changes nothing; when a template
    changed (new contest choices, other languages), the form gets a new published version.
    A form with a built-in code that was imported from a workbook is left alone.
    """
    installed: list[Form] = []
    with transaction.atomic():
        for spec in builtin.standard_forms(mission):
            form = _install(mission, spec, actor, languages)
            if form is not None:
                installed.append(form)
        for spec, settings, contest in _protocol_specs(mission):
            form = _install(mission, spec, actor, languages, settings, contest)
            if form is not None:
                installed.append(form)
    return installed


# --- XLSForm import ---------------------------------------------------------------------------


def _content_of(file: str | Path | bytes | IO[bytes]) -> bytes:
    if isinstance(file, bytes):
        return file
    if isinstance(file, str | Path):
        return Path(file).read_bytes()
    data = file.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def _form_code(mission: Mission, read: ReadForm, filename: str) -> str:
    raw = str(read.settings.get("id_string") or "")
    prefix = f"{mission.code}-"
    if raw.startswith(prefix):
        raw = raw[len(prefix):]
    return slugify(raw or PurePath(filename).stem)[:64]


def _import_settings(mission: Mission, read: ReadForm, code: str,
                     existing: Form | None) -> tuple[dict[str, Any], list[str]]:
    errors: list[str] = []
    settings = read.settings
    kind = str(settings.get("kind") or (existing.kind if existing else Form.Kind.OTHER)).lower()
    if kind not in Form.Kind.values:
        errors.append(_("settings: kind %(value)s is not one of %(allowed)s")
                      % {"value": repr(kind), "allowed": ", ".join(Form.Kind.values)})
    phase = str(settings.get("phase") or (existing.phase if existing else "")).lower()
    if phase and phase not in {"opening", "voting", "closing"}:
        errors.append(_("settings: phase %(value)s is not one of opening, voting, closing")
                      % {"value": repr(phase)})
    keyword = str(settings.get("sms_keyword") or (existing.sms_keyword if existing else "")).strip()
    if keyword and not SMS_KEYWORD.match(keyword):
        errors.append(_("settings: sms_keyword %(value)s must be a letter then letters or digits")
                      % {"value": repr(keyword)})
    elif keyword:
        clash = (Form.objects.filter(mission=mission, sms_keyword__iexact=keyword)
                 .exclude(code=code).first())
        if clash:
            errors.append(_("settings: sms_keyword %(value)s is already used by the form %(form)s")
                          % {"value": repr(keyword), "form": clash.code})
    contest = None
    contest_code = str(settings.get("contest") or "")
    if contest_code:
        contest = mission.election.contests.filter(code=contest_code).first()
        if contest is None:
            errors.append(_("settings: contest %(value)s is not a contest of %(election)s")
                          % {"value": repr(contest_code), "election": mission.election.code})
    elif existing is not None:
        contest = existing.contest
    return {"kind": kind, "phase": phase, "sms_keyword": keyword, "contest": contest}, errors


def _imported_layout(contest: Contest, read: ReadForm) -> dict[str, Any]:
    """A protocol layout for an imported protocol form, found by question names: figures
    named as the protocol lines, votes as ``v_<choice code>`` or a repeat ``votes`` of
    ``choice`` and ``count``."""
    names = {row["name"]: row for row in read.questions}
    codes = {re.sub(r"[^a-z0-9_]+", "_", c.lower()): c
             for c in contest.choices.values_list("code", flat=True)}
    layout: dict[str, Any] = {
        "contest_id": contest.pk, "contest": contest.code, "has_districts": contest.has_districts,
        "figures": {name: name for name in (*FIGURES, ISSUED_MOBILE) if name in names},
        "votes": {name: codes[name[2:]] for name in names
                  if name.startswith("v_") and name[2:] in codes},
        "ballot_numbers": dict(contest.choices.values_list("code", "ballot_number")),
        "equations": [dict(e) for e in contest.election.equations()],
    }
    row = names.get("votes")
    if row and row["type"] == REPEAT and "choice" in names and "count" in names:
        layout.update(repeat="votes", choice_field="choice", count_field="count")
    return layout


def import_xlsform(mission: Mission, file: str | Path | bytes | IO[bytes], actor: audit.Actor, *,
                   filename: str, publish: bool = False) -> FormVersion:
    """Import an XLSForm workbook as a new draft version of the form it names.

    The form is found (or created) by the workbook's ``form_id`` setting (without a leading
    ``<mission>-``), else the file name. Settings used: ``form_title``, ``sms_keyword``, and
    pollwatch's ``kind``, ``phase``, ``contest``. Labels in several languages
    (``label::Russian (ru)``), ``sms_field`` for question codes and ``sms_option`` for choice
    values. All or nothing: any problem raises :class:`FormDefinitionError` listing pyxform's
    row-numbered errors and ours, and nothing is stored. Importing the same definition again
    returns the existing version. A built-in form that is imported over stops being updated
    by :func:`install_templates`.
    """
    content = _content_of(file)
    read = read_workbook(content, filename)
    code = _form_code(mission, read, filename)
    if not code:
        raise FormDefinitionError([_("settings: no form_id and no usable file name")], filename)
    with transaction.atomic():
        form = Form.objects.select_for_update().filter(mission=mission, code=code).first()
        values, errors = _import_settings(mission, read, code, form)
        if errors:
            raise FormDefinitionError(errors, filename)
        extra = {}
        if values["kind"] == Form.Kind.PROTOCOL and values["contest"] is not None:
            extra["protocol"] = _imported_layout(values["contest"], read)
        title = read.title or code
        if form is None:
            form = Form(mission=mission, code=code, name=title[:255])
        form.kind, form.phase = values["kind"], values["phase"]
        form.sms_keyword, form.contest = values["sms_keyword"], values["contest"]
        form.template = ""
        audit.save_audited(form, actor, mission=mission)
        latest = form.versions.order_by("-number").first()
        settings = {**read.settings, **extra, "languages": read.languages}
        if latest is not None and latest.fingerprint == _fingerprint(read, settings):
            version = latest
        else:
            version = _store_version(form, read, content, actor, filename=filename,
                                     extra_settings=extra)
            audit.record(actor, AuditEntry.Action.IMPORT, version, mission=mission,
                         changes={"file": [None, filename], "questions": [None, len(read.questions)]})
        if publish:
            version = publish_version(version, actor)
        return version


# --- finding forms ------------------------------------------------------------------------------


def find_form_by_keyword(mission: Mission, keyword: str) -> Form | None:
    """The mission's form with this SMS keyword (any case), or None."""
    return Form.objects.filter(mission=mission, sms_keyword__iexact=keyword.strip()).first()


def find_version(mission: Mission, form_id: str, version: str | int | None = None) -> FormVersion | None:
    """The version an ODK submission names by XForm id (``<mission>-<code>``) and ``version``
    attribute; without a version, the current published one. None if there is none."""
    prefix = f"{mission.code}-"
    code = form_id[len(prefix):] if form_id.startswith(prefix) else form_id
    form = Form.objects.filter(mission=mission, code=code).first()
    if form is None:
        return None
    if version in (None, ""):
        return form.published_version()
    try:
        number = int(str(version))
    except ValueError:
        return None
    return form.versions.filter(number=number).first()


def versions_on_offer(mission: Mission) -> list[FormVersion]:
    """The published version of each form of the mission (what ODK's form list shows)."""
    return list(FormVersion.objects.filter(form__mission=mission, status=FormVersion.Status.PUBLISHED)
                .select_related("form").order_by("form__kind", "form__code"))


# --- exports ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    """One export column: a question over all versions of a form.

    ``repeat`` names the repeat a question belongs to (its answers are lists of rows);
    ``first_version``/``last_version`` are the version numbers that asked it.
    """

    name: str
    code: str
    type: str
    label: Mapping[str, str]
    group: str
    repeat: str
    choices: tuple[str, ...]
    first_version: int
    last_version: int

    def label_in(self, language: str = "en") -> str:
        return self.label.get(language) or self.label.get("en") or self.name


def export_columns(form: Form) -> list[ColumnSpec]:
    """Every answerable question asked by any version of ``form``, in a stable order.

    Columns come in the order they first appeared: the questions of version 1 in form order,
    then those each later version added. A question removed later keeps its column; one whose
    label or type changed takes its newest label and type. So an export never shifts columns
    when a form is edited mid-day, and yesterday's file and today's line up.
    """
    order: list[str] = []
    latest: dict[str, dict[str, Any]] = {}
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    rows = (Question.objects.filter(version__form=form)
            .exclude(type__in=[Question.Type.NOTE, Question.Type.GROUP, Question.Type.REPEAT])
            .order_by("version__number", "position")
            .values("version__number", *QUESTION_FIELDS))
    for row in rows:
        name, number = row["name"], row["version__number"]
        if name not in first:
            order.append(name)
            first[name] = number
        last[name] = number
        latest[name] = row
    return [
        ColumnSpec(name=name, code=latest[name]["code"], type=latest[name]["type"],
                   label=latest[name]["label"] or {}, group=latest[name]["group"],
                   repeat=latest[name]["repeat"],
                   choices=tuple(c["name"] for c in latest[name]["choices"] or []),
                   first_version=first[name], last_version=last[name])
        for name in order
    ]


def station_question_name() -> str:
    """The name of the question that holds the polling station's code in every station form."""
    return STATION_QUESTION


def schema(version: FormVersion):
    """The compiled form (questions with parsed expressions) used by :func:`validate_answers`."""
    return schema_for(version)
