"""Imports follow the layers: a lower module never imports a higher one.

The layers, bottom to top (docs/architecture.md says the same)::

    0  base         pollwatch.analysis, pollwatch.formats, pollwatch.problems,
                    pollwatch.files, pollwatch.ratelimits
    1  accounts     users, roles (accounts.roles), memberships, audit, sign-in
    2  elections
    3  missions
    4  checklists
    5  submissions
    6  intake
    7  results | statements   (side by side: neither imports the other)
    8  access       pollwatch.accounts.access, the permission layer: it looks up the domain
                    objects it guards, so it sits above them and below every page
    9  dashboard
    10 demo

A module may import its own app (at any layer) and any app of a lower layer, never a higher
one and never a neighbour of the same layer. The rest of accounts sits at layer 1, so it must
not import ``accounts.access`` either.

Web modules sit above all of it and may import any module: in any app, ``views`` (module or
package), ``*_views``, ``urls``, ``admin``, ``api``, ``forms``, ``templatetags``,
``management`` (commands), ``middleware``, ``context_processors`` and ``apps`` (the app's
wiring), and at the top of the package ``pollwatch.api``, ``pollwatch.urls``,
``pollwatch.settings``, ``pollwatch.wsgi``, ``pollwatch.cli``, and the test support
``pollwatch.conftest``, ``pollwatch.factories``, ``pollwatch.browsertest``. No domain module
imports a web module, not even one of its own app.

Every import counts: at module level, inside a function, and under ``if TYPE_CHECKING:`` (a
typing-only back reference is still a dependency a reader must follow, and a name that needs
it belongs a layer lower). Tests (``tests/``) and migrations (``migrations/``) are left out:
tests drive every layer, and migrations are frozen history.
"""

from __future__ import annotations

import grimp

BASE = ("analysis", "formats", "problems", "files", "ratelimits")

#: Layer of each app, bottom (0) to top. Apps on the same layer are neighbours.
LAYERS: dict[str, int] = {
    **dict.fromkeys(BASE, 0),
    "accounts": 1,
    "elections": 2,
    "missions": 3,
    "checklists": 4,
    "submissions": 5,
    "intake": 6,
    "results": 7,
    "statements": 7,
    "accounts.access": 8,
    "dashboard": 9,
    "demo": 10,
}

#: A module path part that makes a module a web module, in any app.
WEB_PARTS = {"views", "urls", "admin", "api", "forms", "templatetags", "management", "middleware",
             "context_processors", "apps"}

#: Top-level modules of the package that sit with the web modules.
TOP_MODULES = {"api", "urls", "settings", "wsgi", "cli", "conftest", "factories", "browsertest"}

WEB = "web"

#: Back-edges still to remove (issue 11, point 4). Nothing may be added here; each entry goes
#: when its import does. The two demo modules go with the demo's move into pollwatch/demo/.
KNOWN = {
    ("pollwatch.accounts.onetime", "pollwatch.missions.models"),
    ("pollwatch.accounts.onetime", "pollwatch.missions.services"),
    ("pollwatch.accounts.two_factor", "pollwatch.accounts.access"),
    ("pollwatch.checklists.services", "pollwatch.submissions.models"),
    ("pollwatch.intake.credentials", "pollwatch.accounts.access"),
    ("pollwatch.intake.demo", "pollwatch.demo.kazakhstan"),
    ("pollwatch.intake.observer_page", "pollwatch.accounts.access"),
    ("pollwatch.intake.services", "pollwatch.accounts.access"),
    ("pollwatch.results.demo", "pollwatch.demo.kazakhstan"),
    ("pollwatch.statements.services", "pollwatch.accounts.access"),
    ("pollwatch.submissions.services", "pollwatch.intake.models"),
}


def unit(module: str) -> str | None:
    """The layer unit of ``module`` (an app, ``accounts.access`` or :data:`WEB`), or ``None``
    for what the rule leaves out (the package itself, tests, migrations)."""
    parts = module.split(".")[1:]
    if not parts or "tests" in parts or "migrations" in parts:
        return None
    if parts[0] in TOP_MODULES and len(parts) == 1:
        return WEB
    if any(part in WEB_PARTS or part.endswith("_views") for part in parts[1:]):
        return WEB
    if parts[:2] == ["accounts", "access"]:
        return "accounts.access"
    if parts[0] not in LAYERS:
        raise AssertionError(f"{module} is in no layer: add its app to LAYERS in {__name__}")
    return parts[0]


def allowed(importer: str, imported: str) -> bool:
    if importer in (WEB, imported):
        return True
    if imported == WEB:
        return False
    return LAYERS[importer] > LAYERS[imported]


def back_edges(graph: grimp.ImportGraph) -> list[str]:
    found = []
    for importer in sorted(graph.modules):
        source = unit(importer)
        if source is None:
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            target = unit(imported)
            if target is None or allowed(source, target) or (importer, imported) in KNOWN:
                continue
            for detail in graph.get_import_details(importer=importer, imported=imported):
                found.append(f"{importer} -> {imported} (line {detail['line_number']}: "
                             f"{detail['line_contents']})")
    return found


def test_imports_follow_the_layers():
    graph = grimp.build_graph("pollwatch", exclude_type_checking_imports=False, cache_dir=None)
    edges = back_edges(graph)
    assert not edges, "A lower layer imports a higher one:\n  " + "\n  ".join(edges)


def test_the_rule_sees_a_back_edge():
    assert unit("pollwatch.missions.services") == "missions"
    assert unit("pollwatch.accounts.access") == "accounts.access"
    assert unit("pollwatch.dashboard.views.stations") == WEB
    assert unit("pollwatch.accounts.signin_views") == WEB
    assert unit("pollwatch.submissions.tests.test_records") is None
    assert not allowed("missions", "checklists")
    assert not allowed("accounts", "accounts.access")
    assert not allowed("results", "statements")
    assert not allowed("dashboard", WEB)
    assert allowed("accounts.access", "statements")
    assert allowed(WEB, "demo")
