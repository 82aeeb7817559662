"""Import time of a national list of 100,000 polling stations, on SQLite and PostgreSQL.

Prints, per database: the first import (all created), the same file again (all unchanged),
and the file with one station in ten changed. Each database is fresh.
"""

from __future__ import annotations

import csv
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STATIONS = 100_000
REGIONS = 20
DISTRICTS_PER_REGION = 15
ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/pollwatch_bench_import"


def station_file(seed: int, changed_every: int = 0) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "area", "name", "address", "latitude", "longitude",
                     "registered_voters", "kind", "timezone", "opens_at", "closes_at"])
    for i in range(STATIONS):
        region = i % REGIONS
        district = f"R{region:02d}D{(i // REGIONS) % DISTRICTS_PER_REGION:02d}"
        voters = rng.randint(50, 3000)
        if changed_every and i % changed_every == 0:
            voters += 1
        writer.writerow([f"{100000 + i}", district, f"Polling station {i}", f"Street {i % 500}",
                         f"{40 + rng.random() * 15:.5f}", f"{50 + rng.random() * 35:.5f}", voters,
                         "regular", "", "07:00", "20:00"])
    return out.getvalue().encode()


def area_file() -> bytes:
    rows = ["code,parent,level,name,timezone", "C,,country,Country,Asia/Almaty"]
    for r in range(REGIONS):
        rows.append(f"R{r:02d},C,region,Region {r},{'Asia/Oral' if r % 4 == 0 else ''}")
        rows += [f"R{r:02d}D{d:02d},R{r:02d},district,District {r}-{d}," for d in range(DISTRICTS_PER_REGION)]
    return ("\n".join(rows) + "\n").encode()


def run_child() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pollwatch.settings")
    django.setup()
    from django.core.management import call_command

    from pollwatch.elections.models import Election
    from pollwatch.elections.services import import_areas, import_stations

    call_command("migrate", verbosity=0)
    election = Election.objects.create(code="bench", name="Bench", country="KZ", date="2023-03-19",
                                       default_timezone="Asia/Almaty")
    import_areas(election, io.BytesIO(area_file()), "bench")
    first, changed = station_file(1), station_file(1, changed_every=10)
    for label, data in (("first import (100,000 created)", first),
                        ("same file again (all unchanged)", first),
                        ("one station in ten changed", changed)):
        started = time.perf_counter()
        report = import_stations(election, io.BytesIO(data), "bench", name="stations.csv")
        elapsed = time.perf_counter() - started
        print(f"  {label:<34} {elapsed:6.2f} s   ({report.summary()})", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of the process        {peak:6.0f} MB")


def main() -> int:
    env = {**os.environ, "POLLWATCH_TESTING": "1"}
    with tempfile.TemporaryDirectory() as folder:
        print(f"SQLite ({STATIONS:,} stations):", flush=True)
        sqlite = subprocess.run([sys.executable, __file__, "--child"], cwd=ROOT,
                                env={**env, "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3"})
    print(f"PostgreSQL ({STATIONS:,} stations):", flush=True)
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS pollwatch_bench_import")
        connection.execute("CREATE DATABASE pollwatch_bench_import")
    try:
        postgres = subprocess.run([sys.executable, __file__, "--child"], cwd=ROOT,
                                  env={**env, "DATABASE_URL": PG_BENCH})
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS pollwatch_bench_import")
    return sqlite.returncode or postgres.returncode


if __name__ == "__main__":
    if "--child" in sys.argv:
        run_child()
    else:
        sys.exit(main())
