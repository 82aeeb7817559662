"""Staff sign-in through the real pages: lockout after wrong passwords, and the second factor."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pollwatch.accounts import two_factor
from pollwatch.accounts.models import AuditEntry
from pollwatch.factories import PASSWORD

LOGIN = "/accounts/login/"
A = AuditEntry.Action


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def code_now(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def enrol(user):
    device = two_factor.start_enrolment(user)
    codes = two_factor.confirm_enrolment(user, device, code_now(device))
    assert codes is not None
    # The app's code was just used; the next sign-in's code must not be refused as a replay.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return codes


@pytest.fixture
def required(settings):
    settings.STAFF_TWO_FACTOR = "required"


# --- Lockout ---------------------------------------------------------------------------------

def test_six_wrong_passwords_then_the_right_one_is_refused_and_audited(world, client):
    statuses = [sign_in(client, "alice", "wrong", REMOTE_ADDR="203.0.113.7").status_code
                for _ in range(6)]

    assert statuses == [200, 200, 200, 200, 429, 429]
    right = sign_in(client, "alice", REMOTE_ADDR="203.0.113.7")
    assert right.status_code == 429
    assert "Too many wrong passwords" in right.content.decode()
    assert "15 minutes" in right.content.decode()
    assert "_auth_user_id" not in client.session
    failed = AuditEntry.objects.filter(action=A.SIGN_IN_FAILED, object_id=str(world.alice.pk))
    assert failed.count() == 7
    assert set(failed.values_list("address", flat=True)) == {"203.0.113.7"}
    # The fifth wrong password, the sixth, and the right one got the lockout page.
    assert failed.filter(changes__refused_while_locked_out=True).count() == 3
    lockout = AuditEntry.objects.get(action=A.LOCKOUT)
    assert (lockout.object_id, lockout.address, lockout.changes["failures"]) == (
        str(world.alice.pk), "203.0.113.7", 5)
    assert not AuditEntry.objects.filter(action=A.SIGN_IN).exists()


def test_lockout_is_per_user_and_address(world, client):
    for _ in range(5):
        sign_in(client, "alice", "wrong", REMOTE_ADDR="203.0.113.7")

    assert sign_in(Client(), "alice", REMOTE_ADDR="198.51.100.2").status_code == 302
    assert sign_in(Client(), "anna", REMOTE_ADDR="203.0.113.7").status_code == 302
    assert sign_in(Client(), "alice", REMOTE_ADDR="203.0.113.7").status_code == 429


def test_lockout_settings_change_the_limit(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert [sign_in(client, "anna", "wrong").status_code for _ in range(2)] == [200, 429]


def test_behind_a_proxy_the_forwarded_client_is_locked_whatever_it_claims(world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for spoof in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        sign_in(Client(), "alice", "wrong", REMOTE_ADDR="10.0.0.1",
                HTTP_X_FORWARDED_FOR=f"{spoof}, 203.0.113.7")

    locked = sign_in(Client(), "alice", REMOTE_ADDR="10.0.0.1",
                     HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7")
    assert locked.status_code == 429
    assert AuditEntry.objects.get(action=A.LOCKOUT).address == "203.0.113.7"
    # Another client behind the same proxy is not locked out.
    assert sign_in(Client(), "alice", REMOTE_ADDR="10.0.0.1",
                   HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


def test_lockout_page_speaks_the_users_language(world, client):
    for _ in range(5):
        response = sign_in(client, "alice", "wrong", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 429
    assert "Слишком много неверных паролей" in response.content.decode()


def test_a_successful_sign_in_is_audited_with_address_and_browser(world, client):
    response = sign_in(client, "alice", REMOTE_ADDR="198.51.100.9", HTTP_USER_AGENT="Firefox/140")

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=A.SIGN_IN)
    assert (entry.user, entry.address, entry.user_agent) == (world.alice, "198.51.100.9",
                                                             "Firefox/140")


def test_client_login_in_tests_still_works(world, client):
    assert client.login(username="alice", password=PASSWORD)
    assert not client.login(username="alice", password="wrong")


# --- Second factor ---------------------------------------------------------------------------

def test_coordinator_is_sent_to_set_up_enrols_and_reaches_the_dashboard(world, client, required):
    assert sign_in(client, "alice").status_code == 302

    dashboard = client.get("/m/alpha/")
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith(reverse("accounts:two_factor_setup"))
    page = client.get(dashboard["Location"])
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=world.alice, confirmed=False)
    assert two_factor.secret_for_typing(device) in page.content.decode()

    wrong = client.post(dashboard["Location"], {"code": "000000" if code_now(device) != "000000"
                                                else "111111"})
    assert wrong.status_code == 400
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # no waiting here
    done = client.post(dashboard["Location"], {"code": code_now(device)})

    assert done.status_code == 302 and done["Location"] == reverse("accounts:two_factor_recovery_codes")
    codes_page = client.get(done["Location"]).content.decode()
    assert codes_page.count("-") >= 10 and StaticToken.objects.filter(device__user=world.alice).count() == 10
    assert 'id="recovery-codes"' not in client.get(done["Location"]).content.decode()  # shown once
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/m/alpha/").status_code == 200
    assert AuditEntry.objects.filter(action=A.TWO_FACTOR, user=world.alice,
                                     object_repr__startswith="second factor enrolled").exists()


def test_enrolled_coordinator_must_type_the_apps_code_after_the_password(world, client):
    enrol(world.alice)  # optional: asked anyway, because she has an app
    sign_in(client, "alice")
    sent = client.get("/m/alpha/")
    assert sent["Location"].startswith(reverse("accounts:two_factor_verify"))
    device = two_factor.app_device(world.alice)

    wrong = client.post(sent["Location"], {"code": "000000" if code_now(device) != "000000"
                                           else "111111"})
    assert wrong.status_code == 400
    assert client.get("/m/alpha/").status_code == 302
    assert AuditEntry.objects.filter(action=A.TWO_FACTOR,
                                     object_repr__startswith="wrong second-factor code").exists()

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    right = client.post(sent["Location"], {"code": code_now(device)})
    assert right.status_code == 302 and right["Location"] == "/m/alpha/"
    assert client.get("/m/alpha/").status_code == 200


def test_a_recovery_code_works_once(world, client, required):
    codes = enrol(world.alice)
    verify = reverse("accounts:two_factor_verify")

    sign_in(client, "alice")
    assert client.post(verify, {"code": codes[0].upper()}).status_code == 302
    assert client.get("/m/alpha/").status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302

    sign_in(client, "alice")
    assert client.post(verify, {"code": codes[0]}).status_code == 400
    assert client.get("/m/alpha/").status_code == 302
    StaticDevice.objects.filter(user=world.alice).update(throttling_failure_count=0)
    assert client.post(verify, {"code": codes[1]}).status_code == 302
    assert StaticToken.objects.filter(device__user=world.alice).count() == 8
    assert AuditEntry.objects.filter(object_repr__startswith="signed in with a recovery code").count() == 2


def test_only_hashes_of_recovery_codes_are_stored(world):
    codes = enrol(world.alice)
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert not stored & {code.replace("-", "") for code in codes}
    assert len(stored) == 10


def test_an_observer_is_not_asked_for_a_second_factor(world, client, required):
    sign_in(client, "oleg")
    assert client.get("/observe/").status_code == 200

    from pollwatch.accounts import onetime
    issued = onetime.issue_sign_in_code(world.oleg, world.alice, mission=world.alpha)
    phone = Client()
    phone.post(reverse("accounts:code_sign_in"), {"identifier": "oleg", "code": issued.code})
    assert phone.get("/observe/").status_code == 200
    assert not TOTPDevice.objects.filter(user=world.oleg).exists()


def test_analyst_and_administrator_are_staff_too(world, required):
    for user in (world.anna, world.admin):
        client = Client()
        sign_in(client, user.username)
        response = client.get(reverse("accounts:home"))
        assert response["Location"].startswith(reverse("accounts:two_factor_setup")), user
    assert not two_factor.needs_second_factor(world.oleg)


def test_the_api_sees_an_unverified_staff_session_as_anonymous(world, client, required):
    sign_in(client, "alice")
    assert client.get("/api/v1/devices").status_code == 401


def test_an_administrator_resets_a_lost_second_factor_and_it_is_audited(world, client):
    enrol(world.alice)
    client.force_login(world.admin)

    response = client.post("/admin/accounts/user/", {"action": "reset_second_factor",
                                                     "_selected_action": [world.alice.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.alice).exists()
    assert not StaticToken.objects.filter(device__user=world.alice).exists()
    entry = AuditEntry.objects.get(object_repr="second factor reset: alice")
    assert (entry.user, entry.action, entry.changes["devices_removed"]) == (world.admin, A.TWO_FACTOR,
                                                                            [2, 0])


def test_two_factor_pages_speak_russian(world, client, required):
    sign_in(client, "alice")
    page = client.get(reverse("accounts:two_factor_setup"), HTTP_ACCEPT_LANGUAGE="ru")
    assert "Настройка двухфакторного входа" in page.content.decode()


def test_after_a_reset_an_optional_user_is_no_longer_sent_to_verify(world, client):
    enrol(world.alice)
    sign_in(client, "alice")
    assert client.get("/m/alpha/")["Location"].startswith(reverse("accounts:two_factor_verify"))
    two_factor.reset(world.alice, world.admin)

    assert client.get("/m/alpha/").status_code == 302
    assert client.get(reverse("accounts:two_factor_verify")).status_code == 302
    assert client.get("/m/alpha/").status_code == 200

