"""Size limits on every way in: a request larger than its door's limit is answered 413 before
its body is read, and nothing of it is stored.

=============================  ==========================  ==============================
door                           setting                     default
=============================  ==========================  ==============================
``/openrosa/submission``       ``INTAKE_MAX_BYTES``        20 MB (instance + attachments)
``/api/``                      ``INTAKE_MAX_JSON_BYTES``   1 MB
``/sms/``                      ``INTAKE_MAX_SMS_BYTES``    64 KB
=============================  ==========================  ==============================

The limit is read from ``Content-Length``: Django reads no more of a body than it says (a
request without it has an empty body), so a body cannot be larger than announced.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from pollwatch.problems import problem

#: path prefix -> the setting holding its limit, longest prefix first.
DOORS = (("/openrosa/submission", "INTAKE_MAX_BYTES"), ("/api/", "INTAKE_MAX_JSON_BYTES"),
         ("/sms/", "INTAKE_MAX_SMS_BYTES"))


def limit_for(path: str) -> tuple[str, int] | None:
    for prefix, setting in DOORS:
        if path.startswith(prefix):
            return setting, int(getattr(settings, setting))
    return None


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def too_large(request: HttpRequest, limit: int, size: int) -> HttpResponse:
    reason = (f"The request is {_megabytes(size)}; this address accepts at most "
              f"{_megabytes(limit)} ({limit} bytes). Nothing was stored.")
    if request.path.startswith("/openrosa/"):
        response = HttpResponse(
            '<?xml version="1.0" encoding="UTF-8"?>\n<OpenRosaResponse xmlns="'
            f'http://openrosa.org/http/response"><message nature="submit_error">{escape(reason)}'
            "</message></OpenRosaResponse>", status=413, content_type="text/xml; charset=utf-8")
        response["X-OpenRosa-Version"] = "1.0"
        response["X-OpenRosa-Accept-Content-Length"] = str(limit)
        return response
    if request.path.startswith("/api/"):
        return problem(413, reason, errors=[{"loc": ["body"], "message": reason, "code": "too_large"}])
    return HttpResponse(f"Refused: {reason}\n", status=413, content_type="text/plain")


class BodyLimitMiddleware:
    """Answer 413 to a request whose body is over its door's limit, before reading it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        door = limit_for(request.path)
        if door is not None:
            try:
                size = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                size = 0
            if size > door[1]:
                return too_large(request, door[1], size)
        return self.get_response(request)
