"""Merging the reports of one station and form: agreement, conflicts, sections' states."""

import pytest

from pollwatch.accounts.models import AuditEntry
from pollwatch.submissions.models import StationRecord
from pollwatch.submissions.records import resolve_conflict

from .conftest import OPENING


def record_of(world, forms, code="opening"):
    return StationRecord.objects.get(mission=world.alpha, station=world.station_astana, form=forms[code])


def test_two_observers_agreeing_count_once(world, forms, omar, send):
    assert send(world.observer_oleg, "opening", "71001", OPENING).accepted
    assert send(omar, "opening", "71001", OPENING).accepted
    record = record_of(world, forms)
    assert record.state == "complete" and record.conflicts == {}
    assert record.submission_count == 2
    assert record.answers["assessment"] == "good"
    assert set(record.sections.values()) == {"complete"}
    assert StationRecord.objects.count() == 1


def test_disagreeing_answers_are_a_conflict_and_both_originals_are_kept(world, forms, omar, send):
    first = send(world.observer_oleg, "opening", "71001", OPENING).submission
    second = send(omar, "opening", "71001", {**OPENING, "boxes_sealed": "no"}).submission
    record = record_of(world, forms)
    assert record.state == "conflict"
    values = {entry["value"]: entry["submissions"] for entry in record.conflicts["boxes_sealed"]}
    assert values == {"yes": [first.pk], "no": [second.pk]}
    assert record.sections["procedures"] == "conflict"
    assert record.sections["arrival"] == "complete"
    assert "boxes_sealed" not in record.answers
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.answers["boxes_sealed"], second.answers["boxes_sealed"]) == ("yes", "no")


def test_free_text_is_not_compared(world, forms, omar, send):
    send(world.observer_oleg, "opening", "71001", {**OPENING, "comments": "calm"})
    send(omar, "opening", "71001", {**OPENING, "comments": "quiet morning"})
    record = record_of(world, forms)
    assert record.state == "complete" and record.answers["comments"] == "quiet morning"


def test_coordinator_resolves_a_conflict_and_a_new_value_reopens_it(world, forms, omar, send):
    send(world.observer_oleg, "opening", "71001", OPENING)
    send(omar, "opening", "71001", {**OPENING, "boxes_sealed": "no"})
    record = resolve_conflict(record_of(world, forms), "boxes_sealed", "yes", world.alice)
    assert record.state == "complete" and record.answers["boxes_sealed"] == "yes"
    assert record.resolutions["boxes_sealed"]["by"] == world.alice.pk
    assert AuditEntry.objects.filter(user=world.alice, model="submissions.StationRecord").exists()
    with pytest.raises(ValueError):
        resolve_conflict(record, "assessment", "good", world.alice)
    third = send(world.observer_olga, "opening", "71001", {**OPENING, "boxes_sealed": "no"})
    assert third.accepted
    assert record_of(world, forms).state == "complete"


def test_a_later_sms_from_the_same_observer_completes_the_record(world, forms):
    from pollwatch.intake.sms.gateways import InboundSms
    from pollwatch.intake.sms.service import receive_sms

    phone = world.observer_oleg.phone
    assert receive_sms(InboundSms("generic", phone, "OP 71001 A1 0640 A2 0700 A3 Y", "1")).received.accepted
    record = record_of(world, forms)
    assert record.state == "partial"
    assert record.sections["arrival"] == "complete" and record.sections["procedures"] == "missing"
    rest = "OP 71001 A3 N B6 N C1 Y C2 Y C7 Y D1 2"
    assert receive_sms(InboundSms("generic", phone, rest, "2")).received.accepted
    record = record_of(world, forms)
    assert record.state == "complete" and record.conflicts == {}
    assert record.answers["opened_on_time"] == "no" and record.submission_count == 2


def test_negative_assessment_marks_a_problem(world, forms, send):
    send(world.observer_oleg, "opening", "71001", {**OPENING, "assessment": "very_bad"})
    assert record_of(world, forms).has_problem


def test_a_correction_replaces_the_corrected_report_in_the_record(world, forms, omar, send):
    first = send(world.observer_oleg, "opening", "71001", OPENING).submission
    send(omar, "opening", "71001", {**OPENING, "boxes_sealed": "no"})
    assert record_of(world, forms).state == "conflict"
    corrected = send(world.observer_oleg, "opening", "71001", {**OPENING, "boxes_sealed": "no"},
                     corrects=first.pk)
    assert corrected.accepted and corrected.submission.revision == 2
    record = record_of(world, forms)
    assert record.state == "complete" and record.submission_count == 2


def _fields(record):
    return {name: getattr(record, name) for name in ("answers", "conflicts", "sections", "state",
                                                     "has_problem", "submission_count",
                                                     "first_received_at", "last_received_at")}


def _recomputed(record):
    from pollwatch.submissions.records import merge_station_record

    merge_station_record(record.mission_id, record.station_id, record.form)
    return StationRecord.objects.get(pk=record.pk)


def test_a_record_merged_report_by_report_equals_the_record_read_again(world, forms, omar, send):
    send(world.observer_oleg, "opening", "71001", OPENING)
    send(omar, "opening", "71001", {**OPENING, "boxes_sealed": "no", "comments": "late seals"})
    send(world.observer_olga, "opening", "71001", {**OPENING, "assessment": "bad"})
    send(world.observer_oleg, "opening", "71001", {**OPENING, "commission_present": 8})
    merged = record_of(world, forms)
    assert merged.submission_count == 4 and merged.state == "conflict"
    assert set(merged.conflicts) == {"boxes_sealed", "assessment", "commission_present"}
    assert _fields(merged) == _fields(_recomputed(merged))


def test_an_older_report_merged_last_does_not_replace_a_newer_answer(world, forms, send):
    """Two reports of one observer committed out of order: the one received last counts."""
    import datetime as dt
    import json
    import uuid

    from pollwatch.intake.models import InboundReport
    from pollwatch.intake.services import content_hash, receive

    observer = world.observer_oleg
    send(observer, "opening", "71001", {**OPENING, "boxes_sealed": "no"})
    body = {"key": str(uuid.uuid4()), "form": "opening", "station": "71001",
            "answers": {**OPENING, "boxes_sealed": "yes"}}
    earlier = InboundReport(channel="api", mission=world.alpha, observer=observer, key=body["key"],
                            content_hash=content_hash("json", observer.pk, body), payload=json.dumps(body),
                            received_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    assert receive(earlier).accepted
    record = record_of(world, forms)
    assert record.answers["boxes_sealed"] == "no" and record.conflicts == {}
    assert record.first_received_at == earlier.received_at
    assert _fields(record) == _fields(_recomputed(record))


def test_a_record_without_a_merge_state_is_read_again_on_the_next_report(world, forms, omar, send):
    send(world.observer_oleg, "opening", "71001", OPENING)
    StationRecord.objects.update(merge_state=None, submission_count=0, answers={})
    send(omar, "opening", "71001", {**OPENING, "boxes_sealed": "no"})
    record = record_of(world, forms)
    assert record.submission_count == 2 and set(record.conflicts) == {"boxes_sealed"}
    assert set(record.merge_state["sources"]) == {f"observer:{world.observer_oleg.pk}",
                                                  f"observer:{omar.pk}"}
