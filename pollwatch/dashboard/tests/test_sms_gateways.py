"""The outbound SMS gateways build the request each provider's API documents, and a refusal
becomes a failed send with the provider's reason."""

import json
import urllib.parse

import pytest

from pollwatch.dashboard import sms


@pytest.fixture
def posted(monkeypatch):
    calls = []
    answer = {"value": (201, {"sid": "SM1", "id": "m1"})}

    def fake_post(url, data, headers):
        calls.append((url, data, headers))
        return answer["value"]

    monkeypatch.setattr(sms, "_post", fake_post)
    return calls, answer


def test_twilio_sends_with_basic_auth_and_asks_for_delivery_reports(settings, posted):
    calls, _answer = posted
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC1", "token"
    settings.TWILIO_FROM_NUMBER, settings.SITE_URL = "+15550001", "https://pollwatch.example.org"

    result = sms.TwilioGateway().send("+77011234501", "Hello")

    assert result.ok and result.message_id == "SM1"
    url, data, headers = calls[0]
    assert url == "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json"
    fields = dict(urllib.parse.parse_qsl(data.decode()))
    assert fields == {"To": "+77011234501", "From": "+15550001", "Body": "Hello",
                      "StatusCallback": "https://pollwatch.example.org/sms/status/twilio/"}
    assert headers["Authorization"].startswith("Basic ")


def test_telerivet_and_rapidpro_post_json(settings, posted):
    calls, answer = posted
    settings.TELERIVET_API_KEY, settings.TELERIVET_PROJECT_ID = "key", "PJ1"
    answer["value"] = (200, {"id": "tr1"})
    assert sms.TelerivetGateway().send("+77011234501", "Hi").message_id == "tr1"
    assert calls[-1][0] == "https://api.telerivet.com/v1/projects/PJ1/messages/send"
    assert json.loads(calls[-1][1]) == {"to_number": "+77011234501", "content": "Hi"}

    settings.RAPIDPRO_URL, settings.RAPIDPRO_API_TOKEN = "https://textit.example/", "tok"
    answer["value"] = (201, {"id": 7})
    assert sms.RapidProGateway().send("+77011234501", "Hi").message_id == "7"
    assert calls[-1][0] == "https://textit.example/api/v2/broadcasts.json"
    assert calls[-1][2]["Authorization"] == "Token tok"
    assert json.loads(calls[-1][1]) == {"urns": ["tel:+77011234501"], "text": "Hi"}


def test_refusal_is_a_failed_send_with_the_reason(settings, posted):
    _calls, answer = posted
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM_NUMBER = "AC1", "t", "+1555"
    answer["value"] = (400, {"message": "The 'To' number is not a valid phone number."})

    result = sms.TwilioGateway().send("+7", "Hello")

    assert not result.ok and "not a valid phone number" in result.error


def test_unknown_gateway_is_named(settings):
    settings.SMS_GATEWAY = "pigeon"
    with pytest.raises(ValueError, match="pigeon"):
        sms.gateway()
