"""A session ends OPENPSO_SESSION_MAX_HOURS after sign-in however busy (ASVS 7.3.2), audited
without PHI, and every sign-out tells the browser to clear this site's cache and storage
(ASVS 14.3.1). Time is moved with a clock that replaces django.utils.timezone.now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from openpso.accounts.session_end import SIGNED_IN_AT
from openpso.audit.models import AuditEvent
from openpso.testing.cast import PASSWORD

REPO = Path(__file__).resolve().parents[4]


@dataclass
class Clock:
    at: datetime

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", clock.now)
    return clock


def _signed_in(email: str = "reporter@cast.test") -> Client:
    client = Client()
    client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert client.get("/reports/new/").status_code == 200
    return client


def test_an_active_session_ends_the_max_hours_after_sign_in_and_the_end_is_audited(cast, clock, settings):
    settings.OPENPSO_SESSION_MAX_HOURS = 12
    client = _signed_in()
    # Busy all day: a request every 50 minutes keeps the idle timeout from ever firing.
    for _ in range(14):  # 11 h 40 min
        clock.advance(minutes=50)
        assert client.get("/reports/new/").status_code == 200
    assert not AuditEvent.objects.filter(action="session.expired").exists()
    clock.advance(minutes=20)  # 12 h after sign-in
    response = client.get("/reports/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/reports/new/").status_code == 302  # still signed out
    event = AuditEvent.objects.get(action="session.expired")
    assert event.actor_id == cast.users["reporter"].pk
    assert event.detail == {"reason": "max_age", "max_hours": 12}


def test_the_lifetime_counts_from_sign_in_so_signing_in_again_starts_a_new_one(cast, clock, settings):
    settings.OPENPSO_SESSION_MAX_HOURS = 1
    client = _signed_in()
    clock.advance(minutes=59)
    assert client.get("/reports/new/").status_code == 200
    clock.advance(minutes=1)
    assert client.get("/reports/new/").status_code == 302
    client = _signed_in()
    clock.advance(minutes=59)
    assert client.get("/reports/new/").status_code == 200


def test_a_session_from_before_the_limit_starts_its_clock_at_its_next_request(cast, clock, settings):
    settings.OPENPSO_SESSION_MAX_HOURS = 1
    client = _signed_in()
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    stored = Session.objects.get(session_key=key)
    data = stored.get_decoded()
    del data[SIGNED_IN_AT]
    Session.objects.save(key, data, stored.expire_date)
    clock.advance(minutes=30)
    assert client.get("/reports/new/").status_code == 200
    clock.advance(minutes=59)
    assert client.get("/reports/new/").status_code == 200
    clock.advance(minutes=1)
    assert client.get("/reports/new/").status_code == 302


def test_signing_out_asks_the_browser_to_clear_cache_and_storage(cast):
    client = _signed_in()
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    # Only a sign-out says it: an ordinary page or an anonymous visit does not.
    assert "Clear-Site-Data" not in _signed_in().get("/reports/new/")
    assert "Clear-Site-Data" not in Client().get("/accounts/login/")


def test_the_idle_and_absolute_timeouts_are_documented_with_their_defaults():
    rows = (REPO / "docs" / "configuration.md").read_text()
    assert settings.SESSION_COOKIE_AGE == 60 * 60
    assert "| `OPENPSO_SESSION_MINUTES` | `60` | idle session lifetime" in rows
    assert settings.OPENPSO_SESSION_MAX_HOURS == 12
    assert "| `OPENPSO_SESSION_MAX_HOURS` | `12` | absolute session lifetime" in rows


def test_sign_in_and_sign_out_are_in_the_audit_chain_with_who_and_nothing_else(cast):
    reporter = cast.users["reporter"]
    client = _signed_in()
    signed_in = AuditEvent.objects.filter(action="session.signed_in").get()
    client.post("/accounts/logout/")
    signed_out = AuditEvent.objects.filter(action="session.signed_out").get()
    for event in (signed_in, signed_out):
        assert (event.actor_id, event.object_id, event.detail) == (reporter.pk, str(reporter.pk), {})
    assert signed_out.seq > signed_in.seq
    # A refused password leaves no sign-in row (axes and the lockout keep their own).
    Client().post("/accounts/login/", {"login": "reporter@cast.test", "password": "wrong-horse"})
    assert AuditEvent.objects.filter(action="session.signed_in").count() == 1
