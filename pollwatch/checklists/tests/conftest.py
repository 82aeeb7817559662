"""Helpers for the forms tests: a compiled form from a definition, without the database."""

import pytest

from pollwatch.checklists.schema import compile_schema
from pollwatch.checklists.xlsform import read_workbook, workbook_from_definition


def schema_from_definition(definition, *, settings=None, code="test", kind="other"):
    """Definition -> XLSForm workbook -> pyxform -> question rows -> FormSchema (no database)."""
    content = workbook_from_definition(definition, {"form_title": "Test", "form_id": code})
    read = read_workbook(content, f"{code}.xlsx")
    return compile_schema(1, code, kind, read.questions, settings or {})


@pytest.fixture
def make_schema():
    return schema_from_definition
