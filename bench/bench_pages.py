"""Page response times with the demo election on SQLite: every page of every role.

Builds the demo (``pollwatch demo --no-serve``: 10,223 polling stations, 69 observers, the
election-day reports its steps add) into a temporary SQLite database, signs in each role with
Django's test client, and times every page: the first hit (cold: caches empty) and the median
of several more. Prints every page with its query count, then the slowest page against the
target of 300 ms. When the demo holds no election-day reports (its simulation step is not
installed), the benchmark first files a day of reports itself, through the submissions
service, so the pages have something to show.

    .venv/bin/python bench/bench_pages.py [--hits 5] [--keep DIR]

``--keep DIR`` builds into (or reuses) DIR instead of a temporary directory.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300


def _environment(directory: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"DATABASE_URL": f"sqlite:///{directory / 'bench.sqlite3'}",
                "POLLWATCH_DATA_DIR": str(directory), "POLLWATCH_DEMO": "1", "POLLWATCH_TESTING": "0",
                "DEBUG": "0", "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
                "DJANGO_SETTINGS_MODULE": "pollwatch.settings", "LOG_LEVEL": "WARNING"})
    env.pop("PYTEST_VERSION", None)
    return env


def build_demo(directory: Path) -> float:
    if (directory / "bench.sqlite3").exists():
        return 0.0
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", "import sys; from pollwatch.cli import main; sys.exit(main())",
                    "demo", "--no-serve"], cwd=ROOT, env=_environment(directory), check=True,
                   stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def _setup_django(directory: Path) -> None:
    os.environ.update(_environment(directory))
    os.environ.pop("PYTEST_VERSION", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def pages(mission) -> list[tuple[str, str, str]]:
    """(role, label, url) of every page to time."""
    from django.urls import NoReverseMatch, reverse

    from pollwatch.checklists.models import Form
    from pollwatch.submissions.models import Incident, StationRecord

    code = mission.code
    station = (StationRecord.objects.filter(mission=mission).order_by("-submission_count")
               .values_list("station_id", flat=True).first())
    incident = Incident.objects.filter(mission=mission).values_list("pk", flat=True).first()
    contest = mission.election.contests.order_by("ballot_order").first()
    found = []

    def add(role: str, label: str, name: str, *args, query: str = "") -> None:
        with contextlib.suppress(NoReverseMatch):  # a page another app has not added yet
            found.append((role, label, reverse(name, args=args) + query))

    for role in ("coordinator", "analyst"):
        add(role, "mission overview", "dashboard:mission", code)
        for phase in ("opening", "voting", "closing"):
            add(role, f"coverage ({phase})", "dashboard:coverage", code, query=f"?phase={phase}")
        add(role, "coverage map data", "dashboard:coverage_data", code, query="?phase=voting")
        add(role, "overdue reports", "dashboard:overdue", code)
        add(role, "incident board", "dashboard:incidents", code)
        if incident:
            add(role, "incident", "dashboard:incident", code, incident)
        for form in Form.objects.filter(mission=mission, kind__in=["opening", "voting", "closing"]):
            add(role, f"findings ({form.code})", "dashboard:findings", code, query=f"?form={form.code}")
        add(role, "findings drill-down", "dashboard:findings_drill", code, "voting",
            query="?question=assessment&answer=bad,very_bad")
        add(role, "observers and teams", "dashboard:people", code)
        add(role, "messages", "dashboard:messages", code)
        add(role, "quick count", "dashboard:quick_count", code)
        add(role, "forensics", "dashboard:forensics", code)
        add(role, "stations", "dashboard:stations", code)
        if station:
            add(role, "station page", "dashboard:station", code, station)
        add(role, "quarantine", "intake:quarantine", code)
        add(role, "results", "results:home", code)
        if contest:
            add(role, "discrepancies", "results:discrepancies", code, contest.code)
    add("coordinator", "audit log", "dashboard:audit", code)
    add("observer", "observer page", "intake:observe_home")
    add("observer", "observer notices", "dashboard:observer_notices")
    found.append(("observer", "observer API /me", "/api/v1/me"))
    return found


def time_pages(mission, hits: int) -> list[dict]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pollwatch.accounts.models import User

    users = {"coordinator": User.objects.get(username="coordinator"),
             "analyst": User.objects.get(username="analyst"),
             "observer": User.objects.get(username="observer")}
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    results = []
    for role, label, url in pages(mission):
        client = clients[role]
        started = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        cold = (time.perf_counter() - started) * 1000
        times = []
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        count = len(queries)  # read now: the log is cleared at the next request
        for _ in range(hits):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        results.append({"role": role, "page": label, "url": url, "status": response.status_code,
                        "cold_ms": cold, "median_ms": statistics.median(times), "queries": count})
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=5, help="timed hits per page after the first (5)")
    parser.add_argument("--keep", type=Path, help="build into (or reuse) this directory")
    parser.add_argument("--quick", action="store_true", help="3 hits per page")
    args = parser.parse_args(argv)
    hits = 3 if args.quick else args.hits
    directory = args.keep or Path(tempfile.mkdtemp(prefix="pollwatch-bench-pages-"))
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "static").mkdir(exist_ok=True)
    seconds = build_demo(directory)
    _setup_django(directory)
    from pollwatch.demo.simulate import fill_day_if_empty
    from pollwatch.elections.models import PollingStation
    from pollwatch.missions.models import Mission
    from pollwatch.submissions.models import Submission

    mission = Mission.objects.select_related("election").get(code="cis-2023")
    filled = fill_day_if_empty(mission)
    print(f"Demo on SQLite ({directory}): {PollingStation.objects.count():,} polling stations, "
          f"{mission.observers.count()} observers, {Submission.objects.filter(mission=mission).count():,} "
          f"reports{f' ({filled} filed by this benchmark)' if filled else ''}; built in {seconds:.1f} s.")
    results = time_pages(mission, hits)
    print(f"\n{'role':<12} {'page':<28} {'status':>6} {'queries':>7} {'cold ms':>8} {'median ms':>9}")
    for row in sorted(results, key=lambda r: -r["median_ms"]):
        print(f"{row['role']:<12} {row['page'][:28]:<28} {row['status']:>6} {row['queries']:>7} "
              f"{row['cold_ms']:>8.0f} {row['median_ms']:>9.1f}")
    failures = [r for r in results if r["status"] >= 400]
    slowest = max(results, key=lambda r: r["median_ms"])
    cold = max(results, key=lambda r: r["cold_ms"])
    verdict = "within" if slowest["median_ms"] < TARGET_MS else "OVER"
    print(f"\nSlowest page: {slowest['page']} ({slowest['role']}, {slowest['url']}): "
          f"median {slowest['median_ms']:.0f} ms of {hits} hits, {verdict} the {TARGET_MS} ms target.")
    print(f"Slowest first hit (empty caches): {cold['page']} ({cold['role']}): {cold['cold_ms']:.0f} ms.")
    if failures:
        print("Pages that failed: " + ", ".join(f"{r['page']} ({r['status']})" for r in failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
