"""The JSON API (mounted at ``/api/v1/``): submit, list, read and correct reports.

Authentication: ``Authorization: Bearer <token>`` with an observer's (or staff member's)
device token or a partner's API key; a signed-in browser session works too (with the CSRF
token). Observers submit and read only their own reports; the mission's staff and API keys
with the ``read`` scope read all of the mission's; API keys with ``submit`` submit as a partner.

``POST /submissions`` answers 201 with the stored submission; a retry with the same ``key``
and the same content 200 with the same submission (header ``Idempotent-Replayed: true``);
the same key with other content 409; a report that cannot be accepted is kept in quarantine
and answered 422 with the reason and every problem found.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from pollwatch import ratelimits
from pollwatch.accounts import audit
from pollwatch.accounts.access import STAFF, access_mission_by_user, may_manage_mission
from pollwatch.missions.models import Mission, Observer
from pollwatch.problems import FieldProblem, Id, RateLimited, Text, responses
from pollwatch.submissions import catalog
from pollwatch.submissions.incidents import incidents_matching
from pollwatch.submissions.models import Channel, Submission
from pollwatch.submissions.services import history_of

from . import credentials, services
from .forms_json import form_definition
from .models import DeviceToken, InboundReport

router = Router(tags=["reports"])
MAX_LIMIT = 500
#: The largest ``offset`` a list accepts (databases refuse larger ones; nobody pages that far).
MAX_OFFSET = 2**31 - 1


def _rate_limit(request: HttpRequest, principal: credentials.Principal) -> None:
    """Count the request against its credential's rate (pollwatch/ratelimits.py); raise
    :class:`RateLimited` (429) over it, before the endpoint runs, so nothing is stored."""
    if principal.api_key is not None:
        setting, kind = "RATE_LIMIT_API_KEY", "api-key"
        who = f"api-key:{principal.api_key.pk}"
    elif principal.device_token is not None:
        setting, kind = "RATE_LIMIT_TOKEN", "device-token"
        who = f"token:{principal.device_token.pk}"
    elif principal.user is not None:
        setting, kind, who = "RATE_LIMIT_TOKEN", "session", f"user:{principal.user.pk}"
    else:
        return
    retry_after = ratelimits.check(request, setting, kind, who, label=principal.label)
    if retry_after is not None:
        raise RateLimited(f"too many requests with this {kind.replace('-', ' ')}; "
                          f"retry in {retry_after} s", retry_after)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> credentials.Principal | None:
        if "\x00" in token:
            return None
        principal = credentials.principal_for_secret(token)
        if principal is not None:
            request.principal = principal  # type: ignore[attr-defined]
            _rate_limit(request, principal)
        return principal


class BrowserSession(SessionAuth):
    """The signed-in browser's session. Without one the request is not authenticated (401,
    before any CSRF check); with one, an unsafe method needs the CSRF token (403)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header")
        return request.COOKIES.get(self.param_name)

    def __call__(self, request: HttpRequest) -> credentials.Principal | None:
        self._get_key(request)
        return self.authenticate(request, None)

    def authenticate(self, request: HttpRequest, key: str | None) -> credentials.Principal | None:
        if not request.user.is_authenticated:
            return None
        principal = credentials.principal_for_user(request.user)
        request.principal = principal  # type: ignore[attr-defined]
        _rate_limit(request, principal)
        return principal


AUTH = [BearerToken(), BrowserSession()]


# --- schemas --------------------------------------------------------------------------------

class SubmissionIn(Schema):
    key: str = Field(..., min_length=8, max_length=128,
                     description="Idempotency key: a UUID the client generates once per report")
    form: str = Field("", description="Form code, e.g. opening")
    form_version: int | None = Field(None, description="Version number; default the published one")
    station: str | None = Field(None, description="Polling station code")
    answers: dict[str, Any] = Field(..., description="Question name -> answer")
    observed_at: dt.datetime | None = Field(None, description="When it was filled (device clock)")
    mission: str | None = Field(None, description="Mission code (staff only; others have one)")
    replaces: str | None = Field(None, description=(
        "Key of an earlier report of yours that is in quarantine: it is discarded in favour of "
        "this one (the observer web page resends a rejected report this way)"))


class CorrectionIn(Schema):
    key: str = Field(..., min_length=8, max_length=128)
    answers: dict[str, Any]
    form_version: int | None = None
    station: str | None = None
    observed_at: dt.datetime | None = None


class FlagOut(Schema):
    code: str
    message: str = ""


class RevisionOut(Schema):
    id: int
    key: str
    revision: int
    is_current: bool
    received_at: dt.datetime
    channel: str


class SubmissionOut(Schema):
    id: int
    key: str
    status: str = "accepted"
    replayed: bool = False
    mission: str
    form: str
    form_version: int
    station: str | None
    observer: int | None
    team: int | None
    channel: str
    answers: dict[str, Any]
    observed_at: dt.datetime | None
    received_at: dt.datetime
    revision: int
    supersedes: int | None
    is_current: bool
    is_test: bool
    flags: list[dict[str, Any]]
    history: list[RevisionOut] | None = None


class SubmissionPage(Schema):
    items: list[SubmissionOut]
    next_offset: int | None


class IncidentOut(Schema):
    id: int
    submission: int | None
    station: str | None
    category: str
    severity: str
    status: str
    occurred_at: dt.datetime | None
    reported_at: dt.datetime
    description: str


class DeviceTokenOut(Schema):
    id: int
    label: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class NewDeviceTokenOut(DeviceTokenOut):
    token: str = Field(..., description="Shown once: store it on the device")
    username: str


class DeviceTokenIn(Schema):
    label: str = ""


# --- helpers --------------------------------------------------------------------------------

def _utc(moment: dt.datetime, loc: list[str]) -> dt.datetime:
    """``moment`` in UTC (naive: taken as UTC); a moment outside the years 1-9999 once in UTC
    (``0001-01-01T00:00+05:00``) is a 422 naming ``loc``."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        raise FieldProblem(loc, "the time is outside the years 1 to 9999 in UTC", "out_of_range")


def _principal(request: HttpRequest) -> credentials.Principal:
    return request.auth  # type: ignore[attr-defined,return-value]


def reading_scope(request: HttpRequest, mission_code: str | None = None) -> tuple[Mission, Observer | None]:
    """The mission the caller reads and, for an observer, whose reports they may see."""
    principal = _principal(request)
    if principal.api_key is not None:
        if not principal.api_key.allows("read"):
            raise HttpError(403, "this API key may not read reports")
        return principal.api_key.mission, None
    if principal.observer is not None and not mission_code:
        return principal.observer.mission, principal.observer
    if principal.user is None or not mission_code:
        raise FieldProblem(["query", "mission"], "say which mission (?mission=<code>)", "missing")
    try:
        return access_mission_by_user(principal.user, mission_code, STAFF), None
    except PermissionDenied as exc:
        raise HttpError(403, str(exc))


def submission_out(submission: Submission, *, replayed: bool = False,
                   history: list[Submission] | None = None) -> dict[str, Any]:
    return {
        "id": submission.pk, "key": submission.key, "status": "accepted", "replayed": replayed,
        "mission": submission.mission.code, "form": submission.form.code,
        "form_version": submission.form_version.number,
        "station": submission.station.code if submission.station_id else None,
        "observer": submission.observer_id, "team": submission.team_id,
        "channel": submission.channel, "answers": submission.answers,
        "observed_at": submission.observed_at, "received_at": submission.received_at,
        "revision": submission.revision, "supersedes": submission.supersedes_id,
        "is_current": submission.is_current, "is_test": submission.is_test,
        "flags": submission.flags,
        "history": [{"id": s.pk, "key": s.key, "revision": s.revision, "is_current": s.is_current,
                     "received_at": s.received_at, "channel": s.channel} for s in history]
        if history is not None else None,
    }


def _answer(received: services.Received) -> HttpResponse:
    """The response, written directly: the declared schemas document it, and skipping their
    validation of our own output saves time on every report."""
    if received.accepted:
        response = JsonResponse(submission_out(received.submission, replayed=received.replayed),
                                status=200 if received.replayed else 201)
    else:
        status = 409 if received.status == "refused" else 422
        body = {"type": "about:blank", "title": "Conflict" if status == 409 else "Unprocessable Content",
                "status": status, "detail": received.reason, "outcome": received.status,
                "report": received.report.pk, "key": received.report.key,
                "reason": received.reason, "errors": received.errors}
        response = JsonResponse(body, status=status)
    if received.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _submitting_channel(request: HttpRequest, principal: credentials.Principal) -> str:
    if principal.api_key is not None:
        return Channel.PARTNER
    if principal.observer is None:
        return Channel.STAFF
    if request.headers.get("X-Pollwatch-Client") == "web" or principal.device_token is None:
        return Channel.WEB
    return Channel.API


def _submitting_scope(request: HttpRequest, mission_code: str | None) -> tuple[Mission, Observer | None]:
    principal = _principal(request)
    if principal.api_key is not None:
        if not principal.api_key.allows("submit"):
            raise HttpError(403, "this API key may not submit reports")
        return principal.api_key.mission, None
    if principal.observer is not None:
        return principal.observer.mission, principal.observer
    if principal.user is None or not mission_code:
        raise FieldProblem(["body", "mission"], "say which mission the report is for (mission)",
                           "missing")
    try:
        return access_mission_by_user(principal.user, mission_code, STAFF), None
    except PermissionDenied as exc:
        raise HttpError(403, str(exc))


def submit_report(request: HttpRequest, body: Schema, *, mission: Mission, observer: Observer | None,
                  corrects: int | None = None) -> services.Received:
    """Build the inbound report for a JSON submission and receive it."""
    principal = _principal(request)
    data = body.model_dump(mode="json", exclude_none=True)
    data.pop("replaces", None)
    identity = f"observer:{observer.pk}" if observer else principal.label
    meta: dict[str, Any] = {"corrects": corrects} if corrects else {}
    try:
        raw = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raw = json.dumps(data, ensure_ascii=False)
    report = InboundReport(
        channel=_submitting_channel(request, principal), mission=mission, observer=observer,
        sender=principal.label, key=data["key"], content_type="application/json",
        content_hash=services.content_hash("json", identity, corrects or 0, data),
        payload=raw, meta=meta,
    )
    if report.channel == Channel.STAFF and principal.user is not None:
        report.handled_by = principal.user
    return services.receive(report, raw=request.body)


def _discard_replaced(key: str, observer: Observer | None, new_key: str) -> None:
    if not key or observer is None:
        return
    old = InboundReport.objects.filter(key=key, observer=observer,
                                       status=InboundReport.Status.QUARANTINED).first()
    if old is not None:
        services.discard_report(old, f"resent by the observer as {new_key}",
                                audit.SystemActor.for_observer(observer))


# --- endpoints ------------------------------------------------------------------------------

@router.post("/submissions", auth=AUTH, response=responses({200: SubmissionOut, 201: SubmissionOut}, 409),
             summary="Submit a report", url_name="submissions")
def submit(request: HttpRequest, body: SubmissionIn):
    mission, observer = _submitting_scope(request, body.mission)
    received = submit_report(request, body, mission=mission, observer=observer)
    if received.accepted and not received.replayed and body.replaces:
        _discard_replaced(body.replaces, observer, body.key)
    return _answer(received)


@router.get("/submissions", auth=AUTH, response=responses({200: SubmissionPage}), summary="List reports")
def list_submissions(request: HttpRequest, mission: Text | None = None, form: Text | None = None,
                     station: Text | None = None, since: dt.datetime | None = None,
                     current: bool = True, limit: int = 100,
                     offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    scope, observer = reading_scope(request, mission)
    query = (Submission.objects.filter(mission=scope)
             .select_related("mission", "form", "form_version", "station").order_by("-received_at", "-id"))
    if observer is not None:
        query = query.filter(observer=observer)
    if form:
        query = query.filter(form__code=form)
    if station:
        query = query.filter(station__code=station)
    if since:
        query = query.filter(received_at__gte=_utc(since, ["query", "since"]))
    if current:
        query = query.filter(is_current=True)
    limit = max(1, min(limit, MAX_LIMIT))
    rows = list(query[offset:offset + limit + 1])
    return {"items": [submission_out(s) for s in rows[:limit]],
            "next_offset": offset + limit if len(rows) > limit else None}


def _readable_submission(request: HttpRequest, ident: str, mission_code: str | None) -> Submission:
    scope, observer = reading_scope(request, mission_code)
    query = Submission.objects.filter(mission=scope).select_related("mission", "form", "form_version",
                                                                    "station")
    if observer is not None:
        query = query.filter(observer=observer)
    found = (query.filter(pk=int(ident)).first()
             if ident.isascii() and ident.isdigit() and len(ident) < 19 else None)
    # Keys are unique per sender, not per mission: several senders' reports may share one.
    return found or query.filter(key=ident).order_by("id").first() or get_object_or_404(query, pk=None)


@router.get("/submissions/{ident}", auth=AUTH, response=responses({200: SubmissionOut}),
            summary="Read a report and its revisions (by id or key)")
def get_submission(request: HttpRequest, ident: Text, mission: Text | None = None):
    submission = _readable_submission(request, ident, mission)
    return submission_out(submission, history=history_of(submission))


@router.post("/submissions/{submission_id}/corrections", auth=AUTH,
             response=responses({200: SubmissionOut, 201: SubmissionOut}, 409),
             summary="Correct a report (a new revision; the old one is kept)")
def correct(request: HttpRequest, submission_id: Id, body: CorrectionIn, mission: Text | None = None):
    target = _readable_submission(request, str(submission_id), mission)
    principal = _principal(request)
    observer = principal.observer
    if principal.api_key is not None:
        raise HttpError(403, "partners cannot correct reports")
    if observer is None and not may_manage_mission(principal.user, target.mission):
        raise HttpError(403, "only the observer or a coordinator may correct a report")
    received = submit_report(request, body, mission=target.mission, observer=observer,
                             corrects=target.pk)
    return _answer(received)


@router.get("/incidents", auth=AUTH, response=responses({200: list[IncidentOut]}),
            summary="List incidents")
def list_incidents(request: HttpRequest, mission: Text | None = None, status: Text | None = None,
                   limit: int = 100, offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    scope, observer = reading_scope(request, mission)
    query = (incidents_matching(scope, reported_by=observer, statuses=(status,) if status else ())
             .select_related("station").order_by("-reported_at"))
    limit = max(1, min(limit, MAX_LIMIT))
    return [{"id": i.pk, "submission": i.submission_id, "station": i.station.code if i.station_id else None,
             "category": i.category, "severity": i.severity, "status": i.status,
             "occurred_at": i.occurred_at, "reported_at": i.reported_at, "description": i.description}
            for i in query[offset:offset + limit]]


@router.get("/me", auth=AUTH, response=responses({200: dict[str, Any]}),
            summary="The observer, their assignments and forms")
def me(request: HttpRequest):
    from .observer_page import observer_summary

    principal = _principal(request)
    if principal.observer is None:
        raise HttpError(403, "only observers have assignments")
    return observer_summary(principal.observer)


@router.get("/forms", auth=AUTH, response=responses({200: list[dict[str, Any]]}),
            summary="The mission's published forms")
def list_forms(request: HttpRequest, mission: Text | None = None):
    scope, _ = reading_scope(request, mission)
    out = []
    for key, form in sorted(catalog.forms_of_mission(scope.pk).items()):
        version = catalog.current_version(form) if key.startswith("code:") else None
        if version is not None:
            out.append({"code": form.code, "name": form.name_in(), "kind": form.kind,
                        "phase": form.phase, "sms_keyword": form.sms_keyword, "version": version.number})
    return out


@router.get("/forms/{code}", auth=AUTH, response=responses({200: dict[str, Any]}),
            summary="A form's definition, to render it")
def get_form(request: HttpRequest, code: Text, mission: Text | None = None, version: Id | None = None):
    scope, _ = reading_scope(request, mission)
    form = catalog.form_by_code(scope.pk, code)
    if form is None:
        raise HttpError(404, f"no form {code}")
    found = catalog.version_by_number(form, version) if version else catalog.current_version(form)
    if found is None:
        raise HttpError(404, f"the form {code} has no such published version")
    return form_definition(found)


@router.get("/devices", auth=AUTH, response=responses({200: list[DeviceTokenOut]}),
            summary="My device tokens")
def list_devices(request: HttpRequest):
    principal = _principal(request)
    if principal.user is None:
        raise HttpError(403, "API keys have no devices")
    return list(DeviceToken.objects.filter(user=principal.user))


@router.post("/devices", auth=[BrowserSession()], response=responses({201: NewDeviceTokenOut}),
             summary="Issue a device token for the signed-in user (shown once)")
def create_device(request: HttpRequest, body: DeviceTokenIn):
    principal = _principal(request)
    label = body.label or request.headers.get("User-Agent", "")[:60]
    token, secret = credentials.issue_device_token(principal.user, principal.user, label=label,
                                                   observer=principal.observer)
    return Status(201, {"id": token.pk, "label": token.label, "prefix": token.prefix,
                 "created_at": token.created_at, "last_used_at": None, "revoked_at": None,
                 "token": secret, "username": principal.user.username})


@router.delete("/devices/{token_id}", auth=AUTH, response=responses({204: None}),
               summary="Revoke a device token")
def revoke_device(request: HttpRequest, token_id: Id):
    principal = _principal(request)
    token = get_object_or_404(DeviceToken.objects.select_related("mission"), pk=token_id)
    own = principal.user is not None and token.user_id == principal.user.pk
    manages = (principal.user is not None and token.mission_id is not None
               and may_manage_mission(principal.user, token.mission))
    if not (own or manages):
        raise HttpError(404, "Not Found")
    credentials.revoke_device_token(token, principal.user)
    return Status(204, None)
