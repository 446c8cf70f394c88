"""The production profile (issue 13 item 12): deploy/ and docs/deploy.md.

The environment file of deploy/ gives settings that `openpso check --deploy` finds nothing
to say about, the HTTPS redirect does not loop behind the TLS proxy, the systemd units verify,
and the nginx site writes no access-log line that gunicorn's own logger keeps quiet.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from openpso.core import gunicorn

REPO = Path(__file__).resolve().parents[4]
DEPLOY = REPO / "deploy"
NGINX_SITE = DEPLOY / "nginx" / "openpso.conf"
HOST = "pso.example.org"


def _production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The services' environment as deploy/openpso.env.example writes it, with a real secret key
    and directories of this test's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPSO_") and k != "DATABASE_URL"}
    for line in (DEPLOY / "openpso.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = line.split("=", 1)
            env[name] = value
    env.update(
        OPENPSO_SECRET_KEY=secrets.token_urlsafe(50),
        OPENPSO_DATA_DIR=str(tmp_path / "data"),
        OPENPSO_KEYS_DIR=str(tmp_path / "keys"),
        **overrides,
    )
    return env


def _run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603


def test_check_deploy_finds_nothing_to_say_about_the_production_settings(tmp_path):
    env = _production_env(tmp_path)
    assert env["OPENPSO_ENV"] == "production"
    result = _run([sys.executable, "-m", "openpso.cli", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stdout + result.stderr


PROBE = """
import json
import django
django.setup()
from django.test import Client
client = Client()
plain = client.get("/healthz", HTTP_HOST="pso.example.org")
proxied = client.get("/healthz", HTTP_HOST="pso.example.org", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "proxied": [proxied.status_code, proxied.get("Strict-Transport-Security")],
    "cookies_secure": [django.conf.settings.SESSION_COOKIE_SECURE, django.conf.settings.CSRF_COOKIE_SECURE],
}))
"""


def test_behind_the_tls_proxy_https_requests_are_served_and_plain_ones_redirected(tmp_path):
    # The database is a throw-away SQLite file: /healthz only asks it for SELECT 1.
    env = _production_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}")
    env["DJANGO_SETTINGS_MODULE"] = "openpso.settings"
    result = _run([sys.executable, "-c", PROBE], env)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, f"https://{HOST}/healthz"]
    # Without OPENPSO_BEHIND_PROXY this would redirect again, for ever.
    assert seen["proxied"] == [200, "max-age=31536000; includeSubDomains; preload"]
    assert seen["cookies_secure"] == [True, True]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_systemd_units_verify(tmp_path):
    """`systemd-analyze verify` exits 0 even on a directive it ignores: any line about a unit fails."""
    openpso = Path(sys.executable).parent / "openpso"  # the units name /opt/openpso/venv/bin/openpso
    units = sorted((DEPLOY / "systemd").iterdir())
    assert {u.name for u in units} >= {"openpso-web.service", "openpso-worker.service"}
    for unit in units:
        (tmp_path / unit.name).write_text(unit.read_text().replace("/opt/openpso/venv/bin/openpso", str(openpso)))
    result = _run(["systemd-analyze", "verify", *(str(tmp_path / u.name) for u in units)], dict(os.environ))
    complaints = [line for line in (result.stdout + result.stderr).splitlines() if str(tmp_path) in line]
    assert result.returncode == 0, result.stdout + result.stderr
    assert not complaints, result.stdout + result.stderr


def test_the_web_unit_runs_no_task_worker_and_the_worker_unit_runs_one():
    web = (DEPLOY / "systemd" / "openpso-web.service").read_text()
    worker = (DEPLOY / "systemd" / "openpso-worker.service").read_text()
    web_start = re.search(r"^ExecStart=(.*)$", web, re.M)
    worker_start = re.search(r"^ExecStart=(.*)$", worker, re.M)
    assert web_start
    assert worker_start
    assert {"serve", "--no-tasks"} <= set(web_start.group(1).split())
    assert worker_start.group(1).split()[1:] == ["worker"]


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_the_nginx_site_parses(tmp_path):
    """Our site inside a minimal nginx.conf, its certificate and log paths moved under tmp_path."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(  # noqa: S603
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    site = (
        NGINX_SITE.read_text()
        .replace(f"/etc/letsencrypt/live/{HOST}/fullchain.pem", str(cert))
        .replace(f"/etc/letsencrypt/live/{HOST}/privkey.pem", str(key))
        .replace("/var/log/openpso", str(tmp_path))
    )
    temp_paths = "".join(f"{kind}_temp_path {tmp_path}/{kind};\n" for kind in ("proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\nclient_body_temp_path {tmp_path}/body;\n{temp_paths}{site}\n}}\n"
    )
    result = _run(["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], dict(os.environ))
    assert "syntax is ok" in result.stderr, result.stderr


def _nginx_map(name: str) -> tuple[list[tuple[str, str]], str]:
    """The entries and default of `map … $name { … }` in the site, as (pattern, value) pairs."""
    found = re.search(r"map\s+\"?[^{]*?\"?\s+\$" + name + r"\s*\{(.*?)\}", NGINX_SITE.read_text(), re.S)
    assert found, name
    entries: list[tuple[str, str]] = []
    default = ""
    for line in found.group(1).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parsed = re.fullmatch(r'("(?:[^"]*)"|\S+)\s+(\S+);', line)
        assert parsed, line
        pattern, value = parsed.group(1).strip('"'), parsed.group(2)
        if pattern == "default":
            default = value
        else:
            entries.append((pattern, value))
    return entries, default


def _nginx_value(name: str, source: str) -> str:
    """nginx's choice in a map: exact strings first, then regexes in order, then the default."""
    entries, default = _nginx_map(name)
    for pattern, value in entries:
        if not pattern.startswith("~") and pattern == source:
            return value
    for pattern, value in entries:
        if pattern.startswith("~") and re.search(pattern[1:], source):
            return value
    return default


def _nginx_logs(method: str, path: str, referer: str) -> bool:
    value = _nginx_value("openpso_loggable", f"{method} {path}")
    if value == "$openpso_referer_loggable":
        value = _nginx_value("openpso_referer_loggable", referer)
    return value not in ("0", "")


CASES = [
    ("GET", "/", ""),
    ("GET", "/reports/", f"https://{HOST}/"),
    ("GET", "/static/openpso/app.css", f"https://{HOST}/reports/"),
    ("GET", "/reports/new/", ""),
    ("GET", gunicorn.ANONYMOUS_PATH, ""),
    ("POST", gunicorn.ANONYMOUS_PATH + "report/abc/", f"https://{HOST}{gunicorn.ANONYMOUS_PATH}"),
    ("GET", "/static/openpso/app.css", f"https://{HOST}{gunicorn.ANONYMOUS_PATH}report/abc/"),
    ("POST", "/reports/new/", f"https://{HOST}/reports/new/"),
    ("GET", "/static/openpso/app.css", f"https://{HOST}/reports/new/?provider=p1"),
]


@pytest.mark.parametrize(("method", "path", "referer"), CASES)
def test_nginx_writes_no_access_line_that_gunicorn_keeps_quiet(method, path, referer):
    """DESIGN invariant 2: the proxy's access log must not date an anonymous report either."""
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "HTTP_REFERER": referer}
    if gunicorn.is_anonymous_request(environ):
        assert not _nginx_logs(method, path, referer)


def test_nginx_still_logs_the_ordinary_pages():
    assert _nginx_logs("GET", "/", "")
    assert _nginx_logs("GET", "/reports/", f"https://{HOST}/")
    assert not _nginx_logs("GET", gunicorn.ANONYMOUS_PATH, "")
