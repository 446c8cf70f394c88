"""A session's life: a new key at sign-in, gone at sign-out, idle expiry, dead once deactivated.

These pin Django's and allauth's behaviour that docs/security.md (ASVS V7) relies on, so an
upgrade or a settings change that loosens it fails here.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from openpso.testing.cast import PASSWORD


def _session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_signing_in_issues_a_new_session_key(cast):
    client = Client()
    client.get("/accounts/login/")
    client.session.save()  # a session that exists before sign-in, as a fixation attack plants
    before = client.session.session_key
    client.post("/accounts/login/", {"login": "reporter@cast.test", "password": PASSWORD})
    assert client.get("/").status_code == 200
    assert _session_key(client) != before
    assert not Session.objects.filter(session_key=before).exists()


def test_signing_out_ends_the_session_on_the_server(cast):
    client = Client()
    client.post("/accounts/login/", {"login": "reporter@cast.test", "password": PASSWORD})
    old_key = _session_key(client)
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=old_key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert replay.get("/reports/new/").status_code == 302  # sent to sign in


def test_a_session_expires_after_the_idle_minutes_and_each_request_extends_it(cast):
    client = Client()
    client.post("/accounts/login/", {"login": "reporter@cast.test", "password": PASSWORD})
    # The cookie itself ends with the browser (ACCOUNT_SESSION_REMEMBER = False); the server's
    # row carries the idle limit, and every request pushes it forward.
    stored = Session.objects.get(session_key=_session_key(client))
    stored.expire_date = timezone.now() + timedelta(minutes=1)
    stored.save(update_fields=["expire_date"])
    client.get("/")
    renewed = Session.objects.get(session_key=_session_key(client)).expire_date
    assert renewed > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    Session.objects.filter(session_key=_session_key(client)).update(expire_date="2000-01-01T00:00:00Z")
    assert client.get("/reports/new/").status_code == 302


def test_a_deactivated_account_loses_its_open_session(cast):
    client = Client()
    client.post("/accounts/login/", {"login": "reporter@cast.test", "password": PASSWORD})
    assert client.get("/reports/new/").status_code == 200
    user = cast.users["reporter"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/reports/new/").status_code == 302


def test_session_and_csrf_cookies_are_http_only_same_site_and_secure_over_https(cast):
    client = Client()
    response = client.post("/accounts/login/", {"login": "reporter@cast.test", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # The suite runs over plain HTTP; HTTPS (production) turns the Secure flag on for both.
    assert settings.SESSION_COOKIE_SECURE == settings.HTTPS
    assert settings.CSRF_COOKIE_SECURE == settings.HTTPS
