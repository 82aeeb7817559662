"""Rate limits per device token, per partner API key and per SMS sender: over the limit the
answer is 429 with Retry-After, nothing of the request is stored, the refusal is logged, and
other senders are not affected."""

import logging

import pytest

from pollwatch.intake.models import InboundReport
from pollwatch.submissions.models import Submission

from .conftest import submission_body

URL = "/api/v1/submissions"
OLEG = "+77011234501"
OLGA_STATION = "27001"


def _assert_problem_429(response):
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) >= 1
    body = response.json()
    assert body["status"] == 429 and body["title"] == "Too Many Requests"
    assert "too many requests" in body["detail"]


def test_device_token_over_its_rate_gets_429_and_nothing_is_stored(
        api, forms, oleg_token, olga_token, settings, caplog):
    settings.RATE_LIMIT_TOKEN = "3/m"
    oleg = api(oleg_token)
    for _ in range(3):
        assert oleg.post(URL, submission_body()).status_code == 201
    with caplog.at_level(logging.WARNING, logger="pollwatch.ratelimit"):
        refused = oleg.post(URL, submission_body())
        again = oleg.get(URL)
    _assert_problem_429(refused)
    _assert_problem_429(again)
    assert Submission.objects.count() == 3 and InboundReport.objects.count() == 3
    logged = [r for r in caplog.records if r.name == "pollwatch.ratelimit"]
    assert len(logged) == 1, "the first refusal of a window is logged, once"
    assert "device-token" in logged[0].getMessage() and "token:pwd_" in logged[0].getMessage()
    # Another observer's token has its own counter.
    olga = api(olga_token)
    assert olga.post(URL, submission_body(station=OLGA_STATION)).status_code == 201
    assert Submission.objects.count() == 4


def test_partner_api_key_over_its_rate_gets_429(api, world, forms, settings):
    from pollwatch.intake.credentials import issue_api_key

    settings.RATE_LIMIT_API_KEY = "2/m"
    first = api(issue_api_key(world.alpha, "One", "test", scopes=["read"])[1])
    second = api(issue_api_key(world.alpha, "Two", "test", scopes=["read"])[1])
    assert [first.get(URL).status_code for _ in range(2)] == [200, 200]
    _assert_problem_429(first.get(URL))
    assert second.get(URL).status_code == 200


def test_empty_rate_turns_the_limit_off(api, forms, oleg_token, settings):
    settings.RATE_LIMIT_TOKEN = ""
    oleg = api(oleg_token)
    assert {oleg.get(URL).status_code for _ in range(5)} == {200}


def test_limit_is_declared_in_the_schema(client):
    operations = client.get("/api/v1/openapi.json").json()["paths"]
    for path, methods in operations.items():
        for method, operation in methods.items():
            assert "429" in operation["responses"], f"{method} {path}"


@pytest.fixture
def generic_gateway(settings, forms):
    settings.GENERIC_SMS_SECRET = "generic-secret"
    return settings


def _sms(client, text, sender=OLEG, message_id="m1"):
    return client.post("/sms/generic/", {"from": sender, "text": text, "id": message_id,
                                         "secret": "generic-secret"})


def test_sms_sender_over_its_rate_gets_429_and_nothing_is_stored(client, generic_gateway, caplog):
    generic_gateway.RATE_LIMIT_SMS_SENDER = "2/m"
    assert _sms(client, "OP 71001 A3 Y", message_id="m1").status_code == 200
    assert _sms(client, "OP 71001 B6 N", message_id="m2").status_code == 200
    with caplog.at_level(logging.WARNING, logger="pollwatch.ratelimit"):
        refused = _sms(client, "OP 71001 C1 Y", message_id="m3")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert refused["Content-Type"].startswith("text/plain")
    assert b"Too many messages" in refused.content
    assert sorted(InboundReport.objects.values_list("key", flat=True)) == ["generic:m1", "generic:m2"]
    logged = [r.getMessage() for r in caplog.records if r.name == "pollwatch.ratelimit"]
    assert len(logged) == 1 and "sms-sender" in logged[0] and "...4501" in logged[0]
    assert OLEG not in logged[0], "the log does not carry the whole phone number"
    # Another phone is not affected (it may not be on the roster: its report is still stored).
    assert _sms(client, "OP 27001 A3 Y", sender="+77011234502", message_id="m4").status_code == 200
    assert InboundReport.objects.filter(key="generic:m4").exists()


def test_sms_with_a_wrong_secret_is_refused_before_counting(client, generic_gateway):
    generic_gateway.RATE_LIMIT_SMS_SENDER = "1/m"
    forged = client.post("/sms/generic/", {"from": OLEG, "text": "OP 71001 A3 Y", "id": "x1",
                                           "secret": "wrong"})
    assert forged.status_code == 403
    # A forged request does not use up the real sender's allowance.
    assert _sms(client, "OP 71001 A3 Y").status_code == 200
