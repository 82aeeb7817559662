"""Reading a stored report into a submission draft, one reader per channel.

A reader gets the :class:`InboundReport` (payload as received, sender, the observer or API key
the channel authenticated, request details in ``meta``) and returns a
:class:`~pollwatch.submissions.services.Draft`, or raises
:class:`~pollwatch.submissions.errors.Rejected` saying exactly what is wrong. Readers only
read (forms, stations and assignments from the cache), so a coordinator's re-processing runs
the very same code on the edited payload.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pollwatch.checklists.models import Form, FormVersion
from pollwatch.elections.models import PollingStation
from pollwatch.missions.models import Mission, Observer
from pollwatch.submissions import catalog
from pollwatch.submissions.errors import Rejected
from pollwatch.submissions.models import Channel, Submission
from pollwatch.submissions.reasons import reason
from pollwatch.submissions.services import Draft

from .models import InboundReport
from .services import parser
from .sms.grammar import normalise_station


def _mission(report: InboundReport) -> Mission:
    if report.mission_id is None:
        raise Rejected("unknown_sender", reason("no_mission"))
    return report.mission


def _observer(report: InboundReport) -> Observer | None:
    return report.observer if report.observer_id else None


def find_form(mission: Mission, code: str) -> Form:
    form = catalog.form_by_code(mission.pk, code) or catalog.form_by_keyword(mission.pk, code)
    if form is None:
        raise Rejected("unknown_form", reason("no_form", form=repr(code)),
                       [{"question": "form", "code": "", "kind": "unknown",
                         "message": f"form: no form {code!r}"}])
    return form


def find_version(form: Form, number: Any = None) -> FormVersion:
    version = None
    if number not in (None, ""):
        try:
            version = catalog.version_by_number(form, int(number))
        except (TypeError, ValueError):
            version = None
        if version is None:
            raise Rejected("unknown_form", reason("no_version", form=form.code, version=repr(number)))
    else:
        version = catalog.current_version(form)
        if version is None:
            raise Rejected("unknown_form", reason("not_published", form=form.code))
    return version


def find_station(mission: Mission, code: Any) -> PollingStation | None:
    if code in (None, ""):
        return None
    text = normalise_station(str(code))
    station = catalog.station_by_code(mission.election_id, text)
    if station is None:
        raise Rejected("unknown_station", reason("no_station", station=text),
                       [{"question": "station", "code": "", "kind": "station",
                         "message": f"station: no polling station {text}"}])
    return station


def _moment(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def find_correction_target(mission: Mission, *, pk: Any = None, key: str = "",
                           observer: Observer | None = None) -> Submission:
    query = Submission.objects.filter(mission=mission).select_related("form", "form_version",
                                                                       "station")
    if observer is not None:  # an observer finds only their own reports (nothing of others')
        query = query.filter(observer=observer)
    target = query.filter(pk=pk).first() if pk else query.filter(key=key).order_by("id").first()
    if target is None:
        raise Rejected("bad_correction", reason("no_correction_target", target=str(pk or key)))
    if observer is not None and target.observer_id != observer.pk:
        raise Rejected("not_allowed", reason("not_own_report"))
    return target


# --- JSON API and the observer web page ----------------------------------------------------

def _unstorable(text: str) -> str:
    from .services import UNSTORABLE

    found = UNSTORABLE.search(text)
    return f"U+{ord(found.group()):04X}" if found else ""


def _refuse_unstorable(value: Any, path: str = "") -> None:
    """A NUL (``\\u0000``) or a lone surrogate in a JSON string cannot be stored in the
    answers: the report is kept, in quarantine, saying exactly where."""
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if _unstorable(str(key)):
                raise Rejected("bad_payload", f"the name {where!r} has a character that cannot be "
                               f"stored ({_unstorable(str(key))}); remove it",
                               [{"question": path or "body", "code": "unstorable", "kind": "payload",
                                 "message": f"{path or 'body'}: a name has {_unstorable(str(key))}"}])
            _refuse_unstorable(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_unstorable(item, f"{path}[{index}]")
    elif isinstance(value, str) and _unstorable(value):
        question = path.removeprefix("answers.")
        raise Rejected("bad_payload", f"{path} has a character that cannot be stored "
                       f"({_unstorable(value)}); remove it",
                       [{"question": question, "code": "unstorable", "kind": "payload",
                         "message": f"{question}: has {_unstorable(value)}, which cannot be stored"}])


@parser(Channel.API, Channel.WEB, Channel.PARTNER, Channel.STAFF)
def read_json(report: InboundReport) -> Draft:
    try:
        data = json.loads(report.payload)
    except ValueError as exc:
        raise Rejected("bad_payload", reason("not_json", detail=str(exc)))
    if not isinstance(data, dict):
        raise Rejected("bad_payload", reason("not_object"))
    _refuse_unstorable(data)
    answers = data.get("answers")
    if not isinstance(answers, dict):
        raise Rejected("bad_payload", reason("answers_not_object"))
    mission = _mission(report)
    observer = _observer(report)
    meta = report.meta or {}
    corrects = None
    if meta.get("corrects"):
        corrects = find_correction_target(mission, pk=meta["corrects"], observer=observer)
    form = corrects.form if corrects else find_form(mission, str(data.get("form") or ""))
    version = find_version(form, data.get("form_version"))
    station_code = data.get("station") or answers.get("station")
    station = corrects.station if corrects and not station_code else find_station(mission, station_code)
    return Draft(mission=mission, channel=report.channel, key=report.key, form=form, version=version,
                 answers=answers, station=station, observer=observer,
                 observed_at=_moment(data.get("observed_at")), corrects=corrects,
                 created_by=report.handled_by if report.channel == Channel.STAFF else None,
                 received_at=report.received_at)


# --- coded SMS ------------------------------------------------------------------------------

#: Problems of the SMS reader, in the words of a rejection's code.
_SMS_REJECTION = {"unknown_keyword": "unknown_form", "missing_station": "unknown_station",
                  "empty": "bad_payload", "unreadable": "unreadable"}


@parser(Channel.SMS)
def read_sms(report: InboundReport) -> Draft:
    from .sms.grammar import parse_message
    from .sms.schemas import sms_schemas

    observer = _observer(report)
    if observer is None:
        raise Rejected("unknown_sender", reason("unknown_sender", sender=report.sender or "the sender"))
    mission = observer.mission
    parsed = parse_message(report.payload, sms_schemas(mission.pk))
    if parsed.problems:
        first = parsed.problems[0].code
        errors = [{"question": p.tag, "code": p.code, "kind": "sms", "value": p.value,
                   "message": f"{p.tag}: {p.code.replace('_', ' ')}"
                   + (f" ({p.value!r})" if p.value else "")} for p in parsed.problems]
        raise Rejected(_SMS_REJECTION.get(first, "invalid_answers"),
                       "; ".join(e["message"] for e in errors), errors, keyword=parsed.keyword,
                       station=parsed.station)
    form = find_form(mission, parsed.keyword)
    version = find_version(form)
    station = find_station(mission, parsed.station)
    return Draft(mission=mission, channel=Channel.SMS, key=report.key, form=form, version=version,
                 answers=parsed.answers, station=station, observer=observer,
                 received_at=report.received_at)


# --- OpenRosa (ODK Collect, Enketo) ---------------------------------------------------------

def _instance_answers(element: Any, schema: Any, top: bool = True) -> dict[str, Any]:
    """An XForm instance as answers: leaves by name, groups as objects, repeats as lists."""
    from .openrosa import _local

    answers: dict[str, Any] = {}
    for child in element:
        name = _local(child.tag)
        if top and name == "meta":
            continue
        spec = schema.by_name.get(name)
        if len(child):
            values = _instance_answers(child, schema, top=False)
            if spec is not None and spec.type == "repeat":
                answers.setdefault(name, []).append(values)
            else:
                answers[name] = values
        elif (child.text or "").strip() and not (spec is not None and spec.is_section):
            answers[name] = child.text.strip()
    return answers


@parser(Channel.OPENROSA)
def read_openrosa(report: InboundReport) -> Draft:
    from xml.etree.ElementTree import ParseError

    from pollwatch.checklists.services import schema as schema_for

    from .openrosa import form_for_xform_id, instance_meta, parse_instance

    # Bytes that were not their encoding are shown with U+FFFD: never accept that text as
    # received; a coordinator's edited text (a later attempt) is read as it is.
    if (report.meta or {}).get("unreadable") and report.attempts <= 1:
        raise Rejected("bad_payload", reason("bad_xml", detail=str(report.meta["unreadable"])))
    try:
        root = parse_instance(report.payload)
    except (ValueError, ParseError) as exc:
        raise Rejected("bad_payload", reason("bad_xml", detail=str(exc)))
    meta = instance_meta(root)
    mission = _mission(report)
    form = form_for_xform_id(mission.pk, mission.code, meta["form_id"])
    if form is None:
        raise Rejected("unknown_form", reason("no_form", form=repr(meta["form_id"])))
    version = find_version(form, meta["version"] or None)
    answers = _instance_answers(root, schema_for(version))
    observer = _observer(report)
    corrects = None
    if meta.get("deprecatedID"):
        corrects = find_correction_target(mission, key=meta["deprecatedID"], observer=observer)
    attachments = []
    files = {str(value): name for name, value in answers.items() if isinstance(value, str)}
    for item in (report.meta or {}).get("attachments", []):
        attachments.append({**item, "question": files.get(item["name"], "")})
    station = find_station(mission, answers.get("station")) if answers.get("station") else (
        corrects.station if corrects else None)
    return Draft(mission=mission, channel=Channel.OPENROSA, key=report.key, form=form,
                 version=version, answers=answers, station=station, observer=observer,
                 observed_at=_moment(meta.get("timeEnd") or answers.get("end")), corrects=corrects,
                 attachments=attachments, received_at=report.received_at)
