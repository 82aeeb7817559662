"""Intake under load: concurrent observers post checklists to the JSON API for 60 s.

The web server runs as deployed: gunicorn with several worker processes, PostgreSQL, a fresh
database (``pollwatch_bench``), persistent connections, caching on. The load generator runs
on the same machine: asyncio clients on keep-alive connections, each posting complete
opening and voting checklists with a new UUID key; about 5 % of requests resend a report
already sent (some while the first copy is still in flight), which must be answered 200 and
stored nothing new.

Prints accepted submissions per second, p50 and p99 latency, then counts rows to show that
none was lost or doubled; then how fast plain psycopg writes the same rows (one transaction
per report with the same concurrency: the ceiling) and the ratio.

    .venv/bin/python bench/bench_intake.py [--duration 60] [--clients 32] [--workers 4]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BENCH = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/pollwatch_bench")
STATIONS, TEAMS, STATIONS_PER_TEAM = 3000, 300, 10
SEED = 20230319

OPENING = {
    "arrived_at": "06:40", "opened_at": "07:00", "opened_on_time": "yes", "commission_present": 9,
    "party_agents": "yes", "citizen_observers": "no", "international_observers": "no",
    "unauthorised_present": "no", "boxes_shown_empty": "yes", "boxes_sealed": "yes",
    "ballots_counted": "yes", "ballots_received": 2000, "materials_present": "yes",
    "layout_secrecy": "yes", "observers_can_see": "yes", "assessment": "good",
}
VOTING = {
    "arrived_at": "10:15", "departed_at": "11:00", "queues": "no", "disabled_access": "yes",
    "secrecy": "yes", "boxes_sealed": "yes", "id_checked": "yes", "voters_sign": "yes",
    "voting_without_id": "no", "multiple_voting": "no", "family_voting": "no", "proxy_voting": "no",
    "identical_signatures": "no", "stuffing": "no", "pressure": "no", "vote_buying": "no",
    "campaign_material": "no", "unauthorised_directing": "no", "observers_restricted": "no",
    "mobile_voting": "no", "voters_on_list": 1800, "voted_so_far": 640, "complaints": "no",
    "assessment": "good",
}


# --- the database and the world ---------------------------------------------------------------

def fresh_database() -> None:
    import psycopg

    name = PG_BENCH.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def server_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"POLLWATCH_TESTING", "PYTEST_VERSION"}}
    env.update({"DATABASE_URL": PG_BENCH, "SECRET_KEY": "bench-" + "k" * 50, "DEBUG": "0",
                "ALLOWED_HOSTS": "127.0.0.1,localhost", "DATABASE_CONN_MAX_AGE": "600",
                "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "pollwatch.settings",
                # Plain HTTP on 127.0.0.1, no TLS proxy in front (production would redirect).
                "SECURE_SSL_REDIRECT": "0", "PYTHONPATH": str(ROOT)})
    # The rate limits stay on (their cost is measured) but far above what the bench sends.
    env.update({"RATE_LIMIT_TOKEN": "100000/m", "RATE_LIMIT_API_KEY": "100000/m"})
    return env


def seed(path: Path) -> None:
    """Run in a child process: migrate, then build the mission and issue a token per observer."""
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from pollwatch.checklists.services import install_templates
    from pollwatch.elections.models import Area, Election, PollingStation
    from pollwatch.intake.credentials import issue_observer_token
    from pollwatch.missions.models import Assignment, Group, Mission, Observer, Team

    rng = random.Random(SEED)
    election = Election.objects.create(code="bench", name="Bench election", country="KZ",
                                       date=dt.date(2023, 3, 19), default_timezone="Asia/Almaty")
    country = Area.objects.create(election=election, code="KZ", name="Country", level="country",
                                  timezone="Asia/Almaty")
    regions = [Area.objects.create(election=election, parent=country, code=f"R{r}", name=f"Region {r}",
                                   level="region", timezone="Asia/Almaty") for r in range(10)]
    PollingStation.objects.bulk_create([
        PollingStation(election=election, area=regions[i % 10], region=regions[i % 10],
                       code=str(100000 + i), name=f"Station {i}", registered_voters=1500,
                       timezone="Asia/Almaty") for i in range(STATIONS)])
    stations = list(PollingStation.objects.filter(election=election).order_by("code"))
    mission = Mission.objects.create(election=election, code="bench", name="Bench mission")
    group = Group.objects.create(mission=mission, code="g", name="Group")
    install_templates(mission, "bench")
    clients = []
    for t in range(TEAMS):
        team = Team.objects.create(mission=mission, group=group, code=f"t{t}")
        mine = rng.sample(stations, STATIONS_PER_TEAM)
        Assignment.objects.bulk_create([
            Assignment(team=team, station=s, phase=phase, report_due_at=mission.report_due_utc(s, phase))
            for s in mine for phase in ("opening", "voting", "closing")])
        for member in range(2):
            observer = Observer.objects.create(mission=mission, group=group,
                                               full_name=f"Observer {t}-{member}",
                                               phone=f"+7701{t:03d}{member:04d}")
            team.members.add(observer)
            token = issue_observer_token(observer, "bench")[1]
            clients.append({"token": token, "stations": [s.code for s in mine]})
    path.write_text(json.dumps(clients))


# --- the server ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "pollwatch.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "gthread",
               "--threads", str(threads), "--keep-alive", "30", "--backlog", "2048",
               "--log-level", "warning", "--timeout", "60", "--preload"]
    process = subprocess.Popen(command, cwd=ROOT, env=server_env(), start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise SystemExit("gunicorn did not start")


def stop_server(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


# --- the load -----------------------------------------------------------------------------------

class Stats:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.status: collections.Counter = collections.Counter()
        self.created: collections.Counter = collections.Counter()  # key -> 201 answers
        self.answered: set[str] = set()  # keys answered 200 or 201
        self.in_flight: collections.deque = collections.deque(maxlen=64)
        self.recent: collections.deque = collections.deque(maxlen=2000)
        self.retries = 0
        self.errors: collections.Counter = collections.Counter()


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, body, headers.get("connection", "").lower() == "close"


def new_body(rng: random.Random, station: str) -> bytes:
    form, answers = ("opening", OPENING) if rng.random() < 0.5 else ("voting", VOTING)
    return json.dumps({"key": str(uuid.uuid4()), "form": form, "station": station,
                       "answers": answers, "observed_at": "2023-03-19T02:30:00Z"}).encode()


async def client(port: int, identity: dict, deadline: float, stats: Stats, seed_value: int) -> None:
    rng = random.Random(seed_value)
    reader = writer = None
    while time.monotonic() < deadline:
        pool = stats.in_flight if stats.in_flight and rng.random() < 0.5 else stats.recent
        retry = rng.random() < 0.05 and len(pool) > 0
        if retry:
            token, body = pool[rng.randrange(len(pool))]
            stats.retries += 1
        else:
            token, body = identity["token"], new_body(rng, rng.choice(identity["stations"]))
        key = json.loads(body)["key"]
        request = (f"POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                   f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        entry = (token, body)
        if not retry:
            stats.in_flight.append(entry)
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status, _payload, close = await read_response(reader)
            stats.latencies.append(time.perf_counter() - started)
        except (OSError, asyncio.IncompleteReadError) as exc:
            stats.errors[type(exc).__name__] += 1
            writer = None
            continue
        stats.status[status] += 1
        if status in (200, 201):
            stats.answered.add(key)
            if status == 201:
                stats.created[key] += 1
            if not retry:
                stats.recent.append(entry)
        if close:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def load(port: int, identities: list[dict], clients: int, duration: float,
               stats: Stats | None = None) -> Stats:
    stats = stats or Stats()
    deadline = time.monotonic() + duration
    await asyncio.gather(*[client(port, identities[i % len(identities)], deadline, stats, SEED + i)
                           for i in range(clients)])
    return stats


# --- verification and the ceiling ---------------------------------------------------------------

def count_rows(stats: Stats) -> dict[str, int]:
    import psycopg

    with psycopg.connect(PG_BENCH) as connection:
        one = connection.execute
        submissions = one("SELECT count(*), count(DISTINCT key) FROM submissions_submission").fetchone()
        reports = one("SELECT count(*), coalesce(sum(retries), 0) FROM intake_inboundreport "
                      "WHERE status = 'processed'").fetchone()
        stored = {row[0] for row in one("SELECT key FROM submissions_submission")}
        records = one("SELECT coalesce(sum(submission_count), 0) FROM submissions_stationrecord").fetchone()
    lost = len(stats.answered - stored)
    doubled = submissions[0] - submissions[1] + sum(1 for n in stats.created.values() if n > 1)
    return {"submissions": submissions[0], "distinct_keys": submissions[1], "reports": reports[0],
            "retries_logged": reports[1], "answered_keys": len(stats.answered), "lost": lost,
            "doubled": doubled, "unexpected": len(stored - stats.answered),
            "record_count": records[0]}


def ceiling(rows: int, concurrency: int) -> float:
    """Plain psycopg writing the same rows (an inbound report, a submission, the station
    record's upsert) one transaction per report, with the same concurrency: reports/s."""
    import psycopg

    with psycopg.connect(PG_BENCH, autocommit=True) as connection:
        for table in ("intake_inboundreport", "submissions_submission", "submissions_stationrecord"):
            connection.execute(f"DROP TABLE IF EXISTS ceiling_{table}")
            connection.execute(f"CREATE TABLE ceiling_{table} (LIKE {table} INCLUDING ALL)")
        sample = connection.execute(
            "SELECT r.channel, r.mission_id, r.sender, r.observer_id, r.content_hash, r.payload,"
            " r.meta::text, s.form_id, s.form_version_id, s.station_id, s.phase, s.team_id,"
            " s.answers::text, s.flags::text"
            " FROM submissions_submission s JOIN intake_inboundreport r ON r.id = s.inbound_id"
            " LIMIT 2000").fetchall()
    if not sample:
        return 0.0
    counter = iter(range(rows))
    lock = threading.Lock()

    def work() -> None:
        with psycopg.connect(PG_BENCH) as connection:
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                row = sample[n % len(sample)]
                key = f"ceiling-{n}"
                with connection.transaction():
                    report = connection.execute(
                        "INSERT INTO ceiling_intake_inboundreport (channel, gateway, mission_id, sender,"
                        " observer_id, key, content_hash, content_type, payload, meta, received_at, status,"
                        " reason, attempts, errors, reply, retries) VALUES (%s, '', %s, %s, %s, %s, %s,"
                        " 'application/json', %s, %s::jsonb, now(), 'processed', '', 1, '[]', '', 0)"
                        " RETURNING id", (row[0], row[1], row[2], row[3], key, row[4], row[5], row[6])
                    ).fetchone()[0]
                    connection.execute(
                        "INSERT INTO ceiling_submissions_submission (mission_id, form_id, form_version_id,"
                        " station_id, phase, observer_id, team_id, channel, key, answers, received_at,"
                        " revision, is_current, is_test, flags, inbound_id) VALUES (%s, %s, %s, %s, %s, %s,"
                        " %s, %s, %s, %s::jsonb, now(), 1, true, false, %s::jsonb, %s)",
                        (row[1], row[7], row[8], row[9], row[10], row[3], row[11], row[0], key, row[12],
                         row[13], report))
                    connection.execute(
                        "INSERT INTO ceiling_submissions_stationrecord (mission_id, station_id, form_id,"
                        " phase, state, answers, conflicts, resolutions, sections, submission_count,"
                        " has_problem, last_received_at) VALUES (%s, %s, %s, %s, 'complete', %s::jsonb,"
                        " '{}', '{}', '{}', 1, false, now()) ON CONFLICT (mission_id, station_id, form_id)"
                        " DO UPDATE SET submission_count = ceiling_submissions_stationrecord.submission_count"
                        " + 1, answers = EXCLUDED.answers, last_received_at = now()",
                        (row[1], row[9], row[7], row[10], row[12]))

    started = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return rows / (time.perf_counter() - started)


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


def _pids(predicate) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if predicate(int(entry.name), (entry / "cmdline").read_bytes()):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


class CpuMeter:
    """CPU seconds used by the gunicorn workers, PostgreSQL and this load generator."""

    def __init__(self, server: subprocess.Popen) -> None:
        group = os.getpgid(server.pid)
        self.server = _pids(lambda pid, cmd: _same_group(pid, group))
        self.postgres = _pids(lambda pid, cmd: cmd.startswith(b"postgres"))

    def read(self) -> tuple[float, float, float]:
        usage = os.times()
        return _cpu_seconds(self.server), _cpu_seconds(self.postgres), usage.user + usage.system


def _same_group(pid: int, group: int) -> bool:
    try:
        return os.getpgid(pid) == group
    except OSError:
        return False


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 2)))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="10 s instead of 60")
    parser.add_argument("--seed-into", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seed_into:
        seed(Path(args.seed_into))
        return 0
    duration = 10 if args.quick else args.duration
    print(f"intake load test: {args.clients} clients, gunicorn {args.workers} workers x "
          f"{args.threads} threads, {duration:.0f} s, {os.cpu_count()} CPU cores, PostgreSQL {PG_BENCH}",
          flush=True)
    fresh_database()
    identities_file = ROOT / "data" / "bench-intake-clients.json"
    identities_file.parent.mkdir(exist_ok=True)
    started = time.monotonic()
    subprocess.run([sys.executable, __file__, "--seed-into", str(identities_file)], cwd=ROOT,
                   env=server_env(), check=True)
    identities = json.loads(identities_file.read_text())
    print(f"  seeded {STATIONS} stations, {len(identities)} observers with device tokens "
          f"in {time.monotonic() - started:.1f} s", flush=True)
    port = free_port()
    server = start_server(port, args.workers, args.threads)
    try:
        # Warm up every worker and thread: imports, URL resolver, caches, database connections.
        stats = asyncio.run(load(port, identities, args.clients, 5))
        stats.latencies, stats.status, stats.retries = [], collections.Counter(), 0
        meter = CpuMeter(server)
        meter.postgres = _pids(lambda pid, cmd: cmd.startswith(b"postgres"))
        before = meter.read()
        stats = asyncio.run(load(port, identities, args.clients, duration, stats))
        after = meter.read()
    finally:
        stop_server(server)
    accepted = stats.status[201]
    rows = count_rows(stats)
    print(f"  requests: {sum(stats.status.values())} ({dict(sorted(stats.status.items()))}), "
          f"of which {stats.retries} deliberate resends; connection errors {dict(stats.errors) or 0}")
    p50, p99 = (percentile(stats.latencies, share) * 1000 for share in (.5, .99))
    print(f"  accepted submissions: {accepted / duration:,.0f}/s   latency p50 {p50:.1f} ms, "
          f"p99 {p99:.1f} ms")
    used = [b - a for a, b in zip(before, after, strict=True)]
    per = [u / max(accepted + stats.status[200], 1) * 1000 for u in used]
    print(f"  CPU per request: web workers {per[0]:.1f} ms, PostgreSQL {per[1]:.1f} ms, load generator "
          f"{per[2]:.1f} ms; machine load average {os.getloadavg()[0]:.1f} (other processes share the cores)")
    print(f"  rows: {rows['submissions']} submissions ({rows['distinct_keys']} distinct keys), "
          f"{rows['reports']} inbound reports, {rows['retries_logged']} retries logged, "
          f"station records count {rows['record_count']}")
    print(f"  lost: {rows['lost']}   doubled: {rows['doubled']}   stored but never acknowledged: "
          f"{rows['unexpected']}")
    rate = ceiling(max(accepted, 2000), args.clients)
    print(f"  ceiling, plain psycopg writing the same rows (3 statements, 1 transaction per report, "
          f"{args.clients} connections): {rate:,.0f}/s")
    print(f"  ratio accepted/ceiling: {accepted / duration / rate:.0%}" if rate else "  ceiling: no rows")
    ok = rows["lost"] == 0 and rows["doubled"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
