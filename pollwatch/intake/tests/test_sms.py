"""Coded SMS end to end, through each gateway's webhook."""

import json

from django.http import QueryDict

from pollwatch.intake.models import InboundReport
from pollwatch.intake.sms.gateways import twilio_signature
from pollwatch.submissions.models import Incident, ObservedProtocol, StationRecord, Submission

OLEG = "+77011234501"
OPENING = "OP 71001 A1 6:40 A2 0700 A3 Y B6 N C1 Y C2 Y C7 Y D1 2"


def generic(client, text, sender=OLEG, message_id="m1", **extra):
    data = {"from": sender, "text": text, "secret": "generic-secret"}
    if message_id:
        data["id"] = message_id
    return client.post("/sms/generic/", data, **extra)


def test_twilio_signature_matches_twilios_published_example():
    # Twilio, "Webhooks security": auth token 12345 and these parameters sign to this value.
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234",
              "From": "+12349013030", "To": "+18005551212"}
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio_signature("12345", url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_sms_from_an_observer_is_counted_and_confirmed_in_their_language(client, gateways, world):
    response = generic(client, OPENING)
    assert response.status_code == 200
    reply = response.content.decode()
    assert reply.startswith("OK OP 71001") and "Спасибо" in reply
    submission = Submission.objects.get()
    assert submission.channel == "sms" and submission.observer == world.observer_oleg
    assert submission.answers["opened_on_time"] == "yes"
    assert submission.answers["arrived_at"] == "06:40"
    report = InboundReport.objects.get()
    assert report.key == "generic:m1" and report.reply == reply and report.sender == OLEG


def test_partial_sms_is_counted_and_the_reply_lists_what_is_still_to_send(client, gateways):
    reply = generic(client, "OP 71001 A1 0640 A2 0700 A3 Y").content.decode()
    submission = Submission.objects.get()
    assert submission.has_flag("incomplete")
    assert "B6" in reply and "D1" in reply
    assert StationRecord.objects.get().state == "partial"


def test_retried_sms_is_stored_once(client, gateways):
    first = generic(client, OPENING).content
    again = generic(client, OPENING).content
    assert first == again
    assert Submission.objects.count() == 1
    assert InboundReport.objects.get().retries == 1


def test_sms_without_a_gateway_id_resent_is_still_stored_once(client, gateways):
    generic(client, OPENING, message_id="")
    generic(client, OPENING, message_id="")
    assert InboundReport.objects.count() == 1 and Submission.objects.count() == 1


def test_same_message_id_with_other_text_is_refused_and_logged(client, gateways):
    generic(client, OPENING)
    reply = generic(client, OPENING.replace("D1 2", "D1 4")).content.decode()
    assert "НЕ сохранено" in reply
    assert Submission.objects.get().answers["assessment"] == "good"
    assert InboundReport.objects.filter(status="refused").count() == 1


def test_number_not_on_the_roster_goes_to_quarantine_not_to_the_data(client, gateways, world):
    reply = generic(client, OPENING, sender="+77019999999").content.decode()
    assert "not registered" in reply
    assert not Submission.objects.exists()
    report = InboundReport.objects.get()
    assert report.status == "quarantined" and report.mission == world.alpha
    assert report.meta["rejection"] == "unknown_sender"


def test_unparseable_sms_is_quarantined_then_fixed_by_a_coordinator_and_counted(client, gateways, world,
                                                                             login):
    reply = generic(client, "OP 71001 A1 0640 A3 maybe B6 N").content.decode()
    assert "НЕ сохранено" in reply and "A3 'maybe' ответьте Y или N" in reply
    report = InboundReport.objects.get()
    assert report.status == "quarantined" and not Submission.objects.exists()

    coordinator = login(world.alice)
    page = coordinator.get("/m/alpha/quarantine/")
    assert page.status_code == 200 and "A3" in page.content.decode()
    fixed = coordinator.post(f"/m/alpha/quarantine/{report.pk}/",
                             {"action": "reprocess", "payload": "OP 71001 A1 0640 A3 N B6 N"})
    assert fixed.status_code == 302
    report.refresh_from_db()
    assert report.status == "processed" and report.handled_by == world.alice
    submission = Submission.objects.get()
    assert submission.inbound == report and submission.answers["opened_on_time"] == "no"
    assert StationRecord.objects.get().submission_count == 1
    # The phone's retry of the original message now gets the stored, accepted result.
    assert generic(client, "OP 71001 A1 0640 A3 maybe B6 N").content.decode().startswith("OK OP 71001")
    assert Submission.objects.count() == 1


def test_analyst_sees_the_quarantine_but_cannot_fix_it(client, gateways, world, login):
    generic(client, "OP 71001 A3 maybe")
    report = InboundReport.objects.get()
    analyst = login(world.anna)
    assert analyst.get("/m/alpha/quarantine/").status_code == 200
    response = analyst.post(f"/m/alpha/quarantine/{report.pk}/", {"action": "discard", "reason": "x"})
    assert response.status_code == 403
    assert InboundReport.objects.get().status == "quarantined"
    assert login(world.bob).get("/m/alpha/quarantine/").status_code == 403


def test_coordinator_discards_a_report_with_a_reason(client, gateways, world, login):
    generic(client, "hello, is this the mission?")
    report = InboundReport.objects.get()
    response = login(world.alice).post(f"/m/alpha/quarantine/{report.pk}/",
                                       {"action": "discard", "reason": "not a report"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "discarded" and report.reason.startswith("not a report")


def test_sms_for_another_teams_station_is_flagged_and_the_reply_says_so(client, gateways):
    reply = generic(client, OPENING.replace("71001", "27001")).content.decode()
    assert Submission.objects.get().has_flag("not_assigned")
    assert "27001" in reply and "нет в вашем задании" in reply


def test_unknown_form_code_and_station_are_told_exactly(client, gateways):
    assert "'ZZ'" in generic(client, "ZZ 71001 A1 Y", message_id="a").content.decode()
    assert "'99999'" in generic(client, "OP 99999 A3 Y", message_id="b").content.decode()
    assert InboundReport.objects.filter(status="quarantined").count() == 2


def test_incident_by_sms_opens_a_critical_incident(client, gateways, world):
    generic(client, "IN 71001 A1 1 A2 1 A3 1130 @ ballot stuffing seen in box 2")
    incident = Incident.objects.get()
    assert incident.is_critical and incident.category == "voting"
    assert incident.description == "ballot stuffing seen in box 2"
    assert incident.station == world.station_astana
    assert incident.events.get().status == "new"


def test_protocol_by_sms_that_does_not_reconcile_is_kept_and_flagged(client, gateways, world):
    text = "PR 71001 A1 2000 A2 1500 A3 1200 A5 250 A6 1190 A7 10 A8 1180 V1 800 V2 200 V3 100 V9 80"
    generic(client, text)
    submission = Submission.objects.get()
    protocol = ObservedProtocol.objects.get()
    assert not protocol.reconciles
    assert [f["equation"] for f in protocol.failures] == ["received_balance"]
    assert protocol.figures["received"] == 1500 and protocol.votes["amanat"] == 800
    assert submission.has_flag("protocol_does_not_reconcile")
    assert StationRecord.objects.get(form=submission.form).has_problem


def test_telerivet_with_a_wrong_secret_is_refused(client, gateways):
    data = {"secret": "wrong", "event": "incoming_message", "id": "SM1", "content": OPENING,
            "from_number_e164": OLEG}
    assert client.post("/sms/telerivet/", data).status_code == 403
    assert not InboundReport.objects.exists()


def test_telerivet_message_is_answered_in_json(client, gateways):
    data = {"secret": "telerivet-secret", "event": "incoming_message", "id": "SM1",
            "message_type": "sms", "content": OPENING, "from_number": "8 701 123 4501",
            "from_number_e164": OLEG, "to_number": "+77770000000", "phone_id": "PN1"}
    response = client.post("/sms/telerivet/", data)
    assert response.status_code == 200
    assert response.json()["messages"][0]["content"].startswith("OK OP 71001")
    assert InboundReport.objects.get().key == "telerivet:SM1"
    assert client.post("/sms/telerivet/", {**data, "event": "send_status"}).json() == {"messages": []}


def _twilio_post(client, data, signature):
    return client.post("/sms/twilio/", data, HTTP_X_TWILIO_SIGNATURE=signature)


def test_twilio_with_a_bad_signature_is_refused(client, gateways):
    data = {"MessageSid": "SM1", "From": OLEG, "To": "+15005550006", "Body": OPENING}
    assert _twilio_post(client, data, "bm90IGEgc2lnbmF0dXJl").status_code == 403
    signed_other = twilio_signature("twilio-token", "http://testserver/sms/twilio/",
                                    {**data, "Body": "OP 71001 A3 N"})
    assert _twilio_post(client, data, signed_other).status_code == 403
    assert not InboundReport.objects.exists()


def test_twilio_message_is_answered_in_twiml(client, gateways):
    data = {"MessageSid": "SM1", "AccountSid": "AC1", "From": OLEG, "To": "+15005550006",
            "Body": OPENING}
    query = QueryDict(mutable=True)
    query.update(data)
    signature = twilio_signature("twilio-token", "http://testserver/sms/twilio/", query)
    response = _twilio_post(client, data, signature)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    assert "<Response><Message>OK OP 71001" in response.content.decode()
    assert Submission.objects.get().inbound.gateway == "twilio"


def test_rapidpro_flow_webhook_and_external_channel(client, gateways):
    body = {"contact": {"uuid": "c1", "name": "Oleg", "urn": f"tel:{OLEG}"},
            "flow": {"uuid": "f1", "name": "Observers"}, "run": {"uuid": "r1"},
            "input": {"uuid": "msg-1", "urn": f"tel:{OLEG}", "text": OPENING, "attachments": []}}
    refused = client.post("/sms/rapidpro/flow/", json.dumps(body), content_type="application/json",
                          HTTP_AUTHORIZATION="Token wrong")
    assert refused.status_code == 403
    response = client.post("/sms/rapidpro/flow/", json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION="Token rapidpro-secret")
    assert response.status_code == 200 and response.json()["ok"] is True
    assert response.json()["message"].startswith("OK OP 71001")
    channel = client.post("/sms/rapidpro/receive/?secret=rapidpro-secret",
                          {"from": OLEG, "text": OPENING.replace("D1 2", "D1 1"), "id": "ext-9"})
    assert channel.status_code == 200
    assert sorted(InboundReport.objects.values_list("key", flat=True)) == ["rapidpro:ext-9",
                                                                           "rapidpro:msg-1"]


def test_generic_gateway_reads_the_configured_fields_kannel_style(client, gateways):
    gateways.GENERIC_SMS_FIELDS = "sender=p,text=a,id=I"
    response = client.get("/sms/generic/", {"p": OLEG, "a": OPENING, "I": "k-1",
                                            "secret": "generic-secret"})
    assert response.status_code == 200 and response.content.decode().startswith("OK OP 71001")
    assert InboundReport.objects.get().key == "generic:k-1"
    assert client.get("/sms/generic/", {"p": OLEG, "a": OPENING, "secret": "bad"}).status_code == 403


def test_gateway_without_a_configured_secret_refuses_everything(client, forms, settings):
    settings.GENERIC_SMS_SECRET = ""
    assert generic(client, OPENING).status_code == 403
