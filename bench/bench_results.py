"""Official results and statements at the demo's scale (10,223 polling stations, SQLite).

Prints: the import of a preliminary batch (CSV, every station), a second batch with one station
in a hundred changed and its comparison, each check of the results pages (cold, then with the
current result cached), the NIST export and its validation against the schema, and publishing
a statement in three languages (figures, HTML and a PDF each).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(label: str, func, *args, **kwargs):
    started = time.perf_counter()
    result = func(*args, **kwargs)
    print(f"  {label:<52} {time.perf_counter() - started:7.2f} s", flush=True)
    return result


def run() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pollwatch.settings")
    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    from pollwatch.demo.build import STEPS, build_demo
    from pollwatch.demo.results import add_official_results
    from pollwatch.demo.statements import draft_statement
    from pollwatch.results import nist, services, verification
    from pollwatch.results.models import OfficialResult
    from pollwatch.statements import services as statements

    call_command("migrate", verbosity=0)
    steps = [step for step in STEPS if step not in (add_official_results, draft_statement)]
    demo = timed("demo election, mission and forms", build_demo, steps)
    timed("preliminary batch: 10,223 stations (CSV import)", add_official_results, demo)
    contest = demo.election.contests.get(code="majilis-list")
    first = contest.result_batches.get()
    rows = list(OfficialResult.objects.filter(batch=first).select_related("station")
                .order_by("station__code"))
    text = io.StringIO()
    choices = list(contest.choices.order_by("ballot_number").values_list("code", flat=True))
    figures = ["registered", "received", "issued", "cancelled", "ballots", "valid", "invalid"]
    text.write(",".join(["station", *figures, *choices]) + "\n")
    for i, row in enumerate(rows):
        votes = dict(row.votes)
        if i % 100 == 0:   # ten votes moved from the second choice to the first
            moved = min(10, votes[choices[1]])
            votes[choices[0]] += moved
            votes[choices[1]] -= moved
        text.write(",".join(map(str, [row.station.code, *[row.figures[f] for f in figures],
                                      *[votes[c] for c in choices]])) + "\n")
    data = io.BytesIO(text.getvalue().encode())
    report = timed("final batch, 1 station in 100 changed (import)", services.import_results, demo.election,
                   contest, data, stage="final", actor="bench", name="final.csv")
    print(f"    {report.details['summary']}")
    batches = list(contest.result_batches.order_by("number"))
    timed("comparison of the two batches", services.compare_batches, *batches)
    mission = demo.mission
    for label in ("cold", "cached"):
        if label == "cold":
            cache.clear()
        timed(f"station-by-station discrepancies ({label})", verification.station_discrepancies,
              mission, contest)
        timed(f"seat check ({label})", verification.seat_check, contest)
        timed(f"quick count, national and 21 regions ({label})", verification.quick_count_all,
              mission, contest)
        timed(f"forensics with observers' reports ({label})", verification.forensics_check,
              mission, contest)
    document = timed("NIST export of the official result", nist.export_nist, demo.election,
                     contests=[contest])
    errors = timed("its validation against the schema", nist.schema_errors, document)
    print(f"    {len(document['GpUnit']):,} reporting units, {len(errors)} schema errors")
    timed("draft statement with findings (demo step)", draft_statement, demo)
    statement = mission.statements.get()
    publication = timed("publish: figures, HTML and PDF in 3 languages", statements.publish_statement,
                        statement, "bench")
    sizes = ", ".join(f"{d.language} {d.pdf.size / 1024:.0f} KB" for d in publication.documents.all())
    print(f"    PDFs: {sizes}")


def main() -> int:
    if os.environ.get("BENCH_CHILD"):
        run()
        return 0
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "BENCH_CHILD": "1", "POLLWATCH_DATA_DIR": data_dir, "POLLWATCH_DEMO": "1",
               "DATABASE_URL": "", "POLLWATCH_TESTING": ""}
        env.pop("PYTEST_VERSION", None)
        import subprocess

        print("SQLite, demo election (10,223 stations):", flush=True)
        return subprocess.run([sys.executable, __file__], env=env, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
