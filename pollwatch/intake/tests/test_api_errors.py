"""What the schema fuzz run found, pinned: every bad request is a 4xx problem saying where,
never a 500; an anonymous POST is a 401 problem, not a CSRF page."""

import json

import pytest

from pollwatch.intake.models import InboundReport

URL = "/api/v1/submissions"


@pytest.fixture
def oleg(api, forms, oleg_token):
    return api(oleg_token)


def _problem(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == status and body["title"] and isinstance(body["errors"], list)
    return body


@pytest.mark.parametrize("offset", ["-1", "-9999999999", str(2**63), str(10**30)])
def test_offset_out_of_range_is_a_422_naming_offset(oleg, offset):
    for path in (URL, "/api/v1/incidents"):
        body = _problem(oleg.get(f"{path}?offset={offset}"), 422)
        assert body["errors"][0]["loc"] == ["query", "offset"]


def test_nul_in_a_query_parameter_is_a_422_naming_it(oleg):
    body = _problem(oleg.get(URL + "?station=71%0001"), 422)
    assert body["errors"][0]["loc"] == ["query", "station"]
    assert "NUL" in body["errors"][0]["message"]


@pytest.mark.parametrize("ident", ["%00", "abc%00def", "1%00"])
def test_nul_in_an_id_is_a_422(oleg, ident):
    body = _problem(oleg.get(f"{URL}/{ident}"), 422)
    assert body["errors"][0]["loc"][0] == "path"


@pytest.mark.parametrize("ident", ["%C2%B2", "%D9%A3", "99999999999999999999999"])
def test_digit_like_or_huge_ids_are_not_found(oleg, ident):
    _problem(oleg.get(f"{URL}/{ident}"), 404)


def test_huge_numeric_path_ids_are_a_422(oleg):
    body = _problem(oleg.delete(f"/api/v1/devices/{2**64}"), 422)
    assert body["errors"][0]["loc"] == ["path", "token_id"]
    _problem(oleg.post(f"{URL}/{2**64}/corrections", {"key": "k" * 10, "answers": {}}), 422)


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
def test_since_that_overflows_in_utc_is_a_422(oleg, since):
    body = _problem(oleg.get(URL, data={"since": since}), 422)
    assert body["errors"][0]["loc"] == ["query", "since"]


def test_naive_since_is_read_as_utc(oleg):
    assert oleg.get(URL, data={"since": "2023-03-19T00:00:00"}).status_code == 200


def test_body_that_is_not_json_is_a_422_naming_the_body(oleg):
    response = oleg.client.post(URL, b"\x00{", content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {oleg.token}")
    body = _problem(response, 422)
    assert body["errors"][0]["loc"] == ["body"]
    assert not InboundReport.objects.exists()


def test_body_missing_a_field_says_which(oleg):
    body = _problem(oleg.post(URL, {"answers": {}}), 422)
    assert [(e["loc"][0], e["loc"][-1]) for e in body["errors"]] == [("body", "key")]
    assert body["detail"].startswith("body.") and "key" in body["detail"]


def test_anonymous_post_is_a_401_problem_not_a_csrf_page(client, world):
    for path in (URL, "/api/v1/devices"):
        response = client.post(path, json.dumps({"key": "x" * 10, "answers": {}}),
                               content_type="application/json")
        body = _problem(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "Bearer" in body["detail"]


def test_wrong_token_is_a_401_problem(api, world):
    _problem(api("pwd_not-a-token").get(URL), 401)


def test_signed_in_post_without_csrf_token_is_a_403_problem(world, forms):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.observer_oleg.user)
    body = _problem(browser.post("/api/v1/devices", json.dumps({"label": "x"}),
                                 content_type="application/json"), 403)
    assert "CSRF" in body["detail"]


def test_staff_read_without_a_mission_is_a_422_naming_mission(api, world):
    from pollwatch.intake.credentials import issue_device_token

    secret = issue_device_token(world.alice, world.alice, label="staff")[1]
    body = _problem(api(secret).get(URL), 422)
    assert body["errors"][0]["loc"] == ["query", "mission"]


def test_quarantined_report_is_a_problem_with_its_outcome(oleg):
    from .conftest import submission_body

    body = _problem(oleg.post(URL, submission_body(opened_on_time="perhaps")), 422)
    assert body["outcome"] == "quarantined" and body["reason"] and body["report"]
    assert body["errors"][0]["question"] == "opened_on_time"
