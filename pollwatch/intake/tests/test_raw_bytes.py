"""Every report is stored raw whatever its bytes (NUL, UTF-16, bytes that are not UTF-8),
then accepted or quarantined; ``original_bytes()`` gives back exactly what arrived."""

import json
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile

from pollwatch.intake.models import InboundReport
from pollwatch.submissions.models import Incident, Submission

from .conftest import submission_body
from .test_api import oleg  # noqa: F401 - the fixture
from .test_openrosa import DATA, collect_headers, oleg_basic  # noqa: F401 - the fixture
from .test_sms import OLEG

URL = "/api/v1/submissions"


def test_sms_with_a_nul_for_gsm_at_is_stored_and_counted(client, gateways):  # noqa: F811
    text = "IN 71001 A1 1 A2 1 A3 1130 \x00 ballot stuffing seen in box 2"
    reply = client.post("/sms/generic/", {"from": OLEG, "text": text, "id": "nul-1",
                                          "secret": "generic-secret"}).content.decode()
    assert reply.startswith("OK"), reply
    report = InboundReport.objects.get()
    assert report.status == "processed"
    assert report.payload == text.replace("\x00", "@")
    assert report.original_bytes() == text.encode()
    assert Incident.objects.get().description == "ballot stuffing seen in box 2"


def test_sms_bytes_that_are_not_utf8_are_kept_exactly(client, gateways):  # noqa: F811
    body = b"from=%2B77011234501&id=b-1&secret=generic-secret&text=OP+71001+A3+Y+%FF%00"
    response = client.post("/sms/generic/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    report = InboundReport.objects.get()
    assert report.original_bytes() == b"OP 71001 A3 Y \xff\x00"
    assert "\x00" not in report.payload and report.status in ("processed", "quarantined")


def test_nul_in_a_json_string_is_stored_and_quarantined_saying_where(oleg, world):  # noqa: F811
    body = submission_body()
    body["answers"]["comments"] = "police\u0000 at the door"
    raw = json.dumps(body).encode()
    response = oleg.client.post(URL, raw, content_type="application/json", **oleg.headers())
    assert response.status_code == 422, response.content
    problem = response.json()
    assert problem["outcome"] == "quarantined" and "answers.comments" in problem["reason"]
    assert problem["errors"][0]["question"] == "comments"
    report = InboundReport.objects.get()
    assert report.status == "quarantined" and report.original_bytes() == raw
    assert Submission.objects.count() == 0
    # The coordinator's fix is counted (the text stored is the body as sent).
    from pollwatch.intake.services import reprocess_report

    fixed = report.payload.replace("\\u0000", "")
    assert reprocess_report(report, fixed, world.alice).accepted


def test_nul_in_a_json_key_and_key_field_is_stored_not_a_500(oleg):  # noqa: F811
    body = submission_body(key=f"k\u0000{uuid.uuid4()}")
    body["answers"]["x\u0000y"] = "1"
    response = oleg.post(URL, body)
    assert response.status_code == 422
    report = InboundReport.objects.get()
    assert "\x00" not in report.key and report.status == "quarantined"
    assert json.loads(report.original_bytes())["answers"]["x\u0000y"] == "1"


def _post_instance(client, auth, data):
    files = {"xml_submission_file": SimpleUploadedFile("instance.xml", data,
                                                       content_type="text/xml")}
    return client.post("/openrosa/submission", files, **collect_headers("post_submission"), **auth)


def test_utf16_instance_is_stored_raw_and_accepted(client, oleg_basic):  # noqa: F811
    text = (DATA / "opening-submission.xml").read_text().replace(
        "<?xml version='1.0' ?>", "<?xml version='1.0' encoding='UTF-16'?>")
    data = text.encode("utf-16")
    assert b"\x00" in data
    response = _post_instance(client, oleg_basic, data)
    assert response.status_code == 201, response.content
    report = InboundReport.objects.get()
    assert report.status == "processed" and report.original_bytes() == data
    assert report.payload == text
    submission = Submission.objects.get()
    assert submission.answers["comments"] == "Two police officers stood by the entrance."


def test_instance_with_a_nul_byte_is_stored_raw_and_quarantined(client, oleg_basic):  # noqa: F811
    data = (DATA / "opening-submission.xml").read_bytes().replace(b"Two police", b"Two\x00police")
    response = _post_instance(client, oleg_basic, data)
    assert response.status_code == 202
    report = InboundReport.objects.get()
    assert report.status == "quarantined" and report.original_bytes() == data
    assert Submission.objects.count() == 0


def test_instance_that_is_not_its_encoding_is_stored_raw_and_quarantined(client, oleg_basic):  # noqa: F811
    data = (DATA / "opening-submission.xml").read_bytes().replace(b"Two police", "Zwei Polizisten "
                                                                  "vor der T\xfcr".encode("latin-1"))
    response = _post_instance(client, oleg_basic, data)
    assert response.status_code == 202
    report = InboundReport.objects.get()
    assert report.status == "quarantined" and "not valid UTF-8" in report.reason
    assert report.original_bytes() == data
    # Resent, it is the same report (its key is the instance's digest when unreadable).
    assert _post_instance(client, oleg_basic, data).status_code == 202
    assert InboundReport.objects.count() == 1
