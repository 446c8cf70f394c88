"""ASVS 3.3.3: under the production settings (deploy/openpso.env.example, HTTPS on) the session
and CSRF cookies carry the `__Host-` prefix with what a browser requires of it — Secure, Path=/,
no Domain — so a sibling subdomain cannot plant or overwrite them. Over plain HTTP the prefix
would make browsers drop the cookies, so development keeps Django's names."""

from __future__ import annotations

import json
import sys

from django.conf import settings

from openpso.core.tests.test_deploy import _production_env, _run

# The cookies as Django's own middleware sets them under the production settings. The session
# is kept in a signed cookie here only so the probe needs no database; the cookie's name and
# flags come from the production settings all the same.
PROBE = """
import json
import django
django.setup()
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.test import RequestFactory, override_settings

def view(request):
    request.session["seen"] = True
    get_token(request)
    return HttpResponse()

request = RequestFactory().get("/", secure=True, HTTP_HOST="pso.example.org")
with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies"):
    response = SessionMiddleware(CsrfViewMiddleware(view))(request)
print(json.dumps({
    name: {flag: morsel[flag] for flag in ("secure", "path", "domain")}
    for name, morsel in response.cookies.items()
}))
"""


def test_with_https_the_session_and_csrf_cookies_are_host_prefixed_secure_for_the_whole_site(tmp_path):
    env = _production_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}")
    env["DJANGO_SETTINGS_MODULE"] = "openpso.settings"
    result = _run([sys.executable, "-c", PROBE], env)
    assert result.returncode == 0, result.stderr
    cookies = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(cookies) == {"__Host-sessionid", "__Host-csrftoken"}
    for flags in cookies.values():
        assert flags == {"secure": True, "path": "/", "domain": ""}


def test_over_plain_http_the_cookies_keep_names_a_browser_accepts_without_tls():
    assert not settings.HTTPS
    assert not settings.SESSION_COOKIE_NAME.startswith("__Host-")
    assert not settings.CSRF_COOKIE_NAME.startswith("__Host-")
