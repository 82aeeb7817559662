"""Uploads are private: evidence, form workbooks and statement PDFs are served only through
views that check the reader (pollwatch/files.py), never from a public /media/ route."""

import base64
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_sendfile.utils import _get_sendfile

from pollwatch.checklists.models import FormVersion
from pollwatch.checklists.tests.test_xlsform_import import workbook
from pollwatch.factories import UserFactory
from pollwatch.intake.credentials import issue_observer_token
from pollwatch.statements.services import create_statement, publish_statement, save_statement_text
from pollwatch.statements.tests.helpers import NEGATIVE_VOTING, voting_reports
from pollwatch.submissions.models import Evidence

ODK = Path(__file__).resolve().parents[2] / "intake" / "tests" / "data" / "odk"
PHOTO = (ODK / "1679204012345.jpg").read_bytes()


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def evidence(client, world, forms):
    """Oleg's incident photo, sent through OpenRosa as ODK Collect sends it."""
    secret = issue_observer_token(world.observer_oleg, "test")[1]
    auth = "Basic " + base64.b64encode(f"oleg:{secret}".encode()).decode()
    files = {"xml_submission_file": SimpleUploadedFile(
                 "instance.xml", (ODK / "incident-with-photo.xml").read_bytes(), "text/xml"),
             "1679204012345.jpg": SimpleUploadedFile("1679204012345.jpg", PHOTO, "image/jpeg")}
    response = client.post("/openrosa/submission", files, HTTP_AUTHORIZATION=auth,
                           HTTP_X_OPENROSA_VERSION="1.0")
    assert response.status_code == 201, response.content
    return Evidence.objects.get()


def test_the_media_route_is_gone(client, world, evidence):
    assert Path(evidence.file.path).read_bytes() == PHOTO   # stored on disk
    assert client.get(f"/media/{evidence.file.name}").status_code == 404
    login_as_admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(login_as_admin)
    assert client.get(f"/media/{evidence.file.name}").status_code == 404


def test_evidence_sends_anonymous_readers_to_sign_in(client, evidence):
    response = client.get(f"/evidence/{evidence.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert PHOTO not in body(response)


@pytest.mark.parametrize("persona", ["bob", "olga"])
def test_evidence_is_refused_to_another_mission_and_another_observer(login, world, evidence, persona):
    response = login(getattr(world, persona)).get(f"/evidence/{evidence.pk}/")
    assert response.status_code == 404
    assert PHOTO not in body(response)


@pytest.mark.parametrize("persona", ["oleg", "alice", "anna", "admin"])
def test_evidence_is_served_to_its_observer_and_the_missions_staff(login, world, evidence, persona):
    response = login(getattr(world, persona)).get(f"/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert body(response) == PHOTO
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"


def test_an_incident_page_links_evidence_through_the_checked_view(login, world, evidence):
    incident = evidence.submission.incident
    page = login(world.alice).get(reverse("dashboard:incident", args=["alpha", incident.pk]))
    html = page.content.decode()
    assert f'href="/evidence/{evidence.pk}/"' in html and "/media/" not in html


def test_nginx_backend_hands_the_file_to_the_front_server(request, login, world, evidence, settings):
    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    settings.SENDFILE_URL = "/protected-media"
    _get_sendfile.cache_clear()   # the backend is read once per process
    request.addfinalizer(_get_sendfile.cache_clear)
    response = login(world.alice).get(f"/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{evidence.file.name}"
    assert body(response) == b""
    assert login(world.bob).get(f"/evidence/{evidence.pk}/").has_header("X-Accel-Redirect") is False


@pytest.fixture
def uploaded(login, world):
    client = login(world.alice)
    response = client.post(reverse("checklists:upload", args=["alpha"]),
                           {"workbook": SimpleUploadedFile("queues.xlsx", workbook())})
    assert response.status_code == 302
    version = FormVersion.objects.get(form__mission=world.alpha, form__code="queues")
    assert version.xlsform
    return version


def test_workbooks_are_served_to_the_missions_staff_only(client, login, world, uploaded):
    url = reverse("checklists:workbook", args=["alpha", uploaded.pk])
    stored = Path(uploaded.xlsform.path).read_bytes()
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and stored not in body(anonymous)
    assert client.get(f"/media/{uploaded.xlsform.name}").status_code == 404
    assert login(world.bob).get(url).status_code == 403                      # another mission
    assert login(world.bob).get(reverse("checklists:workbook", args=["beta", uploaded.pk])
                                ).status_code == 404
    assert login(world.oleg).get(url).status_code == 403                     # an observer
    served = login(world.anna).get(url)
    assert served.status_code == 200 and body(served) == stored
    assert "attachment" in served["Content-Disposition"] and "queues" in served["Content-Disposition"]


def test_statement_pdfs_are_public_only_once_published(client, world):
    voting_reports(world)
    statement = create_statement(world.alpha, world.anna, group=world.ipa, slug="preliminary")
    save_statement_text(statement, world.anna, "en", title="Preliminary statement",
                        sections={"voting": f"Negative in {NEGATIVE_VOTING}."})
    assert client.get("/statements/alpha/preliminary/v1/en.pdf").status_code == 404   # a draft
    publish_statement(statement, world.alice)
    document = statement.publications.get().documents.get(language="en")
    assert client.get("/statements/alpha/preliminary/v2/en.pdf").status_code == 404   # not yet
    assert client.get("/statements/alpha/preliminary/v1/xx.pdf").status_code == 404
    assert client.get("/statements/beta/preliminary/v1/en.pdf").status_code == 404
    assert client.get(f"/media/{document.pdf.name}").status_code == 404
    served = client.get("/statements/alpha/preliminary/v1/en.pdf")
    assert served.status_code == 200 and body(served).startswith(b"%PDF")
    assert body(served) == Path(document.pdf.path).read_bytes()
