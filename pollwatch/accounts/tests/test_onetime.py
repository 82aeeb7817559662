"""Signing in with a one-time code or a QR code's link."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from pollwatch.accounts import onetime
from pollwatch.accounts.models import AuditEntry, SignInCode


@pytest.fixture(autouse=True)
def _fresh_attempts():
    cache.clear()
    yield
    cache.clear()


def test_observer_signs_in_with_phone_and_code_once(world, client):
    issued = onetime.issue_sign_in_code(world.oleg, world.alice, mission=world.alpha)

    response = client.post(reverse("accounts:code_sign_in"),
                           {"identifier": "+7 701 123 45 01", "code": issued.display_code})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.oleg.pk)
    assert SignInCode.objects.get(pk=issued.record.pk).used_at is not None
    assert AuditEntry.objects.filter(object_repr__contains="signed in with a one-time code").exists()
    client.logout()
    again = client.post(reverse("accounts:code_sign_in"),
                        {"identifier": "+77011234501", "code": issued.code})
    assert again.status_code == 400
    assert "_auth_user_id" not in client.session


def test_code_of_another_user_does_not_sign_in(world, client):
    issued = onetime.issue_sign_in_code(world.olga, world.alice)

    response = client.post(reverse("accounts:code_sign_in"),
                           {"identifier": "+77011234501", "code": issued.code})

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert SignInCode.objects.get(pk=issued.record.pk).used_at is None


def test_expired_code_is_refused(world):
    issued = onetime.issue_sign_in_code(world.oleg, world.alice)
    SignInCode.objects.filter(pk=issued.record.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1))

    with pytest.raises(onetime.CodeRefused):
        onetime.redeem_code("oleg", issued.code)


def test_new_code_revokes_the_unused_one(world):
    first = onetime.issue_sign_in_code(world.oleg, world.alice)
    second = onetime.issue_sign_in_code(world.oleg, world.alice)

    with pytest.raises(onetime.CodeRefused):
        onetime.redeem_code("oleg", first.code)
    assert onetime.redeem_code("oleg", second.code) == world.oleg


def test_wrong_codes_are_rate_limited_even_with_the_right_one_after(world, settings):
    settings.SIGN_IN_CODE_ATTEMPTS = 3
    issued = onetime.issue_sign_in_code(world.oleg, world.alice)
    wrong = "00000000" if issued.code != "00000000" else "11111111"
    for _ in range(3):
        with pytest.raises(onetime.CodeRefused):
            onetime.redeem_code("+77011234501", wrong, "10.0.0.1")

    with pytest.raises(onetime.TooManyAttempts):
        onetime.redeem_code("+77011234501", issued.code, "10.0.0.2")
    with pytest.raises(onetime.TooManyAttempts):
        onetime.redeem_code("olga", "12345678", "10.0.0.1")
    assert SignInCode.objects.get(pk=issued.record.pk).used_at is None


def test_qr_link_asks_before_signing_in_and_works_once(world, client):
    issued = onetime.issue_sign_in_code(world.oleg, world.alice)
    url = reverse("accounts:link_sign_in", args=[issued.token])

    preview = client.get(url)
    assert preview.status_code == 200
    assert "_auth_user_id" not in client.session
    assert SignInCode.objects.get(pk=issued.record.pk).used_at is None

    response = client.post(url)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.oleg.pk)
    client.logout()
    assert client.get(url).status_code == 410
    assert client.post(url).status_code == 410
    assert "_auth_user_id" not in client.session


def test_qr_code_is_an_svg_of_the_link(world):
    svg = onetime.qr_svg("http://testserver/accounts/code/abc/")

    assert svg.startswith("<svg")
    assert "<path" in svg


def test_only_hashes_are_stored(world):
    issued = onetime.issue_sign_in_code(world.oleg, world.alice)
    record = SignInCode.objects.get(pk=issued.record.pk)

    assert issued.code not in record.code_hash
    assert issued.token not in record.link_hash


@pytest.mark.parametrize(("language", "title"), [("ru", "Вход по коду"), ("kk", "Кодпен кіру")])
def test_code_page_speaks_the_phones_language(world, client, language, title):
    response = client.get(reverse("accounts:code_sign_in"), HTTP_ACCEPT_LANGUAGE=language)
    assert title in response.content.decode()
