"""Query counts pinned: a report costs a fixed handful of statements, and lists do not grow
with their rows (an N+1 query fails here)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pollwatch.submissions import catalog

from .conftest import submission_body


@pytest.fixture
def cached(settings):
    """Intake's per-process cache on, as deployed; emptied after (test databases reuse ids)."""
    settings.INTAKE_CACHE_SECONDS = 30
    catalog.clear()
    yield
    catalog.clear()


def test_a_report_costs_a_fixed_handful_of_statements(api, forms, oleg_token, cached):
    client = api(oleg_token)
    assert client.post("/api/v1/submissions", submission_body()).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/submissions", submission_body(station="71001"))
    assert response.status_code == 201
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    # token; the raw report and the submission (one statement on PostgreSQL); the station
    # record's upsert (which locks and reads it) and update, however many reports the station
    # has (plus the transaction's savepoint and release under the test runner).
    data = [s for s in statements if s not in {"SAVEPOINT", "RELEASE"}]
    writes = ["WITH"] if connection.vendor == "postgresql" else ["INSERT", "INSERT"]
    assert data == ["SELECT", *writes, "INSERT", "UPDATE"], statements


def test_listing_submissions_does_not_grow_with_rows(api, forms, oleg_token):
    client = api(oleg_token)
    for _ in range(3):
        client.post("/api/v1/submissions", submission_body())
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/api/v1/submissions").json()["items"]) == 3
    for _ in range(7):
        client.post("/api/v1/submissions", submission_body())
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/submissions").json()["items"]) == 10
    assert len(many.captured_queries) == len(few.captured_queries)


def test_quarantine_page_does_not_grow_with_rows(world, forms, login, client, settings):
    settings.GENERIC_SMS_SECRET = "s"
    for n in range(3):
        client.post("/sms/generic/", {"from": "+77019990000", "text": f"OP 71001 A3 x{n}", "id": n,
                                      "secret": "s"})
    coordinator = login(world.alice)
    with CaptureQueriesContext(connection) as few:
        assert coordinator.get("/m/alpha/quarantine/").status_code == 200
    for n in range(3, 10):
        client.post("/sms/generic/", {"from": "+77019990000", "text": f"OP 71001 A3 x{n}", "id": n,
                                      "secret": "s"})
    with CaptureQueriesContext(connection) as many:
        assert coordinator.get("/m/alpha/quarantine/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
