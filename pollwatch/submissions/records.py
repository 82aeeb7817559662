"""The merged record of one polling station and form, kept up to date on every submission.

Reports are merged by source (an observer; a partner's reports each count as their own
source). Within one source, a later report's answers replace the earlier ones question by
question (an observer sending two SMS, each with part of the form). Across sources:

- answers that agree count once;
- answers that disagree become a *conflict* for a coordinator to resolve
  (:func:`resolve_conflict`); the original submissions are never changed;
- free text, photos, locations and date-times are not compared (two observers never write
  the same words): the newest is shown.

Each section (the form's top-level groups; ``""`` for questions outside any group) reads:

- ``conflict``: an unresolved conflict in it;
- ``missing``: no answer in it;
- ``complete``: every required question that applies (its skip logic holds) is answered,
  or, in a section without required questions, something is answered;
- ``partial``: otherwise.

The record's ``state`` is ``conflict`` if any section is in conflict, ``missing`` when nothing
is answered, ``complete`` when every section is, else ``partial``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from pollwatch.accounts import audit
from pollwatch.accounts.models import AuditEntry, User
from pollwatch.checklists.models import Form

from .models import StationRecord, Submission
from .rows import json_value, select_rows, table, update_row, utc

State = StationRecord.State
NOT_COMPARED = {"text", "photo", "geopoint", "datetime", "date", "note"}
NEGATIVE_ASSESSMENTS = {"bad", "very_bad"}
PROBLEM_FLAGS = {"protocol_does_not_reconcile", "control_equation"}


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _schema(version: Any) -> Any:
    from pollwatch.checklists.services import schema

    return schema(version) if version is not None else None


def _lock_record(mission_id: int, station_id: int, form: Form) -> StationRecord:
    """The station's record for ``form``, created if missing, locked until the transaction
    ends: one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` (the update takes the row
    lock), so that two reports arriving together are merged one after the other. It returns
    the row as the previous report's transaction committed it, whatever this statement's
    snapshot; a new record starts with an empty merge state."""
    sql = (f"INSERT INTO {table(StationRecord)} (mission_id, station_id, form_id, phase, state, answers,"
           " conflicts, resolutions, sections, submission_count, has_problem, merge_state) VALUES"
           " (%s, %s, %s, %s, %s, '{}', '{}', '{}', '{}', 0, %s, %s) ON CONFLICT (mission_id, station_id,"
           " form_id) DO UPDATE SET phase = EXCLUDED.phase RETURNING id, resolutions, merge_state,"
           " submission_count, first_received_at, last_received_at")
    empty = json.dumps({"sources": {}, "flagged": False})
    found = select_rows(sql, [mission_id, station_id, form.pk, form.phase, State.MISSING, False, empty])
    pk, resolutions, kept, count, first, last = found[0]
    record = StationRecord(pk=pk, mission_id=mission_id, station_id=station_id, form=form,
                           phase=form.phase, resolutions=json_value(resolutions) or {},
                           merge_state=json_value(kept), submission_count=count,
                           first_received_at=utc(first), last_received_at=utc(last))
    record._state.adding = False
    return record


MERGED_FIELDS = ["answers", "conflicts", "sections", "submission_count", "first_received_at",
                 "last_received_at", "state", "has_problem", "merge_state"]


def merge_station_record(mission_id: int, station_id: int, form: Form,
                         version: Any = None) -> StationRecord:
    """Recompute the station's record for ``form`` from its current submissions (locking the
    record, so that two reports arriving together both count). Sections follow ``version``
    (by default the newest report's). Call inside a transaction."""
    record = _lock_record(mission_id, station_id, form)
    _recompute(record, version)
    update_row(record, MERGED_FIELDS)
    return record


def add_to_station_record(submission: Submission, version: Any) -> StationRecord:
    """Merge a new, current submission into its station's record: the record's merge state
    (each source's newest answers) plus this report give the same record as reading every
    report again, in one statement that locks and reads the record and one that writes it,
    however many reports the station already has. A record without a merge state (written
    before there was one) is recomputed. Call inside a transaction."""
    record = _lock_record(submission.mission_id, submission.station_id, submission.form)
    if record.merge_state is None:
        _recompute(record, version)
    else:
        row = {"id": submission.pk, "observer_id": submission.observer_id, "answers": submission.answers,
               "received_at": submission.received_at, "flags": submission.flags}
        _add(record.merge_state, row)
        record.submission_count += 1
        record.first_received_at = min(filter(None, [record.first_received_at, row["received_at"]]))
        record.last_received_at = max(filter(None, [record.last_received_at, row["received_at"]]))
        _merge(record, version)
    update_row(record, MERGED_FIELDS)
    return record


def _recompute(record: StationRecord, version: Any) -> None:
    """The record from all current submissions of its station and form (read again)."""
    rows = current_rows(record.mission_id, record.station_id, record.form_id)
    if version is None and rows:
        from pollwatch.checklists.models import FormVersion

        version = FormVersion.objects.get(pk=rows[-1]["form_version_id"])
    record.merge_state = {"sources": {}, "flagged": False}
    for row in rows:
        _add(record.merge_state, row)
    record.submission_count = len(rows)
    record.first_received_at = rows[0]["received_at"] if rows else None
    record.last_received_at = rows[-1]["received_at"] if rows else None
    _merge(record, version)


def current_rows(mission_id: int, station_id: int, form_id: int) -> list[dict[str, Any]]:
    """The current, real submissions of one station and form, oldest first (what is merged)."""
    sql = (f"SELECT id, observer_id, answers, received_at, flags, form_version_id FROM {table(Submission)}"
           " WHERE mission_id = %s AND station_id = %s AND form_id = %s AND is_current AND NOT is_test"
           " ORDER BY received_at, id")
    return [{"id": pk, "observer_id": observer, "answers": json_value(answers), "received_at": utc(at),
             "flags": json_value(flags) or [], "form_version_id": version}
            for pk, observer, answers, at, flags, version in select_rows(sql, [mission_id, station_id,
                                                                              form_id])]


def source_key(observer_id: int | None, submission_id: int) -> str:
    """A merge state's source: the observer, or the submission itself for a partner's report."""
    return f"observer:{observer_id}" if observer_id else f"submission:{submission_id}"


def observer_answers(mission_id: int, station_id: int, form_id: int, observer_id: int) -> dict[str, Any]:
    """The newest answer to each question that ``observer_id``'s reports gave the station's
    record for the form (a record merged before sources were kept: all its answers)."""
    found = (StationRecord.objects.filter(mission_id=mission_id, station_id=station_id, form_id=form_id)
             .values_list("merge_state", "answers").first())
    if found is None:
        return {}
    state, answers = found
    if not state:
        return dict(answers or {})
    mine = (state.get("sources") or {}).get(source_key(observer_id, 0)) or {}
    return {name: kept[0] for name, kept in mine.items() if isinstance(kept, list) and kept}


def _add(state: dict[str, Any], row: dict[str, Any]) -> None:
    """Fold one submission into a merge state: per source, each question's newest answer
    (by received time, then id) as ``[value, submission id, received at]``; and whether any
    submission carries a problem flag."""
    answers = state["sources"].setdefault(source_key(row["observer_id"], row["id"]), {})
    at = row["received_at"].astimezone(dt.UTC).isoformat(timespec="microseconds")
    for name, value in (row["answers"] or {}).items():
        kept = answers.get(name)
        if kept is None or (kept[2], kept[1]) <= (at, row["id"]):
            answers[name] = [value, row["id"], at]
    if any(flag.get("code") in PROBLEM_FLAGS for flag in row["flags"] or []):
        state["flagged"] = True


def _first_seen(item: tuple[str, dict[str, list[Any]]]) -> tuple[str, int]:
    """Sources are compared in the order they reported (a stored merge state keeps no order)."""
    return min(((kept[2], kept[1]) for kept in item[1].values()), default=("", 0))


def _merge(record: StationRecord, version: Any) -> None:
    """The record's answers, conflicts, sections and state from its merge state."""
    schema = _schema(version)
    types = {spec.name: spec.type for spec in schema.questions} if schema else {}
    sources = dict(sorted(record.merge_state["sources"].items(), key=_first_seen))
    merged: dict[str, Any] = {}
    conflicts: dict[str, list[dict[str, Any]]] = {}
    names = list(dict.fromkeys(n for answers in sources.values() for n in answers))
    for name in names:
        given = [(source, *answers[name][:2]) for source, answers in sources.items() if name in answers]
        if len(given) == 1:  # one source answered it (most questions of most stations)
            merged[name] = given[0][1]
            continue
        distinct: dict[str, dict[str, Any]] = {}
        for source, value, submission_id in given:
            entry = distinct.setdefault(_canonical(value), {"value": value, "submissions": [],
                                                           "sources": []})
            entry["submissions"].append(submission_id)
            entry["sources"].append(source)
        if len(distinct) == 1 or types.get(name) in NOT_COMPARED:
            merged[name] = max(given, key=lambda g: g[2])[1]
            continue
        resolution = (record.resolutions or {}).get(name)
        if resolution and set(distinct) <= set(resolution.get("values", [])):
            merged[name] = resolution["value"]
        else:
            conflicts[name] = list(distinct.values())
    record.answers, record.conflicts = merged, conflicts
    sections, optional = _sections(schema, merged, conflicts) if schema else ({}, set())
    record.sections = sections
    record.state = _overall(sections, optional, record.submission_count > 0)
    record.has_problem = record.merge_state["flagged"] or _has_problem(merged)


def _applies(spec: Any, answers: dict[str, Any]) -> bool:
    if spec.relevant is None:
        return True
    try:
        return bool(spec.relevant.is_true(answers))
    except Exception:  # noqa: BLE001 - an expression that cannot be read counts as applying
        return True


def _section_of(spec: Any) -> str:
    return spec.sections[0] if spec.sections else ""


def _sections(schema: Any, merged: dict[str, Any],
              conflicts: dict[str, Any]) -> tuple[dict[str, str], set[str]]:
    """Each section's state, and the sections with no required question that applies."""
    grouped: dict[str, list[Any]] = {}
    for spec in schema.questions:
        if spec.takes_answer and not spec.repeat:
            grouped.setdefault(_section_of(spec), []).append(spec)
        elif spec.type == "repeat":
            grouped.setdefault(_section_of(spec) if spec.sections else spec.name, []).append(spec)
    states: dict[str, str] = {}
    optional: set[str] = set()
    for section, specs in grouped.items():
        names = {spec.name for spec in specs}
        expected = [s for s in specs if s.required and _applies(s, merged)]
        if not expected:
            optional.add(section)
        if names & set(conflicts):
            states[section] = State.CONFLICT
        elif not names & set(merged):
            states[section] = State.MISSING
        elif all(s.name in merged for s in expected):
            states[section] = State.COMPLETE
        else:
            states[section] = State.PARTIAL
    return states, optional


def _overall(sections: dict[str, str], optional: set[str], reported: bool) -> str:
    """The record's state; an unanswered section with nothing required does not count."""
    if not reported:
        return State.MISSING
    values = set(sections.values())
    if State.CONFLICT in values:
        return State.CONFLICT
    if values <= {State.MISSING}:
        return State.MISSING if sections else State.COMPLETE
    counted = [state for name, state in sections.items()
               if not (state == State.MISSING and name in optional)]
    return State.COMPLETE if all(s == State.COMPLETE for s in counted) else State.PARTIAL


def _has_problem(merged: dict[str, Any]) -> bool:
    """A negative assessment among the merged answers (flags are counted in the merge state)."""
    return any(name.endswith("assessment") and value in NEGATIVE_ASSESSMENTS
               for name, value in merged.items())


def resolve_conflict(record: StationRecord, question: str, value: Any,
                     actor: audit.Actor) -> StationRecord:
    """Settle a conflict on ``question`` with ``value`` (one of the reported values, or the
    coordinator's own after checking with the observers). The submissions stay as they are;
    a later report with yet another value re-opens the conflict."""
    with transaction.atomic():
        record = StationRecord.objects.select_for_update().select_related("form").get(pk=record.pk)
        reported = (record.conflicts or {}).get(question)
        if reported is None:
            raise ValueError(f"{question!r} is not in conflict at this station")
        values = [_canonical(entry["value"]) for entry in reported]
        record.resolutions = {**(record.resolutions or {}), question: {
            "value": value, "values": sorted(set(values) | {_canonical(value)}),
            "by": actor.pk if isinstance(actor, User) else str(actor),
            "at": timezone.now().isoformat()}}
        record.save(update_fields=["resolutions"])
        merged = merge_station_record(record.mission_id, record.station_id, record.form)
        audit.record(actor, AuditEntry.Action.ACTION, merged, mission=record.mission,
                     object_repr=f"resolved {question} at station {record.station_id}",
                     changes={question: [[e["value"] for e in reported], value]})
    return merged


def missing_records(mission: Any, form: Form) -> Any:
    """Assigned stations with no record for ``form`` yet (for coverage pages)."""
    from pollwatch.missions.models import Assignment

    reported = StationRecord.objects.filter(mission=mission, form=form).values("station_id")
    query = Assignment.objects.filter(team__mission=mission)
    if form.phase:
        query = query.filter(phase=form.phase)
    return query.exclude(station_id__in=reported).values_list("station_id", flat=True).distinct()
