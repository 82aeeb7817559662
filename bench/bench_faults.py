"""Fault run: concurrent clients post reports for 30 s while web workers are killed with kill -9.

The server runs as docs/operations.md says, with ``pollwatch serve`` (gunicorn, the application
loaded before forking) on PostgreSQL (a fresh database, ``pollwatch_bench_faults``). Each client
behaves like a phone: it posts a checklist with a new key and, when the connection breaks or no
answer comes within the client timeout, sends the same report again (same key) after a short
pause, until it is answered. Several times during the run a worker process is killed with
SIGKILL; the run notes how long the master takes to have all its workers again.

Prints acknowledged reports, how many of them are stored, lost (goal 0) and doubled (goal 0),
client timeouts, connection errors and resends; exits 1 if any report was lost or doubled.

    .venv/bin/python bench/bench_faults.py [--duration 30] [--clients 16] [--kills 5]
    .venv/bin/python bench/bench_faults.py --no-preload   # plain gunicorn without --preload, to compare
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
import time
from pathlib import Path

os.environ.setdefault("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/pollwatch_bench_faults")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_intake as intake  # noqa: E402

ROOT = intake.ROOT
CLIENT_TIMEOUT = 5.0  # seconds a phone waits for an answer before it gives up and resends


def start_server(port: int, workers: int, threads: int, preload: bool) -> subprocess.Popen:
    if preload:
        command = [sys.executable, "-m", "pollwatch.cli", "serve", "--bind", f"127.0.0.1:{port}",
                   "--workers", str(workers), "--threads", str(threads), "--log-level", "error",
                   "--max-requests", "0"]
    else:  # how the server ran before `pollwatch serve`: each new worker imports Django itself
        command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "pollwatch.wsgi:application",
                   "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "gthread",
                   "--threads", str(threads), "--log-level", "error"]
    process = subprocess.Popen(command, cwd=ROOT, env=intake.server_env(), start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(worker_pids(process.pid)) == workers:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return process
            except OSError:
                pass
        time.sleep(0.2)
    intake.stop_server(process)
    raise SystemExit("the server did not start")


def worker_pids(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


class Stats:
    def __init__(self) -> None:
        self.acknowledged: set[str] = set()
        self.created: collections.Counter = collections.Counter()
        self.sent: set[str] = set()
        self.refused: collections.Counter = collections.Counter()
        self.status: collections.Counter = collections.Counter()
        self.timeouts = 0
        self.errors: collections.Counter = collections.Counter()
        self.resends = 0
        self.latencies: list[float] = []  # first send to acknowledgement, per report


async def send(port: int, request: bytes) -> tuple[int, bool, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    status, _body, _close = await intake.read_response(reader)
    return status, True, writer


async def client(port: int, identity: dict, deadline: float, stats: Stats, seed: int) -> None:
    rng = random.Random(seed)
    reader = writer = None
    while time.monotonic() < deadline:
        body = intake.new_body(rng, rng.choice(identity["stations"]))
        key = json.loads(body)["key"]
        stats.sent.add(key)
        request = (f"POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                   f"Authorization: Bearer {identity['token']}\r\nContent-Type: application/json\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        first = time.perf_counter()
        attempt = 0
        # A phone keeps trying a report until it is answered (here: for 30 s after the run).
        while time.monotonic() < deadline + 30:
            attempt += 1
            if attempt > 1:
                stats.resends += 1
                await asyncio.sleep(min(0.1 * 2 ** (attempt - 2), 2.0) * (0.5 + rng.random()))
            try:
                if writer is None:
                    reader, writer = await asyncio.wait_for(
                        asyncio.open_connection("127.0.0.1", port), CLIENT_TIMEOUT)
                writer.write(request)
                await writer.drain()
                status, _payload, close = await asyncio.wait_for(intake.read_response(reader), CLIENT_TIMEOUT)
            except TimeoutError:
                stats.timeouts += 1
                writer.close() if writer is not None else None
                writer = None
                continue
            except (OSError, asyncio.IncompleteReadError) as exc:
                stats.errors[type(exc).__name__] += 1
                writer = None
                continue
            stats.status[status] += 1
            if close:
                writer.close()
                writer = None
            if status in (200, 201):
                stats.acknowledged.add(key)
                stats.latencies.append(time.perf_counter() - first)
                if status == 201:
                    stats.created[key] += 1
                break
            if status < 500:
                stats.refused[status] += 1
                break
    if writer is not None:
        writer.close()


async def killer(master: int, workers: int, kills: int, duration: float, log: list) -> None:
    """Kill a random worker with SIGKILL at evenly spaced moments; note the time until the master
    has all its workers again."""
    started = time.monotonic()
    rng = random.Random(intake.SEED)
    for n in range(kills):
        await asyncio.sleep(max(0.0, started + duration * (n + 0.5) / kills - time.monotonic()))
        pids = worker_pids(master)
        if not pids:
            continue
        victim = rng.choice(pids)
        os.kill(victim, signal.SIGKILL)
        killed = time.monotonic()
        while time.monotonic() - killed < 20:
            now = worker_pids(master)
            if len(now) >= workers and victim not in now:
                break
            await asyncio.sleep(0.01)
        log.append((killed - started, victim, time.monotonic() - killed))


async def run(port: int, master: int, identities: list[dict], args) -> tuple[Stats, list]:
    stats, log = Stats(), []
    deadline = time.monotonic() + args.duration
    await asyncio.gather(
        killer(master, args.workers, args.kills, args.duration, log),
        *[client(port, identities[i % len(identities)], deadline, stats, intake.SEED + i)
          for i in range(args.clients)])
    return stats, log


def count(stats: Stats) -> dict[str, int]:
    import psycopg

    with psycopg.connect(intake.PG_BENCH) as connection:
        rows, keys = connection.execute(
            "SELECT count(*), count(DISTINCT key) FROM submissions_submission").fetchone()
        stored = {row[0] for row in connection.execute("SELECT key FROM submissions_submission")}
    return {"rows": rows, "stored": len(stats.acknowledged & stored),
            "lost": len(stats.acknowledged - stored),
            "doubled": rows - keys + sum(1 for n in stats.created.values() if n > 1),
            "unanswered_stored": len((stats.sent - stats.acknowledged) & stored),
            "unanswered": len(stats.sent - stats.acknowledged)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--no-preload", action="store_true",
                        help="plain gunicorn without --preload instead of pollwatch serve")
    parser.add_argument("--quick", action="store_true", help="the same run (it is already short)")
    args = parser.parse_args(argv)
    server_name = "gunicorn without preload" if args.no_preload else "pollwatch serve"
    print(f"fault run: {args.clients} clients for {args.duration:.0f} s, {server_name} ({args.workers} "
          f"workers x {args.threads} threads), {args.kills} workers killed with kill -9, client timeout "
          f"{CLIENT_TIMEOUT:.0f} s, PostgreSQL {intake.PG_BENCH}", flush=True)
    intake.fresh_database()
    identities_file = ROOT / "data" / "bench-faults-clients.json"
    identities_file.parent.mkdir(exist_ok=True)
    started = time.monotonic()
    subprocess.run([sys.executable, intake.__file__, "--seed-into", str(identities_file)], cwd=ROOT,
                   env=intake.server_env(), check=True)
    identities = json.loads(identities_file.read_text())
    print(f"  seeded {len(identities)} observers in {time.monotonic() - started:.1f} s", flush=True)
    port = intake.free_port()
    server = start_server(port, args.workers, args.threads, preload=not args.no_preload)
    try:
        stats, log = asyncio.run(run(port, server.pid, identities, args))
    finally:
        intake.stop_server(server)
    for at, pid, back in log:
        print(f"  kill -9 worker {pid} at {at:4.1f} s: all {args.workers} workers again after "
              f"{back * 1000:.0f} ms")
    rows = count(stats)
    slowest = max(stats.latencies, default=float("nan"))
    print(f"  answers {dict(sorted(stats.status.items()))}; resends {stats.resends}; connection errors "
          f"{dict(stats.errors) or 0}; refused {dict(stats.refused) or 0}")
    print(f"  client timeouts (no answer in {CLIENT_TIMEOUT:.0f} s): {stats.timeouts}; slowest report from "
          f"first send to acknowledgement {slowest:.1f} s; p99 "
          f"{intake.percentile(stats.latencies, .99) * 1000:.0f} ms")
    print(f"  acknowledged: {len(stats.acknowledged)}   stored: {rows['stored']}   lost: {rows['lost']}   "
          f"doubled: {rows['doubled']}   (submission rows {rows['rows']}; never acknowledged "
          f"{rows['unanswered']}, of them stored {rows['unanswered_stored']})")
    return 0 if rows["lost"] == 0 and rows["doubled"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
