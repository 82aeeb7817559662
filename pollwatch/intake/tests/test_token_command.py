"""``pollwatch token``: coordinators issue and revoke tokens and keys from the shell."""

import io

import pytest
from django.core.management import CommandError, call_command

from pollwatch.intake.credentials import principal_for_secret
from pollwatch.intake.models import ApiKey, DeviceToken


def run(*args):
    out = io.StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def test_issue_use_and_revoke_an_observer_token(world):
    output = run("observer", "--mission", "alpha", "--observer", "+77011234501", "--label", "ODK")
    secret = output.strip().splitlines()[-1]
    assert principal_for_secret(secret).observer == world.observer_oleg
    token = DeviceToken.objects.get()
    assert token.label == "ODK" and token.token_hash != secret and secret not in str(token.__dict__)
    run("revoke", "--device", str(token.pk))
    assert principal_for_secret(secret) is None


def test_issue_a_partner_key_with_scopes(world):
    secret = run("api-key", "--mission", "alpha", "--name", "Partner", "--scope", "read",
                 "--scope", "submit").strip().splitlines()[-1]
    assert ApiKey.objects.get().scopes == ["read", "submit"]
    assert principal_for_secret(secret).mission == world.alpha
    assert "Partner" in run("list", "--mission", "alpha")


def test_unknown_observer_is_an_error(world):
    with pytest.raises(CommandError):
        run("observer", "--mission", "alpha", "--observer", "nobody")
