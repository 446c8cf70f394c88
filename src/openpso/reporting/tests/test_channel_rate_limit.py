"""The anonymous endpoints are rate-limited per (hashed) client address, with a clear 429."""

from __future__ import annotations

from django.test import Client

from openpso.reporting.channel import views as channel_views
from openpso.reporting.models import EventReport
from openpso.reporting.tests.test_channel_anonymous_filing import anonymous_form


def test_filing_too_often_from_one_address_answers_429_and_saves_nothing(cast, monkeypatch):
    monkeypatch.setitem(channel_views.RATES, "file", "2/h")
    client = Client(REMOTE_ADDR="198.51.100.7")
    url = f"/anonymous/report/{cast.orgs['p1'].slug}/"
    assert [client.post(url, anonymous_form(cast)).status_code for _ in range(2)] == [200, 200]
    before = EventReport.objects.count()
    limited = client.post(url, anonymous_form(cast))
    assert limited.status_code == 429
    assert limited["Retry-After"] == "3600"
    assert "Too many tries" in limited.content.decode()
    assert EventReport.objects.count() == before
    # Another address is counted on its own; reading the form is never limited.
    assert Client(REMOTE_ADDR="198.51.100.8").post(url, anonymous_form(cast)).status_code == 200
    assert client.get(url).status_code == 200


def test_status_lookups_are_limited(cast, monkeypatch):
    monkeypatch.setitem(channel_views.RATES, "lookup", "3/h")
    client = Client(REMOTE_ADDR="198.51.100.9")
    codes = [
        client.post("/anonymous/follow-up/", {"code": "2222-3333-4444-5555", "passphrase": "guess-guess"}).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_replies_and_passphrases_are_limited(cast, monkeypatch):
    monkeypatch.setitem(channel_views.RATES, "reply", "1/h")
    monkeypatch.setitem(channel_views.RATES, "passphrase", "1/h")
    client = Client(REMOTE_ADDR="198.51.100.10")
    for url in ("/anonymous/follow-up/reply/", "/anonymous/passphrase/"):
        client.post(url, {"token": "stale"})
        assert client.post(url, {"token": "stale"}).status_code == 429, url
