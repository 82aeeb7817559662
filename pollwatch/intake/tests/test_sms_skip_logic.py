"""Skip logic across SMS: judged on the station record plus the message, never silently lost."""

import pytest

from pollwatch.intake.models import InboundReport
from pollwatch.missions.models import Observer
from pollwatch.submissions.models import StationRecord, Submission

from .conftest import submission_body
from .test_sms import generic

URL = "/api/v1/submissions"


def send(client, text, message_id):
    response = generic(client, text, message_id=message_id)
    assert response.status_code == 200
    return response.content.decode()


def record():
    return StationRecord.objects.get(station__code="71001").answers


def test_condition_in_one_sms_and_follow_up_in_the_next_are_both_saved(client, gateways):
    first = send(client, "OP 71001 C3 Y", "m1")
    second = send(client, "OP 71001 C4 2000", "m2")
    assert first.startswith("OK OP 71001") and second.startswith("OK OP 71001")
    latest = Submission.objects.order_by("id").last()
    assert latest.answers["ballots_received"] == 2000 and not latest.has_flag("not_saved")
    assert record()["ballots_counted"] == "yes" and record()["ballots_received"] == 2000


def test_select_multiple_follow_up_in_a_later_sms_is_saved(client, gateways):
    send(client, "OP 71001 B6 Y", "m1")
    reply = send(client, "OP 71001 B7 1,3", "m2")
    assert reply.startswith("OK")
    assert record()["unauthorised_who"] == ["police", "other"]


@pytest.mark.parametrize("text", ["OP 71001 C3 Y C4 2000", "OP 71001 C3Y C4 2000",
                                  "OP 71001 B6 Y B7 1,3 C3 Y C4 2000"])
def test_condition_and_follow_up_in_one_sms_are_saved(client, gateways, text):
    reply = send(client, text, "m1")
    assert reply.startswith("OK OP 71001")
    submission = Submission.objects.get()
    assert submission.answers["ballots_received"] == 2000
    assert not submission.has_flag("not_saved")
    assert record()["ballots_received"] == 2000


def test_irrelevant_answer_is_kept_raw_named_in_the_reply_and_not_ok(client, gateways):
    reply = send(client, "OP 71001 C3 N C4 2000", "m1")
    assert not reply.startswith("OK")
    assert "C4 не сохранено" in reply and "C3 = Y" in reply
    assert "сохранено ответов: 1" in reply
    submission = Submission.objects.get()
    assert submission.answers["ballots_counted"] == "no"
    assert "ballots_received" not in submission.answers
    flag = next(f for f in submission.flags if f["code"] == "not_saved")
    assert flag["questions"][0]["question"] == "ballots_received"
    report = InboundReport.objects.get()
    assert report.status == "processed" and "C4 2000" in report.payload and report.reply == reply
    assert "ballots_received" not in record()


def test_the_reply_names_the_lost_answer_in_english(client, gateways, world):
    Observer.objects.filter(pk=world.observer_oleg.pk).update(language="en")
    reply = send(client, "OP 71001 C3 N C4 2000", "m1")
    assert reply == ("OP 71001: 1 answers saved; C4 not saved: asked only when C3 is Y. "
                     "Still to send: A1, A2, A3, B6, C1, C2, C7, D1.")


def test_answer_made_irrelevant_by_an_earlier_sms_is_not_saved_and_said(client, gateways):
    send(client, "OP 71001 C3 N", "m1")
    reply = send(client, "OP 71001 C4 2000", "m2")
    assert not reply.startswith("OK") and "C4 не сохранено" in reply
    assert "ballots_received" not in record()
    assert Submission.objects.order_by("id").last().has_flag("not_saved")


def test_a_retried_sms_that_lost_an_answer_gets_the_same_reply(client, gateways):
    first = send(client, "OP 71001 C3 N C4 2000", "m1")
    again = send(client, "OP 71001 C3 N C4 2000", "m1")
    assert first == again and not again.startswith("OK")
    assert Submission.objects.count() == 1


def test_still_to_send_counts_what_earlier_sms_gave(client, gateways):
    send(client, "OP 71001 A1 0640 A2 0700 A3 Y", "m1")
    reply = send(client, "OP 71001 B6 N C1 Y C2 Y C7 Y D1 2", "m2")
    assert reply.startswith("OK OP 71001") and "Ещё не отправлены" not in reply
    assert not Submission.objects.order_by("id").last().has_flag("incomplete")
    assert StationRecord.objects.get().state == "complete"


def test_api_report_is_judged_on_the_record_too(client, gateways, api, oleg_token):
    send(client, "OP 71001 C3 Y", "m1")
    body = submission_body()
    del body["answers"]["ballots_counted"]
    body["answers"]["ballots_received"] = 2500
    response = api(oleg_token).post(URL, body)
    assert response.status_code == 201, response.content
    assert response.json()["answers"]["ballots_received"] == 2500
    assert record()["ballots_received"] == 2500


def test_api_report_with_an_irrelevant_answer_is_flagged_not_saved(client, gateways, api, oleg_token):
    body = submission_body(ballots_counted="no", ballots_received=2000)
    response = api(oleg_token).post(URL, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert "ballots_received" not in data["answers"]
    assert any(f["code"] == "not_saved" for f in data["flags"])
