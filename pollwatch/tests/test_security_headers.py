"""Every page carries a Content-Security-Policy without eval or inline scripts, nosniff, a referrer
policy and frame protection; the production settings of docs/operations.md pass
``pollwatch check --deploy`` with no warning."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PAGES = [
    (None, "/accounts/login/"),
    (None, "/statements/"),
    ("alice", "/m/alpha/"),
    ("alice", "/m/alpha/coverage/"),
    ("anna", "/m/alpha/statements/"),
    ("oleg", "/observe/"),
    ("admin", "/admin/"),
    ("admin", "/admin/accounts/user/"),
]


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.mark.parametrize(("persona", "url"), PAGES)
def test_every_page_has_a_strict_content_security_policy_and_the_security_headers(world, client, persona,
                                                                                  url):
    if persona:
        client.force_login(getattr(world, persona))
    response = client.get(url)
    assert response.status_code == 200, url
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    for name, sources in policy.items():
        assert "'unsafe-eval'" not in sources, name
        if name != "style-src-attr":
            assert "'unsafe-inline'" not in sources, name
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(("persona", "url"), [p for p in PAGES if not p[1].startswith("/admin/")])
def test_pollwatch_pages_have_no_inline_script_or_event_handler(world, client, persona, url):
    if persona:
        client.force_login(getattr(world, persona))
    html = client.get(url).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), url


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in (ROOT / "pollwatch").rglob("templates/**/*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
        offenders += [f"{path.relative_to(ROOT)}: {m}" for m in re.findall(r"\son[a-z]+\s*=\s*[\"']", text)]
    assert offenders == []


def test_map_tiles_origin_is_the_only_other_origin_allowed(tmp_path):
    env = _clean_env() | {"DJANGO_SETTINGS_MODULE": "pollwatch.settings", "POLLWATCH_DEMO": "1", "POLLWATCH_DATA_DIR": str(tmp_path),
           "MAP_TILES_URL": "https://tiles.example.org/{z}/{x}/{y}.png"}
    code = "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[\"'self'\", 'data:', 'blob:', 'https://tiles.example.org']"


# --- check --deploy with the documented production environment ---------------------------------

def documented_production_env() -> dict[str, str]:
    """The ``KEY=value`` lines of the sh block in docs/operations.md."""
    text = (ROOT / "docs" / "operations.md").read_text()
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block, "docs/operations.md has no production environment block"
    env = dict(line.split("=", 1) for line in block.group(1).splitlines() if "=" in line)
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"} <= env.keys()
    return env


def _clean_env() -> dict[str, str]:
    drop = {"POLLWATCH_TESTING", "PYTEST_VERSION", "DEBUG", "POLLWATCH_DEMO", "DATABASE_URL", "REDIS_URL",
            "SECURE_COOKIES", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set by the browser fixture in the same test process
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("SECURE_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def check_deploy(tmp_path, **overrides) -> subprocess.CompletedProcess:
    env = _clean_env() | documented_production_env() | {"POLLWATCH_DATA_DIR": str(tmp_path)} | overrides
    return subprocess.run([sys.executable, "-m", "pollwatch.cli", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_documented_production_settings_pass_check_deploy_with_no_warning(tmp_path):
    result = check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_https_is_turned_off(tmp_path):
    result = check_deploy(tmp_path, SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0", SECURE_COOKIES="0")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout, warning
