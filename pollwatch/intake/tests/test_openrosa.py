"""OpenRosa for ODK Collect and Enketo, replaying ODK Collect-shaped requests (tests/data/odk)."""

import base64
import hashlib
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pollwatch.intake.credentials import issue_device_token, issue_observer_token
from pollwatch.intake.httpauth import digest_response
from pollwatch.intake.models import InboundReport
from pollwatch.submissions.models import Evidence, Incident, Submission

DATA = Path(__file__).parent / "data" / "odk"
RECORDED = json.loads((DATA / "requests.json").read_text())
XFORMS = "{http://openrosa.org/xforms/xformsList}"
MANIFEST = "{http://openrosa.org/xforms/xformsManifest}"


def collect_headers(kind):
    """Django test-client keyword arguments for a recorded request's headers."""
    headers = RECORDED[kind]["headers"]
    return {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()
            if name != "Content-Type"}


def basic(username, secret):
    return "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode()


@pytest.fixture
def oleg_basic(world, forms):
    secret = issue_observer_token(world.observer_oleg, "test", label="ODK Collect")[1]
    return {"HTTP_AUTHORIZATION": basic("oleg", secret)}


def submit(client, auth, xml_name, *attachments):
    files = {"xml_submission_file": SimpleUploadedFile(
        "instance.xml", (DATA / xml_name).read_bytes(), content_type="text/xml")}
    for name in attachments:
        files[name] = SimpleUploadedFile(name, (DATA / name).read_bytes(), content_type="image/jpeg")
    return client.post("/openrosa/submission", files, **collect_headers("post_submission"), **auth)


def message(response):
    root = ElementTree.fromstring(response.content)
    return root.find("{http://openrosa.org/http/response}message").text


def test_every_request_without_credentials_is_challenged(client, forms):
    response = client.get("/openrosa/formList", **collect_headers("form_list"))
    assert response.status_code == 401
    assert response["X-OpenRosa-Version"] == "1.0"
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith('Digest realm="pollwatch"') and 'Basic realm="pollwatch"' in challenge


def test_wrong_password_and_staff_tokens_are_refused(client, world, forms):
    assert client.get("/openrosa/formList",
                      HTTP_AUTHORIZATION=basic("oleg", "pwd_wrong")).status_code == 401
    staff = issue_device_token(world.alice, "test")[1]
    assert client.get("/openrosa/formList",
                      HTTP_AUTHORIZATION=basic("alice", staff)).status_code == 403
    olegs = issue_observer_token(world.observer_oleg, "test")[1]
    assert client.get("/openrosa/formList",
                      HTTP_AUTHORIZATION=basic("olga", olegs)).status_code == 401


def test_form_list_offers_the_published_forms(client, oleg_basic, forms):
    response = client.get("/openrosa/formList", **collect_headers("form_list"), **oleg_basic)
    assert response.status_code == 200 and response["X-OpenRosa-Version"] == "1.0"
    root = ElementTree.fromstring(response.content)
    listed = {x.find(f"{XFORMS}formID").text: x for x in root.findall(f"{XFORMS}xform")}
    assert {"alpha-opening", "alpha-voting", "alpha-closing", "alpha-incident",
            "alpha-protocol-majilis-list"} == set(listed)
    opening = listed["alpha-opening"]
    version = forms["opening"].published_version()
    assert opening.find(f"{XFORMS}hash").text == version.xform_hash
    assert opening.find(f"{XFORMS}version").text == "1"
    download = opening.find(f"{XFORMS}downloadUrl").text
    assert download.endswith(f"/openrosa/forms/{version.pk}/form.xml")
    xml = client.get(download, **oleg_basic)
    assert xml.status_code == 200 and xml.content.decode() == version.xform
    assert "md5:" + hashlib.md5(xml.content).hexdigest() == version.xform_hash


def test_digest_authentication_as_odk_collect_does_it(client, world, forms):
    secret = issue_observer_token(world.observer_oleg, "test")[1]
    challenge = client.get("/openrosa/formList")["WWW-Authenticate"]
    nonce = re.search(r'nonce="([^"]+)"', challenge).group(1)
    params = {"username": "oleg", "realm": "pollwatch", "nonce": nonce, "uri": "/openrosa/formList",
              "qop": "auth", "nc": "00000001", "cnonce": "0a4f113b"}
    ha1 = hashlib.md5(f"oleg:pollwatch:{secret}".encode()).hexdigest()
    params["response"] = digest_response(ha1, "GET", params)
    header = "Digest " + ", ".join(f'{k}="{v}"' for k, v in params.items())
    assert client.get("/openrosa/formList", HTTP_AUTHORIZATION=header).status_code == 200
    params["response"] = "0" * 32
    header = "Digest " + ", ".join(f'{k}="{v}"' for k, v in params.items())
    assert client.get("/openrosa/formList", HTTP_AUTHORIZATION=header).status_code == 401


def test_manifest_lists_my_stations_and_assignments_and_changes_with_them(client, oleg_basic, world,
                                                                         forms):
    from pollwatch.missions.services import assign

    version = forms["opening"].published_version()
    url = f"/openrosa/forms/{version.pk}/manifest"

    def media():
        root = ElementTree.fromstring(client.get(url, **oleg_basic).content)
        return {f.find(f"{MANIFEST}filename").text: (f.find(f"{MANIFEST}hash").text,
                                                     f.find(f"{MANIFEST}downloadUrl").text)
                for f in root.findall(f"{MANIFEST}mediaFile")}

    before = media()
    assert set(before) == {"stations.csv", "assignments.csv"}
    stations = client.get(before["stations.csv"][1], **oleg_basic)
    assert stations.status_code == 200
    assert "md5:" + hashlib.md5(stations.content).hexdigest() == before["stations.csv"][0]
    lines = stations.content.decode().splitlines()
    assert lines[0].startswith("name,label") and lines[1].startswith("71001,")
    assert len(lines) == 2
    assignments = client.get(before["assignments.csv"][1], **oleg_basic).content.decode()
    assert "71001,opening,ipa-1,2023-03-19 08:00" in assignments
    assign(world.team_ipa, world.station_unassigned, "voting", "test")
    after = media()
    assert after["stations.csv"][0] != before["stations.csv"][0]
    assert after["assignments.csv"][0] != before["assignments.csv"][0]


def test_head_preflight_answers_204_with_the_accepted_size(client, oleg_basic):
    response = client.head("/openrosa/submission", **collect_headers("head_submission"), **oleg_basic)
    assert response.status_code == 204
    assert int(response["X-OpenRosa-Accept-Content-Length"]) >= 10_000_000
    assert response["X-OpenRosa-Version"] == "1.0"


def test_recorded_collect_submission_is_accepted(client, oleg_basic, world):
    recorded = RECORDED["post_submission"]
    response = client.generic("POST", recorded["path"], (DATA / recorded["body"]).read_bytes(),
                              content_type=recorded["headers"]["Content-Type"],
                              **collect_headers("post_submission"), **oleg_basic)
    assert response.status_code == 201, response.content
    assert response["X-OpenRosa-Version"] == "1.0"
    # In the observer's language (Oleg reads Russian).
    assert message(response) == "Спасибо: отчёт «Открытие» по участку 71001 получен."
    submission = Submission.objects.get()
    assert submission.channel == "openrosa" and submission.observer == world.observer_oleg
    assert submission.key == "uuid:6f1c3b8e-2a4d-4a7b-9d2e-5b8f0c1e7a90"
    assert submission.answers["arrived_at"] == "06:41"
    assert submission.answers["unauthorised_who"] == ["police", "officials"]
    assert submission.answers["comments"].startswith("Two police officers")
    assert submission.station == world.station_astana


def test_resent_submission_is_stored_once_and_answered_202(client, oleg_basic):
    assert submit(client, oleg_basic, "opening-submission.xml").status_code == 201
    again = submit(client, oleg_basic, "opening-submission.xml")
    assert again.status_code == 202 and message(again).startswith("Уже получено. Спасибо")
    assert Submission.objects.count() == 1 and InboundReport.objects.count() == 1


def test_same_instance_id_with_other_content_is_refused(client, oleg_basic):
    submit(client, oleg_basic, "opening-submission.xml")
    xml = (DATA / "opening-submission.xml").read_text().replace("<assessment>good", "<assessment>bad")
    files = {"xml_submission_file": SimpleUploadedFile("instance.xml", xml.encode(), "text/xml")}
    response = client.post("/openrosa/submission", files, **oleg_basic)
    assert response.status_code == 409
    assert Submission.objects.get().answers["assessment"] == "good"
    assert InboundReport.objects.filter(status="refused").count() == 1


def test_edited_form_with_deprecated_id_is_a_correction(client, oleg_basic):
    submit(client, oleg_basic, "opening-submission.xml")
    response = submit(client, oleg_basic, "opening-edited.xml")
    assert response.status_code == 201, message(response)
    first, second = Submission.objects.order_by("id")
    assert second.supersedes == first and second.revision == 2
    assert (first.is_current, second.is_current) == (False, True)
    assert second.answers["assessment"] == "bad"


def test_incident_with_a_photo_keeps_the_evidence(client, oleg_basic, world):
    response = submit(client, oleg_basic, "incident-with-photo.xml", "1679204012345.jpg")
    assert response.status_code == 201, message(response)
    incident = Incident.objects.get()
    assert incident.is_critical and incident.category == "voting"
    assert incident.description.startswith("A man put a bundle")
    evidence = Evidence.objects.get()
    assert evidence.question == "evidence" and evidence.submission == incident.submission
    assert evidence.file.read() == (DATA / "1679204012345.jpg").read_bytes()
    assert Submission.objects.get().answers["location"]["lat"] == pytest.approx(51.128207)


def test_attachments_sent_in_a_later_post_join_the_stored_report(client, oleg_basic):
    submit(client, oleg_basic, "incident-with-photo.xml")
    assert not Evidence.objects.exists()
    again = submit(client, oleg_basic, "incident-with-photo.xml", "1679204012345.jpg")
    assert again.status_code == 202
    assert Evidence.objects.get().question == "evidence"
    assert Submission.objects.count() == 1


def test_invalid_submission_is_held_in_quarantine(client, oleg_basic):
    xml = (DATA / "opening-submission.xml").read_text().replace("<station>71001", "<station>55555")
    files = {"xml_submission_file": SimpleUploadedFile("instance.xml", xml.encode(), "text/xml")}
    response = client.post("/openrosa/submission", files, **oleg_basic)
    assert response.status_code == 202 and "отложено для проверки" in message(response)
    assert InboundReport.objects.get().status == "quarantined"
    assert not Submission.objects.exists()


def test_xml_with_a_dtd_is_not_parsed(client, oleg_basic):
    xml = b'<?xml version="1.0"?><!DOCTYPE data [<!ENTITY a "aaaa">]><data id="alpha-opening">&a;</data>'
    files = {"xml_submission_file": SimpleUploadedFile("instance.xml", xml, "text/xml")}
    response = client.post("/openrosa/submission", files, **oleg_basic)
    assert response.status_code == 202
    assert "DTD" in InboundReport.objects.get().reason


def test_other_missions_forms_are_not_found(client, world, forms):
    from pollwatch.checklists.services import install_templates
    from pollwatch.factories import StationFactory  # noqa: F401

    beta = {f.code: f for f in install_templates(world.beta, "test")}
    secret = issue_observer_token(world.observer_oleg, "test")[1]
    version = beta["opening"].published_version()
    response = client.get(f"/openrosa/forms/{version.pk}/form.xml",
                          HTTP_AUTHORIZATION=basic("oleg", secret))
    assert response.status_code == 404 and response["X-OpenRosa-Version"] == "1.0"
