"""Notices to observers: audiences, SMS through the gateway, delivery states, the observer's page."""

import pytest
from django.urls import reverse

from pollwatch.dashboard import sms
from pollwatch.dashboard.models import Delivery, Notice
from pollwatch.dashboard.services import messages as service


@pytest.fixture(autouse=True)
def log_gateway(settings):
    settings.SMS_GATEWAY = "log"
    sms.OUTBOX.clear()
    yield sms.OUTBOX
    sms.OUTBOX.clear()


def test_coordinator_sends_a_notice_to_all_observers_by_sms(world, login):
    client = login(world.alice)

    response = client.post(reverse("dashboard:messages", args=["alpha"]),
                           {"text": "Polls close at 20:00 local time", "audience": "all", "by_sms": "on"})

    assert response.status_code == 302
    notice = Notice.objects.get(mission=world.alpha)
    states = dict(notice.deliveries.values_list("observer__full_name", "state"))
    assert states == {"Oleg Observer": "sent", "Olga Observer": "sent"}
    assert sorted(to for to, _text, _id in sms.OUTBOX) == ["+77011234501", "+77011234502"]
    page = client.get(reverse("dashboard:notice", args=["alpha", notice.pk]))
    assert page.status_code == 200
    assert "Polls close at 20:00" in page.content.decode()


def test_notice_to_a_region_reaches_only_the_teams_working_there(world):
    notice = service.send_notice(world.alpha, world.alice, "Roads closed in Oral", "region", region=world.west)

    assert list(notice.deliveries.values_list("observer__full_name", flat=True)) == ["Olga Observer"]


def test_notice_to_a_group(world):
    notice = service.send_notice(world.alpha, world.alice, "IPA briefing at 22:00", "group", group=world.ipa)

    assert list(notice.deliveries.values_list("observer__full_name", flat=True)) == ["Oleg Observer"]


def test_failed_sms_keeps_the_reason_and_is_retried(world, settings, monkeypatch):
    settings.SMS_GATEWAY = "twilio"
    settings.TWILIO_ACCOUNT_SID = ""
    notice = service.send_notice(world.alpha, world.alice, "Check in by 08:00", "all")
    failed = notice.deliveries.get(observer=world.observer_oleg)
    assert failed.state == Delivery.State.FAILED
    assert "TWILIO_ACCOUNT_SID" in failed.error

    settings.SMS_GATEWAY = "log"
    assert service.retry_failed(notice, world.alice) == 2
    assert set(notice.deliveries.values_list("state", flat=True)) == {"sent"}


def test_notice_without_sms_is_on_the_page_only(world):
    notice = service.send_notice(world.alpha, world.alice, "Read the new guidance", "all", by_sms=False)

    assert set(notice.deliveries.values_list("state", flat=True)) == {"page"}
    assert sms.OUTBOX == []


def test_observer_sees_the_notice_on_their_page_and_it_is_marked_seen(world, login):
    notice = service.send_notice(world.alpha, world.alice, "Stay until the protocol is posted", "all")
    client = login(world.oleg)

    home = client.get(reverse("intake:observe_home"))
    assert "Stay until the protocol is posted" in home.content.decode()
    page = client.get(reverse("dashboard:observer_notices"))
    assert page.status_code == 200
    assert "Stay until the protocol is posted" in page.content.decode()
    assert notice.deliveries.get(observer=world.observer_oleg).seen_at is not None
    assert notice.deliveries.get(observer=world.observer_olga).seen_at is None


def test_empty_or_long_notice_is_refused(world, login):
    client = login(world.alice)
    response = client.post(reverse("dashboard:messages", args=["alpha"]), {"text": "x" * 481, "audience": "all"})
    assert response.status_code == 200
    assert not Notice.objects.exists()
    with pytest.raises(ValueError, match="write the notice"):
        service.send_notice(world.alpha, world.alice, "  ", "all")


def test_analyst_reads_notices_but_cannot_send(world, login):
    client = login(world.anna)
    assert client.get(reverse("dashboard:messages", args=["alpha"])).status_code == 200
    response = client.post(reverse("dashboard:messages", args=["alpha"]), {"text": "Hi", "audience": "all"})
    assert response.status_code == 403
    assert not Notice.objects.exists()


def test_twilio_delivery_report_marks_the_sms_delivered(world, client, settings):
    from pollwatch.intake.sms.gateways import twilio_signature

    notice = service.send_notice(world.alpha, world.alice, "Hello", "all")
    delivery = notice.deliveries.get(observer=world.observer_oleg)
    Delivery.objects.filter(pk=delivery.pk).update(gateway="twilio", gateway_id="SM123")
    settings.TWILIO_AUTH_TOKEN = "secret"
    url = "http://testserver" + reverse("dashboard:sms_status_twilio")
    params = {"MessageSid": "SM123", "MessageStatus": "delivered"}

    refused = client.post(url, params, HTTP_X_TWILIO_SIGNATURE="wrong")
    assert refused.status_code == 403
    response = client.post(url, params, HTTP_X_TWILIO_SIGNATURE=twilio_signature("secret", url, params))
    assert response.status_code == 204
    assert Delivery.objects.get(pk=delivery.pk).state == "delivered"


def test_deliveries_export_lists_each_observers_state(world, login):
    notice = service.send_notice(world.alpha, world.alice, "Check in by 08:00", "all")
    client = login(world.alice)

    response = client.get(reverse("dashboard:notice", args=["alpha", notice.pk]) + "?format=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()

    assert lines[0].startswith("notice_id,sent_at_utc,audience,text,observer")
    assert len(lines) == 3 and all(",sent," in line for line in lines[1:])
