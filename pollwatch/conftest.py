"""Fixtures shared by every app's tests; the world and its personas are in factories.py.

Imports of Django code stay inside the fixtures so that ``pollwatch/analysis`` tests run
without Django.
"""

import pytest


@pytest.fixture
def world(db, settings, tmp_path):
    from pollwatch.factories import build_world

    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


@pytest.fixture
def login(client):
    """Sign the test client in as a persona: ``login(world.alice)`` returns the client."""
    from pollwatch.factories import PASSWORD

    def sign_in(user):
        client.logout()
        assert client.login(username=user.username, password=PASSWORD), user.username
        return client

    return sign_in
