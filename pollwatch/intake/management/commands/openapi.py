"""``pollwatch openapi [--output docs/openapi.json]``: the JSON API's OpenAPI schema, as served at
/api/v1/openapi.json, written to a file for the documentation."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand


def openapi_document() -> str:
    from pollwatch.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


class Command(BaseCommand):
    help = "Write the JSON API's OpenAPI schema (docs/openapi.json is kept current with it)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write (default: standard output)")

    def handle(self, *args, output=None, **options):
        document = openapi_document()
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(document)
            self.stdout.write(f"Wrote {output}")
        else:
            self.stdout.write(document, ending="")
