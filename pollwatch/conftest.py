"""Fixtures shared by every app's tests; the world and its personas are in factories.py.

Imports of Django code stay inside the fixtures so that ``pollwatch/analysis`` tests run
without Django.
"""

import pytest


@pytest.fixture(autouse=True)
def _each_test_starts_in_english():
    """A request through LocaleMiddleware leaves its language active in the thread; without
    this, a test that asks for a Kazakh page would make the next test's messages Kazakh."""
    yield
    from django.conf import settings

    if settings.configured:
        from django.utils import translation

        translation.deactivate()


@pytest.fixture
def world(db, settings, tmp_path):
    from pollwatch.factories import build_world

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SENDFILE_ROOT = settings.MEDIA_ROOT
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


@pytest.fixture
def browser():
    """Headless Chromium from the system's packages, driven by Playwright."""
    import os

    from pollwatch.browsertest import ARGS, CHROMIUM

    if not os.path.exists(CHROMIUM):
        pytest.skip("no system Chromium (make chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def signed_in(browser, live_server):
    """``signed_in(user, viewport, **context_options)``: a new page whose browser context holds
    ``user``'s session (signing in through the form is tested once, in test_roles)."""
    from django.conf import settings
    from django.test import Client

    from pollwatch.browsertest import DESKTOP

    contexts = []

    def open_page(user, viewport=DESKTOP, **options):
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport=viewport, **options)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                              "url": live_server.url}])
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _each_test_starts_with_an_empty_cache():
    """Rate-limit counters live in the cache; ids repeat across tests (SQLite reuses them
    after a rollback), so one test's requests must not count against the next one's."""
    yield
    from django.conf import settings

    if settings.configured:
        from django.core.cache import cache

        cache.clear()
