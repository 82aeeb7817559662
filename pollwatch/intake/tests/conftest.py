"""Fixtures for intake tests: the built-in forms installed in mission alpha, device tokens,
and a client that sends JSON with a bearer token."""

import json
import uuid

import pytest


@pytest.fixture
def forms(world):
    from pollwatch.checklists.services import install_templates

    return {form.code: form for form in install_templates(world.alpha, "test")}


@pytest.fixture
def gateways(settings, forms):
    """Every SMS gateway configured with its test secret."""
    settings.GENERIC_SMS_SECRET = "generic-secret"
    settings.TELERIVET_WEBHOOK_SECRET = "telerivet-secret"
    settings.TWILIO_AUTH_TOKEN = "twilio-token"
    settings.RAPIDPRO_WEBHOOK_SECRET = "rapidpro-secret"
    return settings


@pytest.fixture
def oleg_token(world):
    from pollwatch.intake.credentials import issue_observer_token

    return issue_observer_token(world.observer_oleg, "test", label="Oleg's phone")[1]


@pytest.fixture
def olga_token(world):
    from pollwatch.intake.credentials import issue_observer_token

    return issue_observer_token(world.observer_olga, "test", label="Olga's phone")[1]


class JsonClient:
    """The test client sending JSON with ``Authorization: Bearer``."""

    def __init__(self, client, token):
        self.client = client
        self.token = token

    def headers(self, extra=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
        headers.update(extra or {})
        return headers

    def post(self, path, data, **extra):
        return self.client.post(path, json.dumps(data), content_type="application/json",
                                **self.headers(extra))

    def get(self, path, **extra):
        return self.client.get(path, **self.headers(extra))

    def delete(self, path, **extra):
        return self.client.delete(path, **self.headers(extra))


@pytest.fixture
def api(client):
    def make(token):
        return JsonClient(client, token)

    return make


def opening_answers(**changes):
    """A complete opening report (what a well-run station looks like)."""
    answers = {
        "arrived_at": "06:40", "opened_at": "07:00", "opened_on_time": "yes",
        "commission_present": 9, "party_agents": "yes", "citizen_observers": "no",
        "international_observers": "no", "unauthorised_present": "no",
        "boxes_shown_empty": "yes", "boxes_sealed": "yes", "ballots_counted": "yes",
        "ballots_received": 2000, "materials_present": "yes", "layout_secrecy": "yes",
        "observers_can_see": "yes", "assessment": "good",
    }
    answers.update(changes)
    return answers


def submission_body(station="71001", form="opening", key=None, **changes):
    return {"key": key or str(uuid.uuid4()), "form": form, "station": station,
            "answers": opening_answers(**changes)}
