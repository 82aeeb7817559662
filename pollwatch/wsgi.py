"""The WSGI application (``gunicorn pollwatch.wsgi:application``; see docs/operations.md).

Django loads the URL configuration lazily, on the first request each process serves: importing
every app's views and building the API's routes takes a second on a quiet server and several
under load, and every client that hits a fresh worker waits for it. :func:`warm_up` does that
work when the module is imported instead; with ``gunicorn --preload`` it happens once in the
master, before the workers are forked, so no request pays for it. It touches no database (a
connection opened before the fork would be shared by the workers).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pollwatch.settings")
application = get_wsgi_application()


def warm_up() -> None:
    """Import the URL configuration and resolve the busiest address once."""
    from django.urls import get_resolver

    get_resolver().resolve("/api/v1/submissions")


warm_up()
