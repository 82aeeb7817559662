"""The JSON API fuzzed from the schema it serves (schemathesis): whatever the request, the
answer is never a 500 and its status is one the schema declares for that operation.

Every operation is run with valid and with invalid data, signed once with an observer's
device token and once with a partner's API key (read and submit). Examples are bounded
(``FUZZ_EXAMPLES`` per operation and mode) and derandomised, so the run is repeatable and
short; raise ``POLLWATCH_FUZZ_EXAMPLES`` for a longer hunt.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import status_code_conformance

FUZZ_EXAMPLES = int(os.environ.get("POLLWATCH_FUZZ_EXAMPLES", "8"))


@pytest.fixture
def credentials_for(world, forms):
    from pollwatch.intake.credentials import issue_api_key, issue_observer_token

    def make(kind):
        if kind == "observer token":
            return issue_observer_token(world.observer_oleg, "test", label="fuzz")[1]
        return issue_api_key(world.alpha, "Fuzz partner", "test", scopes=["read", "submit"])[1]

    return make


# Each request commits on its own, as in production: one request's database error cannot break
# the next one's transaction, as it would inside a test-wide transaction on PostgreSQL.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["observer token", "partner API key"])
def test_fuzzed_requests_never_get_a_server_error_or_an_undeclared_status(
        kind, credentials_for, settings):
    from pollwatch.wsgi import application

    settings.RATE_LIMIT_TOKEN = settings.RATE_LIMIT_API_KEY = ""  # explore, do not get throttled
    secret = credentials_for(kind)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
                                 derandomize=True, suppress_health_check=list(HealthCheck))
            def run(case):
                response = case.call(headers={"Authorization": f"Bearer {secret}"})
                case.validate_response(response, checks=[not_a_server_error,
                                                         status_code_conformance])

            try:
                run()
            except Exception as exc:  # noqa: BLE001 - collect every operation's failure
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}")
    assert operations >= 10
    assert not failures, "\n\n".join(failures)
