"""The mission's Forms pages: who may see and change them, upload, publish, retire, preview."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pollwatch.checklists.models import Form, FormVersion
from pollwatch.checklists.services import install_templates

from .test_xlsform_import import SURVEY, workbook


@pytest.fixture
def installed(world):
    return {form.code: form for form in install_templates(world.alpha, "test")}


def forms_url(mission="alpha"):
    return reverse("checklists:forms", args=[mission])


def upload(client, content, name="queues.xlsx", publish=False, mission="alpha"):
    data = {"workbook": SimpleUploadedFile(name, content)}
    if publish:
        data["publish"] = "on"
    return client.post(reverse("checklists:upload", args=[mission]), data)


def test_coordinator_sees_forms_and_versions(world, login, installed, django_assert_max_num_queries):
    client = login(world.alice)
    with django_assert_max_num_queries(12):
        response = client.get(forms_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Voting" in page and "SMS VT" in page and "Upload an XLSForm" in page
    assert page.count('class="badge state-published"') == 5


def test_the_page_costs_the_same_queries_with_more_forms(world, login, installed, django_assert_num_queries):
    client = login(world.alice)
    client.get(forms_url())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(forms_url())
    install_templates(world.alpha, "test", languages=("en",))   # a second version of each form
    with CaptureQueriesContext(connection) as more:
        client.get(forms_url())
    assert len(more) == len(few)


def test_analyst_sees_but_cannot_change(world, login, installed):
    client = login(world.anna)
    response = client.get(forms_url())
    assert response.status_code == 200
    assert "Upload an XLSForm" not in response.content.decode()
    version = installed["voting"].published_version()
    assert client.post(reverse("checklists:retire", args=["alpha", version.pk])).status_code == 403
    assert upload(client, workbook()).status_code == 403
    version.refresh_from_db()
    assert version.is_published


@pytest.mark.parametrize("persona", ["oleg", "bob"])
def test_observers_and_other_missions_coordinators_are_refused(world, login, installed, persona):
    client = login(getattr(world, persona))
    assert client.get(forms_url()).status_code == 403
    version = installed["voting"].published_version()
    assert client.get(reverse("checklists:version", args=["alpha", version.pk])).status_code == 403
    assert client.post(reverse("checklists:retire", args=["alpha", version.pk])).status_code == 403
    assert upload(client, workbook()).status_code == 403
    version.refresh_from_db()
    assert version.is_published and not Form.objects.filter(code="queues").exists()


def test_anonymous_users_are_sent_to_sign_in(client, world):
    response = client.get(forms_url())
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_a_version_of_another_mission_is_not_found(world, login, installed):
    beta = {f.code: f for f in install_templates(world.beta, "test")}
    client = login(world.alice)
    version = beta["voting"].published_version()
    assert client.get(reverse("checklists:version", args=["alpha", version.pk])).status_code == 404
    assert client.post(reverse("checklists:retire", args=["alpha", version.pk])).status_code == 404
    version.refresh_from_db()
    assert version.is_published


def test_upload_creates_a_draft_and_shows_it(world, login):
    client = login(world.alice)
    response = upload(client, workbook())
    version = FormVersion.objects.get(form__mission=world.alpha, form__code="queues")
    assert response.status_code == 302
    assert response["Location"] == reverse("checklists:version", args=["alpha", version.pk])
    assert version.status == FormVersion.Status.DRAFT and version.created_by == world.alice
    page = client.get(response["Location"]).content.decode()
    assert "Queue?" in page and "<code>Q1</code>" in page and "<code>S</code> Stuffing" in page


def test_upload_with_publish(world, login):
    upload(login(world.alice), workbook(), publish=True)
    assert Form.objects.get(mission=world.alpha, code="queues").published_version().number == 1


def test_a_bad_upload_shows_pyxforms_errors_and_stores_nothing(world, login):
    bad = [row[:] for row in SURVEY]
    bad[2][0] = "select_one nolist"
    response = upload(login(world.alice), workbook(survey=bad))
    assert response.status_code == 400
    page = response.content.decode()
    assert "nothing was imported" in page and "nolist" in page
    assert not Form.objects.filter(mission=world.alpha).exists()


def test_publish_and_retire_buttons(world, login, installed):
    client = login(world.alice)
    voting = installed["voting"]
    retire_url = reverse("checklists:retire", args=["alpha", voting.published_version().pk])
    version = voting.published_version()
    assert client.post(retire_url).status_code == 302
    version.refresh_from_db()
    assert version.status == FormVersion.Status.RETIRED
    assert client.post(reverse("checklists:publish", args=["alpha", version.pk])).status_code == 302
    version.refresh_from_db()
    assert version.is_published
    assert client.get(reverse("checklists:publish", args=["alpha", version.pk])).status_code == 405


def test_preview_in_the_users_language(world, login, installed):
    client = login(world.alice)
    version = installed["voting"].published_version()
    url = reverse("checklists:version", args=["alpha", version.pk])
    assert "Ballot box stuffing seen?" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "ru", "next": url})
    assert "Замечен вброс бюллетеней?" in client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()


def test_xform_and_workbook_downloads(world, login, installed):
    client = login(world.anna)
    version = installed["voting"].published_version()
    xform = client.get(reverse("checklists:xform", args=["alpha", version.pk]))
    assert xform.status_code == 200 and b'<data id="alpha-voting" version="1">' in xform.content
    book = client.get(reverse("checklists:workbook", args=["alpha", version.pk]))
    assert book.status_code == 200 and book.content[:2] == b"PK"


def test_the_mission_menu_links_forms_for_staff(world, login):
    page = login(world.alice).get(reverse("dashboard:mission", args=["alpha"])).content.decode()
    assert forms_url() in page


def test_version_page_names_the_xform_id(world, login, installed):
    version = installed["incident"].published_version()
    page = login(world.alice).get(reverse("checklists:version", args=["alpha", version.pk])).content.decode()
    assert "XForm id alpha-incident" in page
    assert version.questions.get(name="evidence").code == ""   # a photo cannot come by SMS
