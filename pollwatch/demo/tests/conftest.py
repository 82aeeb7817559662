"""Fixtures for the demo's steps on the test world: the built-in forms in mission alpha."""

import pytest


@pytest.fixture
def forms(world):
    from pollwatch.checklists.services import install_templates

    return {form.code: form for form in install_templates(world.alpha, "test")}
