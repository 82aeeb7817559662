"""The JSON API's one error shape (RFC 9457 "problem details"), and how every error becomes it.

Every answer of ``/api/v1/`` that is not a success is a :class:`Problem`::

    {"type": "about:blank", "title": "Unprocessable Content", "status": 422,
     "detail": "1 field is not valid", "errors": [{"loc": ["query", "offset"], "message": "...",
     "code": "greater_than_equal"}]}

``errors`` says where each problem is (``loc``: ``body``, ``query``, ``path`` or ``header``,
then the field). A report refused or quarantined by intake carries also ``outcome``
(``refused`` or ``quarantined``), ``report``, ``key`` and ``reason``; its ``errors`` name the
``question``. Unexpected failures are logged and answered 500 in the same shape (the schema
fuzz test makes sure none is left).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import AfterValidator
from pydantic import Field as PydField

log = logging.getLogger("pollwatch.api")

#: The statuses any operation may answer besides its successes.
COMMON = (401, 403, 404, 413, 422, 429)


class Problem(Schema):
    type: str = Field("about:blank", description="A URI naming the kind of problem")
    title: str = Field(..., description="The status's short name")
    status: int = Field(..., description="The HTTP status")
    detail: str = Field("", description="What went wrong, for people")
    errors: list[dict[str, Any]] = Field(default_factory=list, description=(
        "Each problem found, with where it is: `loc` (e.g. [\"query\", \"offset\"]) for a request "
        "that does not fit the schema, `question` for an answer of a report"))
    outcome: str | None = Field(None, description="For a report: refused or quarantined")
    report: int | None = Field(None, description="For a report: the stored inbound report's id")
    key: str | None = Field(None, description="For a report: its idempotency key")
    reason: str | None = Field(None, description="For a report: why it was not accepted")


def responses(successes: dict[int, Any], *extra: int) -> dict[int, Any]:
    """An operation's ``response=``: its successes, then :data:`COMMON` and ``extra`` as problems."""
    out = dict(successes)
    for status in (*COMMON, *extra):
        out.setdefault(status, Problem)
    return dict(sorted(out.items()))


def title_of(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(status: int, detail: str = "", *, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> JsonResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title_of(status), "status": status,
                            "detail": detail, "errors": errors or []}
    body.update({k: v for k, v in extra.items() if v is not None})
    response = JsonResponse(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class RateLimited(Exception):
    """Too many requests from one credential; ``retry_after`` seconds until the window ends."""

    def __init__(self, detail: str, retry_after: int):
        super().__init__(detail)
        self.detail = detail
        self.retry_after = max(1, int(retry_after))


class FieldProblem(Exception):
    """A request parameter that the schema allows but the endpoint cannot use (answered 422)."""

    def __init__(self, loc: list[str], message: str, code: str = "invalid"):
        super().__init__(message)
        self.loc, self.message, self.code = loc, message, code


def _text(value: Any) -> str:
    text = str(value)
    return text.replace("\x00", "\\x00")


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic's errors, as ``{"loc", "message", "code"}`` (the location's first part is
    where: body, query, path, header)."""
    out = []
    for error in errors:
        out.append({"loc": [_text(part) for part in error.get("loc", ())],
                    "message": _text(error.get("msg", "")), "code": _text(error.get("type", ""))})
    return out


def _summary(errors: list[dict[str, Any]]) -> str:
    if not errors:
        return "the request is not valid"
    first = errors[0]
    where = ".".join(first["loc"]) or "the request"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['message']}{more}"


def install(api: NinjaAPI) -> None:
    """Make every error of ``api`` a :class:`Problem`."""

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = validation_errors(exc.errors)
        return problem(422, _summary(errors), errors=errors)

    @api.exception_handler(FieldProblem)
    def field_problem(request: HttpRequest, exc: FieldProblem) -> HttpResponse:
        errors = [{"loc": exc.loc, "message": exc.message, "code": exc.code}]
        return problem(422, _summary(errors), errors=errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(401, "send a device token or an API key: Authorization: Bearer <token>",
                       headers={"WWW-Authenticate": 'Bearer realm="pollwatch"'})

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:  # django-ninja's "Cannot parse request body": not JSON
            errors = [{"loc": ["body"], "message": str(exc), "code": "json_invalid"}]
            return problem(422, f"body: {exc}", errors=errors)
        return problem(exc.status_code, str(exc))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(404, "not found")

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(403, str(exc) or "not allowed")

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return problem(413, "the request body is too large; nothing was stored")

    @api.exception_handler(RateLimited)
    def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        return problem(429, exc.detail, headers={"Retry-After": str(exc.retry_after)})

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("api: %s %s failed", request.method, request.path)
        return problem(500, "the server failed; the error is logged")


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain the NUL character (U+0000)")
    return value


#: A text parameter (query or path): NUL, which no database column can hold, is refused (422).
Text = Annotated[str, AfterValidator(_no_nul)]
#: A database id or number parameter: within what the databases can hold.
Id = Annotated[int, PydField(ge=0, le=2**63 - 1)]
