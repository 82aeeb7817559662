"""Every route of the URL configuration, for every role, answers as ROUTES declares.

The test walks ``django.urls``' resolvers: a route that is not in ROUTES fails
``test_every_route_is_in_the_table``, so a new page cannot ship without saying who may open it
(and who may POST to it). To add a route: add one ``Route`` line below, naming the URL to try
(with the ``objects`` fixture's ids) and its rule for GET and for POST.

Rules, by role (see docs/roles.md):

- ``PUBLIC``: everyone, signed in or not.
- ``SIGNED_IN``: any signed-in user; anonymous is sent to sign in.
- ``OBSERVERS``: an observer (of either team); others are refused or sent to sign in.
- ``STAFF``: the mission's analysts and coordinators, and administrators.
- ``MANAGERS``: the mission's coordinators and administrators.
- ``ADMIN``: administrators only.
- ``CREDENTIAL``: the door takes no session rule (a gateway signature, Digest, a token, a
  public asset): every role gets the same answer, so a session never opens it.
- ``None``: the route does not take this method. For GET: everyone is refused (405 counts).
  For POST: whatever the page answers (some render their GET page), nobody's POST writes
  anything to the audit log, and none is a 5xx.

"Allowed" is a 2xx or 3xx answer that is not a redirect to sign in (for a POST also a 400 or
422: the door was open, the empty form was wrong). "Refused" is 401, 403 or 404, or a
redirect to sign in for an anonymous user. A 5xx is always a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

ROLES = ["anonymous", "observer", "observer_other_team", "analyst", "other_coordinator", "coordinator",
         "administrator"]

PUBLIC = frozenset(ROLES)
SIGNED_IN = PUBLIC - {"anonymous"}
OBSERVERS = frozenset({"observer", "observer_other_team"})
STAFF = frozenset({"analyst", "coordinator", "administrator"})
MANAGERS = frozenset({"coordinator", "administrator"})
ADMIN = frozenset({"administrator"})
CREDENTIAL = "credential"


@dataclass(frozen=True)
class Route:
    url: Callable[[SimpleNamespace], str] | str
    get: frozenset | str | None
    post: frozenset | str | None = None
    #: The POST's form data.
    data: dict | None = None
    #: A hole another change closes: the test is expected to fail (strictly) until it does.
    known_hole: bool = False


def m(path: str) -> Callable[[SimpleNamespace], str]:
    """A URL under /m/alpha/ formatted with the objects' ids."""
    return lambda o: "/m/alpha/" + path.format(o=o)


def u(path: str) -> Callable[[SimpleNamespace], str]:
    return lambda o: path.format(o=o)


# The table: one line per route (keyed by its pattern as the resolvers spell it).
ROUTES: dict[str, Route] = {
    # Django's own.
    "i18n/setlang/": Route("/i18n/setlang/", get=PUBLIC, post=PUBLIC, data={"language": "en"}),
    "admin/": Route("/admin/", get=ADMIN, post=None),   # every admin/... route: Django admin's rule
    # Accounts.
    "accounts/login/": Route("/accounts/login/", get=PUBLIC, post=PUBLIC),
    "accounts/logout/": Route("/accounts/logout/", get=None, post=PUBLIC),
    "accounts/home/": Route("/accounts/home/", get=SIGNED_IN),
    "accounts/code/": Route("/accounts/code/", get=PUBLIC, post=PUBLIC),
    # Anyone signed in may set up an authenticator app; staff may be required to (STAFF_TWO_FACTOR).
    "accounts/two-factor/set-up/": Route("/accounts/two-factor/set-up/", get=SIGNED_IN, post=SIGNED_IN),
    "accounts/two-factor/verify/": Route("/accounts/two-factor/verify/", get=SIGNED_IN, post=SIGNED_IN),
    "accounts/two-factor/recovery-codes/": Route("/accounts/two-factor/recovery-codes/", get=SIGNED_IN,
                                                 post=SIGNED_IN),
    "accounts/code/<str:token>/": Route("/accounts/code/no-such-token/", get=CREDENTIAL, post=CREDENTIAL),
    # The JSON API: its rule is the credential (device token, API key or the staff's session),
    # and each endpoint scopes what it answers (tested in intake/tests/test_api.py).
    "api/v1/openapi.json": Route("/api/v1/openapi.json", get=PUBLIC),
    "api/v1/docs": Route("/api/v1/docs", get=PUBLIC),
    # With a session (the staff's door; observers use their device tokens):
    "api/v1/submissions": Route("/api/v1/submissions?mission=alpha", get=STAFF, post=None),
    "api/v1/submissions/<ident>": Route(u("/api/v1/submissions/{o.submission.pk}?mission=alpha"), get=STAFF),
    "api/v1/submissions/<submission_id>/corrections": Route(u("/api/v1/submissions/{o.submission.pk}/corrections"),
                                                            get=None, post=None),
    "api/v1/incidents": Route("/api/v1/incidents?mission=alpha", get=STAFF),
    "api/v1/me": Route("/api/v1/me", get=OBSERVERS),
    "api/v1/forms": Route("/api/v1/forms?mission=alpha", get=STAFF),
    "api/v1/forms/<code>": Route("/api/v1/forms/voting?mission=alpha", get=STAFF),
    "api/v1/devices": Route("/api/v1/devices", get=SIGNED_IN, post=None),
    "api/v1/devices/<token_id>": Route(u("/api/v1/devices/{o.token.pk}"), get=None),
    "api/v1/": Route("/api/v1/", get=CREDENTIAL),
    # The observer's page.
    "observe/": Route("/observe/", get=SIGNED_IN),
    "observe/sw.js": Route("/observe/sw.js", get=PUBLIC),
    "observe/manifest.webmanifest": Route("/observe/manifest.webmanifest", get=PUBLIC),
    "observe/notices/": Route("/observe/notices/", get=OBSERVERS),
    # Gateways and ODK: their credential is the rule.
    "sms/twilio/": Route("/sms/twilio/", get=CREDENTIAL, post=CREDENTIAL),
    "sms/telerivet/": Route("/sms/telerivet/", get=CREDENTIAL, post=CREDENTIAL),
    "sms/rapidpro/receive/": Route("/sms/rapidpro/receive/", get=CREDENTIAL, post=CREDENTIAL),
    "sms/rapidpro/flow/": Route("/sms/rapidpro/flow/", get=CREDENTIAL, post=CREDENTIAL),
    "sms/generic/": Route("/sms/generic/", get=CREDENTIAL, post=CREDENTIAL),
    "sms/status/twilio/": Route("/sms/status/twilio/", get=CREDENTIAL, post=CREDENTIAL),
    "openrosa/formList": Route("/openrosa/formList", get=CREDENTIAL),
    "openrosa/forms/<int:version_id>/form.xml": Route(u("/openrosa/forms/{o.version.pk}/form.xml"),
                                                      get=CREDENTIAL),
    "openrosa/forms/<int:version_id>/manifest": Route(u("/openrosa/forms/{o.version.pk}/manifest"),
                                                      get=CREDENTIAL),
    "openrosa/forms/<int:version_id>/media/<str:name>": Route(u("/openrosa/forms/{o.version.pk}/media/x.png"),
                                                              get=CREDENTIAL),
    "openrosa/submission": Route("/openrosa/submission", get=CREDENTIAL, post=CREDENTIAL),
    # Intake's staff pages.
    "m/<slug:mission>/quarantine/": Route(m("quarantine/"), get=STAFF),
    "m/<slug:mission>/quarantine/<int:report_id>/": Route(m("quarantine/{o.report.pk}/"), get=STAFF,
                                                          post=MANAGERS, data={"action": "none"}),
    "m/<slug:mission>/exports/": Route(m("exports/"), get=STAFF),
    "m/<slug:mission>/exports/<str:what>.<str:fmt>": Route(m("exports/submissions.csv?form=voting"), get=STAFF),
    # The dashboard.
    "": Route("/", get=PUBLIC),
    "m/<slug:mission>/": Route(m(""), get=STAFF),
    "m/<slug:mission>/search/": Route(m("search/?q=Observer"), get=STAFF),
    "m/<slug:mission>/stations/": Route(m("stations/"), get=STAFF),
    "m/<slug:mission>/stations/<int:station_id>/": Route(m("stations/{o.world.station_astana.pk}/"), get=STAFF),
    "m/<slug:mission>/stations/code/<str:code>/": Route(m("stations/code/71001/"), get=STAFF),
    "m/<slug:mission>/meetings/": Route(m("meetings/"), get=STAFF, post=STAFF),
    "m/<slug:mission>/audit/": Route(m("audit/"), get=MANAGERS),
    "m/<slug:mission>/coverage/": Route(m("coverage/"), get=STAFF),
    "m/<slug:mission>/coverage/data.geojson": Route(m("coverage/data.geojson"), get=STAFF),
    "m/<slug:mission>/overdue/": Route(m("overdue/"), get=STAFF),
    "m/<slug:mission>/incidents/": Route(m("incidents/"), get=STAFF),
    "m/<slug:mission>/incidents/<int:incident_id>/": Route(m("incidents/{o.incident.pk}/"), get=STAFF,
                                                           post=MANAGERS, data={"action": "none"}),
    "m/<slug:mission>/incidents/banner/": Route(m("incidents/banner/"), get=STAFF),
    "m/<slug:mission>/submissions/": Route(m("submissions/"), get=STAFF, post=STAFF, data={"ids": ""}),
    "m/<slug:mission>/submissions/<int:submission_id>/": Route(m("submissions/{o.submission.pk}/"), get=STAFF,
                                                               post=STAFF, data={"state": "none"}),
    "m/<slug:mission>/findings/": Route(m("findings/"), get=STAFF),
    "m/<slug:mission>/findings/<slug:form_code>/": Route(m("findings/voting/?question=overall"), get=STAFF),
    "m/<slug:mission>/findings/<slug:form_code>/<str:question>/regions/": Route(m("findings/voting/overall/regions/"),
                                                                                get=STAFF),
    "m/<slug:mission>/people/": Route(m("people/"), get=STAFF),
    "m/<slug:mission>/people/<int:observer_id>/code/": Route(m("people/{o.world.observer_oleg.pk}/code/"),
                                                             get=None, post=MANAGERS),
    "m/<slug:mission>/messages/": Route(m("messages/"), get=STAFF, post=MANAGERS),
    "m/<slug:mission>/messages/<int:notice_id>/": Route(m("messages/{o.notice.pk}/"), get=STAFF, post=MANAGERS),
    "m/<slug:mission>/quick-count/": Route(m("quick-count/"), get=STAFF),
    "m/<slug:mission>/forensics/": Route(m("forensics/"), get=STAFF),
    # Statements: public ones.
    "statements/": Route("/statements/", get=PUBLIC),
    "statements/<slug:mission>/": Route("/statements/alpha/", get=PUBLIC),
    "statements/<slug:mission>/<slug:slug>/": Route("/statements/alpha/published/", get=PUBLIC),
    "statements/<slug:mission>/<slug:slug>/v<int:number>/<str:language>.pdf": Route(
        "/statements/alpha/published/v1/en.pdf", get=PUBLIC),
    "statements/<slug:mission>/<slug:slug>/open-data.csv": Route("/statements/alpha/published/open-data.csv",
                                                                 get=PUBLIC),
    "statements/<slug:mission>/<slug:slug>/figures/<str:key>/": Route(u("/statements/alpha/published/figures/{o.key}/"),
                                                                      get=PUBLIC),
    # Statements: the staff's.
    "m/<slug:mission>/statements/findings/": Route(m("statements/findings/"), get=STAFF, post=STAFF),
    "m/<slug:mission>/statements/findings/<int:finding>/": Route(m("statements/findings/{o.finding.pk}/"),
                                                                 get=STAFF),
    "m/<slug:mission>/statements/findings/<int:finding>/<slug:action>/": Route(
        m("statements/findings/{o.approvable.pk}/approve/"), get=None, post=MANAGERS),
    "m/<slug:mission>/statements/": Route(m("statements/"), get=STAFF, post=STAFF),
    "m/<slug:mission>/statements/<slug:slug>/": Route(m("statements/draft/"), get=STAFF),
    "m/<slug:mission>/statements/<slug:slug>/edit/": Route(m("statements/draft/edit/"), get=STAFF, post=STAFF),
    "m/<slug:mission>/statements/<slug:slug>/figures/<str:key>/": Route(m("statements/published/figures/{o.key}/"),
                                                                        get=STAFF),
    "m/<slug:mission>/statements/<slug:slug>/do/<slug:action>/": Route(m("statements/draft/do/approve/"),
                                                                       get=None, post=MANAGERS),
    # Results.
    "m/<slug:mission>/results/": Route(m("results/"), get=STAFF),
    "m/<slug:mission>/results/import/": Route(m("results/import/"), get=None, post=MANAGERS),
    "m/<slug:mission>/results/mappings/": Route(m("results/mappings/"), get=MANAGERS, post=MANAGERS),
    "m/<slug:mission>/results/batches/<int:batch>/": Route(m("results/batches/{o.batch.pk}/"), get=STAFF),
    "m/<slug:mission>/results/<slug:contest>/discrepancies/": Route(m("results/majilis-list/discrepancies/"),
                                                                    get=STAFF),
    "m/<slug:mission>/results/<slug:contest>/quick-count/": Route(m("results/majilis-list/quick-count/"),
                                                                  get=STAFF),
    "m/<slug:mission>/results/<slug:contest>/seats/": Route(m("results/majilis-list/seats/"), get=STAFF,
                                                            post=MANAGERS),
    "m/<slug:mission>/results/<slug:contest>/forensics/": Route(m("results/majilis-list/forensics/"), get=STAFF),
    "m/<slug:mission>/results/<slug:contest>/nist.json": Route(m("results/majilis-list/nist.json"), get=STAFF),
    # Forms.
    "m/<slug:mission>/forms/": Route(m("forms/"), get=STAFF),
    "m/<slug:mission>/forms/upload/": Route(m("forms/upload/"), get=None, post=MANAGERS),
    "m/<slug:mission>/forms/versions/<int:version>/": Route(m("forms/versions/{o.version.pk}/"), get=STAFF),
    "m/<slug:mission>/forms/versions/<int:version>/publish/": Route(m("forms/versions/{o.version.pk}/publish/"),
                                                                    get=None, post=MANAGERS),
    "m/<slug:mission>/forms/versions/<int:version>/retire/": Route(m("forms/versions/{o.version.pk}/retire/"),
                                                                   get=None, post=MANAGERS),
    "m/<slug:mission>/forms/versions/<int:version>/xform.xml": Route(m("forms/versions/{o.version.pk}/xform.xml"),
                                                                     get=STAFF),
    "m/<slug:mission>/forms/versions/<int:version>/workbook.xlsx": Route(
        m("forms/versions/{o.version.pk}/workbook.xlsx"), get=STAFF),
    # Uploads: no public media route; an observer's photo is theirs and their mission staff's.
    "evidence/<int:evidence>/": Route(u("/evidence/{o.evidence.pk}/"), get=STAFF | {"observer"}),
}

#: Routes under these prefixes follow the one rule of their entry above (Django's admin).
PREFIX_RULES = ("admin/",)


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def configured_routes() -> set[str]:
    routes = set()
    for route in _walk(get_resolver().url_patterns):
        routes.add(next((p for p in PREFIX_RULES if route.startswith(p)), route))
    return routes


def test_every_route_is_in_the_table():
    routes = configured_routes()
    missing = sorted(routes - set(ROUTES))
    assert not missing, ("routes without an entry in ROUTES (say who may open them): "
                         + ", ".join(missing))
    gone = sorted(set(ROUTES) - routes)
    assert not gone, "entries in ROUTES for routes that no longer exist: " + ", ".join(gone)


@pytest.fixture
def objects(world, monkeypatch):
    """One of each object a route names, in mission alpha."""
    from pollwatch.checklists.models import FormVersion
    from pollwatch.dashboard.models import Notice
    from pollwatch.intake import credentials
    from pollwatch.intake.models import InboundReport
    from pollwatch.results.tests.helpers import import_rows
    from pollwatch.statements import services as statements
    from pollwatch.statements.tests.helpers import NEGATIVE_VOTING, voting_reports
    from pollwatch.submissions.models import Incident

    # The PDF's layout is tested in statements; here only its door is.
    monkeypatch.setattr(statements, "render_pdf", lambda html: b"%PDF-1.4 route test")
    form, reports = voting_reports(world)
    submission = reports[0]
    submission.observer = world.observer_oleg
    submission.save(update_fields=["observer"])
    version = FormVersion.objects.filter(form=form).order_by("-pk").first()
    published = statements.create_statement(world.alpha, world.anna, group=world.ipa, slug="published")
    statements.save_statement_text(published, world.anna, "en", title="Published",
                                   sections={"voting": f"Negative in {NEGATIVE_VOTING}."})
    publication = statements.publish_statement(published, world.alice)
    draft = statements.create_statement(world.alpha, world.anna, group=world.ipa, slug="draft")
    finding = statements.create_finding(world.alpha, world.anna, title="Calm", text="Calm.", phase="voting")
    approvable = statements.create_finding(world.alpha, world.anna, title="Queues", text="Queues.",
                                           phase="voting")
    statements.submit_finding(approvable, world.anna)
    statements.review_finding(approvable, world.alice, accept=True)
    incident = Incident.objects.create(mission=world.alpha, station=world.station_astana, category="voting",
                                       reported_at=timezone.now())
    notice = Notice.objects.create(mission=world.alpha, text="Hello", audience="all")
    report = InboundReport.objects.create(mission=world.alpha, channel="sms", key="sms:route-test",
                                          payload="OP 1", status=InboundReport.Status.QUARANTINED,
                                          reason="test", received_at=timezone.now())
    token = credentials.issue_observer_token(world.observer_oleg, "test")[0]
    import_rows(world)
    from pollwatch.results.models import ResultBatch
    batch = ResultBatch.objects.order_by("-pk").first()
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    upload = default_storage.save("forms/route-test.xlsx", ContentFile(b"PK route test"))
    version.xlsform.name = upload
    version.save(update_fields=["xlsform"])
    from pollwatch.submissions.models import Evidence

    photo = default_storage.save("evidence/route-test.jpg", ContentFile(b"\xff\xd8 route test"))
    evidence = Evidence.objects.create(submission=submission, question="photo", file=photo,
                                       content_type="image/jpeg")
    return SimpleNamespace(world=world, submission=submission, version=version, draft=draft,
                           publication=publication, key=next(iter(publication.content["figures"])),
                           finding=finding, approvable=approvable, incident=incident, notice=notice,
                           report=report, token=token, batch=batch, upload=upload,
                           evidence=evidence)


def _client(world, role) -> Client:
    users = {"observer": world.oleg, "observer_other_team": world.olga, "analyst": world.anna,
             "other_coordinator": world.bob, "coordinator": world.alice, "administrator": world.admin}
    client = Client()
    if role != "anonymous":
        client.force_login(users[role])
    return client


def _to_sign_in(response) -> bool:
    return response.status_code == 302 and "/login/" in response.get("Location", "")


def _verdict(response, method) -> str:
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    if status in (401, 403, 404, 405) or _to_sign_in(response):
        return "refused"
    if status < 400 or (method == "POST" and status in (400, 409, 413, 422)):
        return "allowed"
    return f"status {status}"


def _expected(rule, role) -> str:
    return "allowed" if role in rule else "refused"


def _check(objects, name, method):
    route = ROUTES[name]
    if route.known_hole and method == "GET":
        try:
            _check_route(objects, route, method)
        except AssertionError:
            pytest.xfail(f"known hole: {name}")
        pytest.fail(f"{name} is no longer a hole: drop known_hole from its ROUTES entry")
    _check_route(objects, route, method)


def _check_route(objects, route, method):
    rule = route.get if method == "GET" else route.post
    url = route.url(objects) if callable(route.url) else route.url
    problems = []
    answers = {}
    # Refused roles first: their attempt must leave the object as it was for the allowed ones.
    order = sorted(ROLES, key=lambda r: rule is not None and not isinstance(rule, str) and r in rule)
    for role in order:
        client = _client(objects.world, role)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, route.data or {})
        answers[role] = response.status_code
        got = _verdict(response, method)
        if rule == CREDENTIAL or rule is None and method == "POST":
            if got.startswith("error"):
                problems.append(f"{role}: {got}")
            continue
        want = _expected(rule or frozenset(), role)
        if got != want:
            problems.append(f"{role}: {got} ({response.status_code}), expected {want}")
    if rule == CREDENTIAL and len({s for s in answers.values() if s != 429}) > 1:
        problems.append(f"a credential door answers by session role: {answers}")
    assert not problems, f"{method} {url}: " + "; ".join(problems)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_get_answers_each_role_as_declared(objects, name):
    _check(objects, name, "GET")


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.post is not None))
def test_post_answers_each_role_as_declared(objects, name):
    _check(objects, name, "POST")


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.post is None))
def test_a_route_without_post_changes_nothing_on_post(objects, name):
    from pollwatch.accounts.models import AuditEntry

    # Each role's client signs in (an audited event of its own); nothing else may be written.
    changes = AuditEntry.objects.exclude(action=AuditEntry.Action.SIGN_IN)
    before = changes.count()
    _check(objects, name, "POST")
    assert changes.count() == before
