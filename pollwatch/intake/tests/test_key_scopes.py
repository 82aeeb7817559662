"""Idempotency keys are unique per sender: one sender's key never blocks another's report,
and a refusal tells nothing of another sender."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pollwatch.intake.credentials import issue_api_key, issue_observer_token
from pollwatch.intake.models import InboundReport
from pollwatch.submissions.models import Submission

from .conftest import submission_body
from .test_openrosa import DATA, basic, collect_headers

URL = "/api/v1/submissions"
OPENING_SMS = "OP 71001 A1 6:40 A2 0700 A3 Y B6 N C1 Y C2 Y C7 Y D1 2"
INSTANCE_ID = "uuid:6f1c3b8e-2a4d-4a7b-9d2e-5b8f0c1e7a90"  # in opening-submission.xml


@pytest.fixture
def beta_partner(world, forms, api):
    from pollwatch.checklists.services import install_templates

    install_templates(world.beta, "test")
    return api(issue_api_key(world.beta, "Beta partner", "test", scopes=["submit", "read"])[1])


@pytest.fixture
def generic_gateway(settings):
    settings.GENERIC_SMS_SECRET = "generic-secret"


def sms(client, text, message_id):
    return client.post("/sms/generic/", {"from": "+77011234501", "text": text, "id": message_id,
                                         "secret": "generic-secret"})


def test_another_missions_partner_key_cannot_block_a_real_sms(client, world, beta_partner,
                                                               generic_gateway):
    posted = beta_partner.post(URL, submission_body(key="generic:gw-555"))
    assert posted.status_code == 201
    reply = sms(client, OPENING_SMS, "gw-555").content.decode()
    assert reply.startswith("OK OP 71001"), reply
    real = Submission.objects.get(mission=world.alpha)
    assert (real.key, real.channel, real.observer) == ("generic:gw-555", "sms", world.observer_oleg)
    assert Submission.objects.filter(mission=world.beta, key="generic:gw-555").count() == 1
    assert set(InboundReport.objects.values_list("status", flat=True)) == {"processed"}


def test_a_partner_key_equal_to_a_gateway_id_in_the_same_mission_blocks_nothing(
        client, world, forms, api, generic_gateway):
    partner = api(issue_api_key(world.alpha, "Alpha partner", "test", scopes=["submit"])[1])
    assert partner.post(URL, submission_body(key="generic:gw-777")).status_code == 201
    assert sms(client, OPENING_SMS, "gw-777").content.decode().startswith("OK OP 71001")
    assert sorted(Submission.objects.filter(mission=world.alpha, key="generic:gw-777")
                  .values_list("channel", flat=True)) == ["partner", "sms"]


def test_an_observers_key_cannot_block_anothers_odk_instance(client, world, forms, api,
                                                             olga_token):
    assert api(olga_token).post(URL, submission_body(key=INSTANCE_ID)).status_code == 201
    secret = issue_observer_token(world.observer_oleg, "test", label="ODK Collect")[1]
    files = {"xml_submission_file": SimpleUploadedFile(
        "instance.xml", (DATA / "opening-submission.xml").read_bytes(), content_type="text/xml")}
    response = client.post("/openrosa/submission", files, **collect_headers("post_submission"),
                           HTTP_AUTHORIZATION=basic("oleg", secret))
    assert response.status_code == 201, response.content
    assert sorted(Submission.objects.filter(key=INSTANCE_ID).values_list(
        "observer__user__username", "channel")) == [("oleg", "openrosa"), ("olga", "api")]


def test_a_refusal_names_only_the_senders_own_key(world, beta_partner, api, oleg_token):
    key = str(uuid.uuid4())
    oleg = api(oleg_token)
    assert oleg.post(URL, submission_body(key=key)).status_code == 201
    assert beta_partner.post(URL, submission_body(key=key)).status_code == 201
    refused = beta_partner.post(URL, submission_body(key=key, assessment="bad"))
    assert refused.status_code == 409
    body = refused.json()
    olegs = InboundReport.objects.get(observer=world.observer_oleg)
    assert key in body["reason"]
    for secret in (f"#{olegs.pk}", "oleg", "alpha", "+7701"):
        assert secret not in str(body).lower()
    assert InboundReport.objects.get(pk=body["report"]).meta["original"] != olegs.pk
    assert Submission.objects.get(mission=world.alpha).answers["assessment"] == "good"
