"""``pollwatch serve`` runs gunicorn with the application loaded before forking: a worker killed
with kill -9 is replaced by a fork and the site keeps answering."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"POLLWATCH_TESTING", "PYTEST_VERSION", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    return env | {"POLLWATCH_DEMO": "1", "POLLWATCH_DATA_DIR": str(tmp_path), "LOG_LEVEL": "WARNING",
                  "PYTHONPATH": str(ROOT)}


def test_serve_preloads_the_application_with_threaded_workers(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pollwatch.cli", "serve", "--check-config", "--workers", "3"],
                         cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True, check=True).stdout
    settings = dict(line.split(" = ", 1) for line in out.splitlines())
    assert settings["preload_app"] == "True"
    assert settings["workers"] == "3"
    assert settings["worker_class"] == "gthread"
    assert settings["graceful_timeout"] == "20"


def test_serve_refuses_zero_workers(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pollwatch.cli", "serve", "--workers", "0"],
                            cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True)
    assert result.returncode != 0
    assert "--workers and --threads must be at least 1" in result.stderr


def _workers(master: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


@pytest.mark.slow
def test_a_killed_worker_is_replaced_and_the_site_keeps_answering(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "pollwatch.cli", "serve", "--bind", f"127.0.0.1:{port}",
                               "--workers", "2", "--log-level", "critical"], cwd=ROOT, env=_env(tmp_path),
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}/accounts/login/"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(_workers(server.pid)) < 2:
            time.sleep(0.1)
        before = _workers(server.pid)
        assert len(before) == 2
        assert urllib.request.urlopen(url, timeout=10).status == 200
        os.kill(before[0], signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            now = _workers(server.pid)
            if len(now) == 2 and before[0] not in now:
                break
            time.sleep(0.05)
        assert before[0] not in now and len(now) == 2
        for _ in range(6):
            response = urllib.request.urlopen(url, timeout=10)
            assert response.status == 200
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
