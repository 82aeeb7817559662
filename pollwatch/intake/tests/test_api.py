"""The JSON API: submit, retry, refuse, quarantine, correct, list and read."""

import uuid

import pytest

from pollwatch.intake.models import InboundReport
from pollwatch.submissions.models import StationRecord, Submission

from .conftest import submission_body

URL = "/api/v1/submissions"


@pytest.fixture
def oleg(api, forms, oleg_token):
    return api(oleg_token)


def test_observer_submits_an_opening_report(oleg, world):
    response = oleg.post(URL, submission_body())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "accepted" and body["station"] == "71001" and body["revision"] == 1
    submission = Submission.objects.get()
    assert submission.observer == world.observer_oleg
    assert submission.team == world.team_ipa
    assert submission.channel == "api"
    assert submission.answers["opened_on_time"] == "yes"
    assert submission.answers["station"] == "71001"
    assert not submission.has_flag("not_assigned") and not submission.has_flag("incomplete")
    report = InboundReport.objects.get()
    assert report.status == "processed" and submission.inbound == report
    record = StationRecord.objects.get(station=world.station_astana, form=submission.form)
    assert record.state == "complete" and record.submission_count == 1


def test_retried_submission_is_stored_once(oleg):
    body = submission_body()
    first = oleg.post(URL, body)
    again = oleg.post(URL, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Submission.objects.count() == 1
    report = InboundReport.objects.get()
    assert report.retries == 1


def test_same_key_with_other_content_is_refused(oleg):
    body = submission_body()
    assert oleg.post(URL, body).status_code == 201
    other = dict(body, answers={**body["answers"], "assessment": "bad"})
    response = oleg.post(URL, other)
    assert response.status_code == 409
    assert "already used" in response.json()["reason"]
    assert Submission.objects.count() == 1
    assert Submission.objects.get().answers["assessment"] == "good"
    statuses = sorted(InboundReport.objects.values_list("status", flat=True))
    assert statuses == ["processed", "refused"]


def test_same_key_from_another_observer_is_their_own_report(api, forms, oleg_token, olga_token):
    body = submission_body()
    first = api(oleg_token).post(URL, body)
    second = api(olga_token).post(URL, body)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert sorted(Submission.objects.values_list("observer__full_name", flat=True)) == sorted(
        [o.observer.full_name for o in InboundReport.objects.all()])
    assert Submission.objects.count() == 2


def test_invalid_answers_are_quarantined_with_every_problem(oleg):
    response = oleg.post(URL, submission_body(opened_on_time="perhaps", commission_present=-3))
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == 422 and body["outcome"] == "quarantined"
    questions = {error["question"] for error in body["errors"]}
    assert {"opened_on_time", "commission_present"} <= questions
    report = InboundReport.objects.get()
    assert report.status == "quarantined" and "A3" in report.reason and "B1" in report.reason
    assert not Submission.objects.exists()


def test_retry_of_a_quarantined_report_answers_the_same_and_stores_nothing(oleg):
    body = submission_body(opened_on_time="perhaps")
    assert oleg.post(URL, body).status_code == 422
    assert oleg.post(URL, body).status_code == 422
    assert InboundReport.objects.count() == 1


def test_unknown_station_is_quarantined(oleg):
    response = oleg.post(URL, submission_body(station="99999"))
    assert response.status_code == 422
    assert "99999" in response.json()["reason"]
    assert InboundReport.objects.get().status == "quarantined"


def test_observer_submitting_for_another_teams_station_is_flagged(oleg, world):
    response = oleg.post(URL, submission_body(station="27001"))
    assert response.status_code == 201
    submission = Submission.objects.get()
    assert submission.station == world.station_west
    assert submission.has_flag("not_assigned")
    assert not Submission.objects.filter(station=world.station_astana).exists()


def test_correction_is_a_new_revision_and_history_is_kept(oleg):
    first = oleg.post(URL, submission_body()).json()
    body = submission_body(assessment="bad")
    body.pop("form"), body.pop("station")
    response = oleg.post(f"{URL}/{first['id']}/corrections", body)
    assert response.status_code == 201, response.content
    corrected = response.json()
    assert corrected["revision"] == 2 and corrected["supersedes"] == first["id"]
    old, new = Submission.objects.order_by("id")
    assert (old.is_current, new.is_current) == (False, True)
    assert old.answers["assessment"] == "good" and new.answers["assessment"] == "bad"
    read = oleg.get(f"{URL}/{first['id']}").json()
    assert [r["revision"] for r in read["history"]] == [1, 2]
    record = StationRecord.objects.get()
    assert record.answers["assessment"] == "bad" and record.submission_count == 1


def test_correcting_an_old_revision_is_refused(oleg):
    first = oleg.post(URL, submission_body()).json()
    body = {"key": str(uuid.uuid4()), "answers": submission_body(assessment="bad")["answers"]}
    assert oleg.post(f"{URL}/{first['id']}/corrections", body).status_code == 201
    again = {"key": str(uuid.uuid4()), "answers": submission_body(assessment="very_bad")["answers"]}
    response = oleg.post(f"{URL}/{first['id']}/corrections", again)
    assert response.status_code == 422
    assert "already corrected" in response.json()["reason"]


def test_observer_cannot_correct_another_observers_report(api, forms, oleg_token, olga_token):
    first = api(olga_token).post(URL, submission_body(station="27001")).json()
    body = {"key": str(uuid.uuid4()), "answers": submission_body()["answers"]}
    response = api(oleg_token).post(f"{URL}/{first['id']}/corrections", body)
    assert response.status_code == 404
    assert Submission.objects.count() == 1


def test_observers_list_only_their_own_reports(api, forms, oleg_token, olga_token):
    api(oleg_token).post(URL, submission_body())
    api(olga_token).post(URL, submission_body(station="27001"))
    listed = api(oleg_token).get(URL)
    assert listed.status_code == 200
    assert [item["station"] for item in listed.json()["items"]] == ["71001"]


def test_staff_read_all_of_their_mission_and_outsiders_nothing(api, forms, world, oleg_token,
                                                              olga_token):
    from pollwatch.intake.credentials import issue_device_token

    api(oleg_token).post(URL, submission_body())
    api(olga_token).post(URL, submission_body(station="27001"))
    anna = issue_device_token(world.anna, "test")[1]
    bob = issue_device_token(world.bob, "test")[1]
    listed = api(anna).get(f"{URL}?mission=alpha")
    assert listed.status_code == 200 and len(listed.json()["items"]) == 2
    assert api(bob).get(f"{URL}?mission=alpha").status_code == 403
    assert api(bob).get(f"{URL}?mission=beta").json()["items"] == []


def test_revoked_token_is_refused(api, forms, world):
    from pollwatch.intake.credentials import issue_observer_token, revoke_device_token

    token, secret = issue_observer_token(world.observer_oleg, "test")
    assert api(secret).get(URL).status_code == 200
    revoke_device_token(token, world.alice)
    assert api(secret).post(URL, submission_body()).status_code == 401
    assert not InboundReport.objects.exists()


def test_partner_key_reads_and_submits_only_with_its_scopes(api, forms, world):
    from pollwatch.intake.credentials import issue_api_key

    reader = issue_api_key(world.alpha, "Reader", "test", scopes=["read"])[1]
    writer = issue_api_key(world.alpha, "Writer", "test", scopes=["read", "submit"])[1]
    assert api(reader).post(URL, submission_body()).status_code == 403
    response = api(writer).post(URL, submission_body())
    assert response.status_code == 201
    submission = Submission.objects.get()
    assert submission.channel == "partner" and submission.observer is None
    assert len(api(reader).get(URL).json()["items"]) == 1


def test_form_definition_and_my_assignments(oleg, world):
    me = oleg.get("/api/v1/me").json()
    assert me["observer"]["name"] == "Oleg Observer"
    phases = {a["phase"] for a in me["assignments"]}
    assert phases == {"opening", "voting", "closing"}
    opening = next(a for a in me["assignments"] if a["phase"] == "opening")
    assert opening["station"]["code"] == "71001" and opening["station"]["opens_at"] == "07:00"
    definition = oleg.get("/api/v1/forms/opening").json()
    names = [q["name"] for q in definition["questions"]]
    assert "opened_on_time" in names and definition["version"] == 1


def test_openapi_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/submissions" in response.json()["paths"]
