"""docs/openapi.json is the schema the API serves (regenerate with `pollwatch openapi`)."""

import json
from pathlib import Path

from pollwatch.intake.management.commands.openapi import openapi_document

PUBLISHED = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


def test_published_openapi_schema_is_current(client):
    served = client.get("/api/v1/openapi.json").json()
    generated = json.loads(openapi_document())
    assert generated["paths"].keys() == served["paths"].keys()
    assert PUBLISHED.exists(), "run: pollwatch openapi --output docs/openapi.json"
    assert json.loads(PUBLISHED.read_text()) == generated, (
        "docs/openapi.json is out of date; run: pollwatch openapi --output docs/openapi.json")
