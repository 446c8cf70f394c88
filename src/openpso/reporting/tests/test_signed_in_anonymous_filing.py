"""The "Report anonymously" box on the signed-in form leaves exactly what the anonymous page leaves
(issue 13 item 2, DESIGN invariant 2, docs/decisions/0007).

One report is filed through the no-login page and one through the signed-in form with the box
ticked, the same answers each, at a moment in the middle of an hour; then every stored column
of both is compared — the report, its history, its receipt, its audit and ledger rows — and
read for the person and for a time finer than the hour. A draft saved before the box was
ticked is gone, and the signed-in person's session row is not touched by the filing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.pswp.models import PswpTransition
from openpso.reporting.channel import views as channel_views
from openpso.reporting.models import AnonymousReceipt, EventReport, ReportDraft
from openpso.reporting.tests.test_channel_no_identity import ADDRESS, USER_AGENT, _assert_no_identity, _rows
from openpso.reporting.views import ANONYMOUS_NOT_SAVED

NARRATIVE = "Heparin 5000 units/mL vial in the 1000 units/mL bin. CANARY-SIGNED-IN-ANON"
ROLE = "Night nurse CANARY-ROLE"


class _Clock:
    """`timezone.now` at a chosen moment, moved on by hand: a trace finer than the hour shows."""

    def __init__(self) -> None:
        real = dt.datetime.now(dt.UTC)
        self.at = real.replace(minute=23, second=17, microsecond=250_000)

    def __call__(self) -> dt.datetime:
        return self.at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Clock]:
    cache.clear()
    moment = _Clock()
    monkeypatch.setattr(timezone, "now", moment)
    yield moment
    cache.clear()


def _answers(cast: Any) -> dict[str, Any]:
    return {
        "event_type": "A6",
        "categories": ["A54"],
        "unit": str(cast.units["p1"].pk),
        "narrative": NARRATIVE,
    }


def _suggested(page: str) -> dict[str, str]:
    """The discovery time the page suggests, as its inputs post it."""
    when = re.search(r'name="discovered_at" value="([^"]+)"', page)
    suggested = re.search(r'name="discovered_at_suggested" value="([^"]+)"', page)
    assert when, "the form suggests no discovery time"
    assert suggested, "the form does not say which discovery time it suggested"
    return {"discovered_at": when.group(1), "discovered_at_suggested": suggested.group(1)}


def _new_report(before: set[Any]) -> EventReport:
    return EventReport.objects.exclude(pk__in=before).get()


def _signed_in(cast: Any) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=USER_AGENT)
    client.force_login(cast.users["reporter"])
    return client


def _file_on_the_anonymous_page(cast: Any) -> EventReport:
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=USER_AGENT)
    url = f"/anonymous/report/{cast.orgs['p1'].slug}/"
    before = set(EventReport.objects.values_list("pk", flat=True))
    response = client.post(url, {**_answers(cast), **_suggested(client.get(url).content.decode())})
    assert 'id="receipt-code"' in response.content.decode()
    return _new_report(before)


def _file_on_the_signed_in_form(cast: Any, client: Client, clock: _Clock) -> tuple[EventReport, str]:
    page = client.get("/reports/new/").content.decode()
    assert 'name="anonymous"' in page
    form = {**_answers(cast), **_suggested(page), "anonymous": "on", "reporter_role": ROLE}
    clock.at += dt.timedelta(minutes=8)  # the reporter takes a while: still the same hour
    before = set(EventReport.objects.values_list("pk", flat=True))
    response = client.post("/reports/new/", form)
    assert response.status_code == 200
    return _new_report(before), response.content.decode()


def _values(row: Model, *, leave_out: set[str]) -> dict[str, Any]:
    """Every stored column through the ORM (encrypted ones decrypted), but the row's own ids."""
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.attname not in leave_out}


def _stored(report: EventReport) -> dict[str, Any]:
    key = str(report.pk)
    return {
        "report": _values(report, leave_out={"id"}),
        "history": [_values(h, leave_out={"id", "history_id"}) for h in EventReport.history.filter(id=report.pk)],
        "receipt": [
            _values(r, leave_out={"id", "report_id", "code_digest"})
            for r in AnonymousReceipt.objects.filter(report=report)
        ],
        "audit": [
            _values(e, leave_out={"seq", "object_id", "prev_hash", "hash"})
            for e in AuditEvent.objects.filter(object_id=key).order_by("seq")
        ],
        "ledger": [_values(t, leave_out={"id", "object_id"}) for t in PswpTransition.objects.filter(object_id=key)],
    }


def _raw_key(report: EventReport) -> Any:
    return report.pk.hex if connection.vendor == "sqlite" else report.pk


def test_the_signed_in_anonymous_filing_stores_exactly_what_the_anonymous_page_stores(cast, clock):
    client = _signed_in(cast)
    client.post(f"/reports/new/{cast.orgs['p1'].slug}/draft/", {"narrative": "half typed, before the box"})
    assert ReportDraft.objects.filter(user=cast.users["reporter"]).exists()
    session = Session.objects.get()
    named = AuditEvent.objects.filter(actor_id=cast.users["reporter"].pk).count()
    from_page = _file_on_the_anonymous_page(cast)
    from_form, receipt_page = _file_on_the_signed_in_form(cast, client, clock)

    assert 'id="receipt-code"' in receipt_page  # the anonymous page's receipt, to follow it up
    page_rows, form_rows = _stored(from_page), _stored(from_form)
    assert form_rows == page_rows
    assert form_rows["report"]["reporter_id"] is None
    assert form_rows["report"]["reporter_role"] == ""
    assert form_rows["report"]["narrative"] == NARRATIVE
    assert {e["action"] for e in form_rows["audit"]} == {"report.filed", "pswp.status_changed"}
    assert len(form_rows["history"]) == len(form_rows["receipt"]) == len(form_rows["ledger"]) == 1

    for report in (from_page, from_form):
        key = _raw_key(report)
        # Unlike test_channel_no_identity, discovered_at is read too: both were left as suggested.
        _assert_no_identity(_rows("reporting_eventreport", "id = %s", [key]), table="eventreport")
        _assert_no_identity(_rows("reporting_historicaleventreport", "id = %s", [key]), table="history")
        _assert_no_identity(_rows("reporting_anonymousreceipt", "report_id = %s", [key]), table="receipt")
        _assert_no_identity(_rows("audit_auditevent", "object_id = %s", [str(report.pk)]), table="auditevent")
        _assert_no_identity(_rows("pswp_pswptransition", "object_id = %s", [str(report.pk)]), table="ledger")
    assert not ReportDraft.objects.exists()
    assert Session.objects.get().expire_date == session.expire_date  # not re-saved at the filing's minute
    assert AuditEvent.objects.filter(actor_id=cast.users["reporter"].pk).count() == named


def test_a_draft_saved_before_the_box_was_ticked_is_gone_after_the_anonymous_filing(cast, clock):
    client = _signed_in(cast)
    client.post(f"/reports/new/{cast.orgs['p1'].slug}/draft/", {**_answers(cast), "narrative": "typed with a name"})
    assert ReportDraft.objects.filter(user=cast.users["reporter"]).count() == 1
    report, _page = _file_on_the_signed_in_form(cast, client, clock)
    assert report.anonymous
    assert not ReportDraft.objects.exists()


def test_an_autosave_with_the_box_ticked_drops_the_draft_and_keeps_nothing(cast, clock):
    client = _signed_in(cast)
    url = f"/reports/new/{cast.orgs['p1'].slug}/draft/"
    client.post(url, {"narrative": "typed before the box"})
    response = client.post(url, {"narrative": "typed after the box", "anonymous": "on"})
    assert response.status_code == 200
    assert response.content.decode() == ANONYMOUS_NOT_SAVED
    assert not ReportDraft.objects.exists()


def test_a_discovery_time_typed_by_the_reporter_is_kept_as_on_the_anonymous_page(cast, clock):
    client = _signed_in(cast)
    page = client.get("/reports/new/").content.decode()
    typed = (timezone.localtime(clock.at) - dt.timedelta(hours=2)).replace(minute=41).strftime("%Y-%m-%dT%H:%M")
    form = {**_answers(cast), **_suggested(page), "discovered_at": typed, "anonymous": "on"}
    before = set(EventReport.objects.values_list("pk", flat=True))
    client.post("/reports/new/", form)
    report = _new_report(before)
    assert timezone.localtime(report.discovered_at).strftime("%Y-%m-%dT%H:%M") == typed  # the event's time
    assert report.reported_at.minute == report.pswp_status_at.minute == 0


def test_a_refused_anonymous_filing_shows_the_anonymous_form_which_posts_to_the_anonymous_page(cast, clock):
    client = _signed_in(cast)
    client.post(f"/reports/new/{cast.orgs['p1'].slug}/draft/", {"narrative": "typed with a name"})
    page = client.get("/reports/new/").content.decode()
    form = {**_answers(cast), **_suggested(page), "categories": [], "anonymous": "on"}
    before = EventReport.objects.count()
    response = client.post("/reports/new/", form).content.decode()
    assert "choose at least one category" in response
    assert f'action="/anonymous/report/{cast.orgs["p1"].slug}/"' in response
    assert EventReport.objects.count() == before
    assert not ReportDraft.objects.exists()


def test_the_signed_in_page_still_files_under_the_name_when_the_box_is_not_ticked(cast, clock):
    client = _signed_in(cast)
    page = client.get("/reports/new/").content.decode()
    before = set(EventReport.objects.values_list("pk", flat=True))
    response = client.post("/reports/new/", {**_answers(cast), **_suggested(page), "reporter_role": ROLE})
    report = _new_report(before)
    assert response.status_code == 302
    assert report.reporter == cast.users["reporter"]
    assert report.reporter_role == ROLE
    assert report.reported_at == clock.at  # a named report keeps its exact time
    assert timezone.localtime(report.discovered_at).minute == 23  # and the suggested minute


def test_django_logs_nothing_about_a_refused_anonymous_filing_from_the_signed_in_form(cast, clock, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setitem(channel_views.RATES, "file", "1/h")
    client = _signed_in(cast)
    page = client.get("/reports/new/").content.decode()
    form = {**_answers(cast), **_suggested(page), "anonymous": "on"}
    client.post("/reports/new/", form)
    assert client.post("/reports/new/", form).status_code == 429
    for record in caplog.records:
        text = record.getMessage() + str(getattr(record, "request", ""))
        assert "/reports/new/" not in text, text
        assert ADDRESS not in text, text
