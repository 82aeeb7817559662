"""HTTP Digest for ODK Collect: each nonce count is accepted once and nonces are short-lived,
so a captured Authorization header cannot be replayed. Responses are computed as RFC 7616
(MD5, qop=auth) has them."""

import hashlib
import re
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pollwatch.intake.credentials import issue_observer_token
from pollwatch.intake.httpauth import make_nonce
from pollwatch.intake.models import DigestNonceUse, InboundReport
from pollwatch.submissions.models import Submission

from .test_openrosa import DATA

URL = "/openrosa/submission"


@pytest.fixture
def ha1(world, forms):
    secret = issue_observer_token(world.observer_oleg, "test", label="ODK Collect")[1]
    return hashlib.md5(f"oleg:pollwatch:{secret}".encode()).hexdigest()


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def digest_header(ha1, nonce, nc="00000001", method="POST", uri=URL, cnonce="0a4f113b"):
    ha2 = md5(f"{method}:{uri}")
    response = md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
    return (f'Digest username="oleg", realm="pollwatch", nonce="{nonce}", uri="{uri}", '
            f'algorithm=MD5, qop=auth, nc={nc}, cnonce="{cnonce}", response="{response}"')


def nonce_of(response):
    return re.search(r'Digest [^,]*,.*?nonce="([^"]+)"', response["WWW-Authenticate"]).group(1)


def instance(comment):
    xml = (DATA / "opening-submission.xml").read_text()
    xml = xml.replace("6f1c3b8e-2a4d-4a7b-9d2e-5b8f0c1e7a90", str(uuid.uuid4()))
    xml = xml.replace("Two police officers stood by the entrance.", comment)
    return {"xml_submission_file": SimpleUploadedFile("instance.xml", xml.encode(),
                                                      content_type="text/xml")}


def test_a_captured_header_is_accepted_once_whatever_the_body(client, ha1):
    nonce = nonce_of(client.post(URL, instance("first")))
    header = digest_header(ha1, nonce)
    statuses = [client.post(URL, instance(text), HTTP_AUTHORIZATION=header)
                for text in ("first", "second", "third")]
    assert [r.status_code for r in statuses] == [201, 401, 401]
    assert Submission.objects.count() == 1 == InboundReport.objects.count()
    assert Submission.objects.get().answers["comments"] == "first"
    for refused in statuses[1:]:
        assert "stale=true" in refused["WWW-Authenticate"]
        assert nonce_of(refused) != nonce
    # ODK Collect answers the fresh challenge and is let in.
    again = client.post(URL, instance("second"),
                        HTTP_AUTHORIZATION=digest_header(ha1, nonce_of(statuses[1])))
    assert again.status_code == 201
    assert Submission.objects.count() == 2


def test_the_next_nonce_count_of_the_same_nonce_is_accepted(client, ha1):
    nonce = nonce_of(client.head(URL))
    first = client.post(URL, instance("one"), HTTP_AUTHORIZATION=digest_header(ha1, nonce))
    second = client.post(URL, instance("two"),
                         HTTP_AUTHORIZATION=digest_header(ha1, nonce, nc="00000002"))
    assert (first.status_code, second.status_code) == (201, 201)
    assert DigestNonceUse.objects.filter(nonce=nonce).count() == 2


def test_a_nonce_older_than_the_lifetime_is_stale(client, ha1, settings):
    settings.INTAKE_DIGEST_NONCE_SECONDS = 300
    old = make_nonce(now=time.time() - 301)
    response = client.post(URL, instance("late"), HTTP_AUTHORIZATION=digest_header(ha1, old))
    assert response.status_code == 401 and "stale=true" in response["WWW-Authenticate"]
    young = make_nonce(now=time.time() - 200)
    assert client.post(URL, instance("in time"),
                       HTTP_AUTHORIZATION=digest_header(ha1, young)).status_code == 201
    assert Submission.objects.get().answers["comments"] == "in time"


def test_two_challenges_never_share_a_nonce(client):
    assert nonce_of(client.head(URL)) != nonce_of(client.head(URL))


def test_a_digest_without_qop_or_with_a_bad_count_is_refused(client, ha1):
    nonce = nonce_of(client.head(URL))
    ha2 = md5(f"POST:{URL}")
    without_qop = (f'Digest username="oleg", realm="pollwatch", nonce="{nonce}", uri="{URL}", '
                   f'response="{md5(f"{ha1}:{nonce}:{ha2}")}"')
    assert client.post(URL, instance("x"), HTTP_AUTHORIZATION=without_qop).status_code == 401
    bad_count = digest_header(ha1, nonce, nc="zz")
    assert client.post(URL, instance("x"), HTTP_AUTHORIZATION=bad_count).status_code == 401
    assert InboundReport.objects.count() == 0
