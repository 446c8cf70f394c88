"""An anonymous report stores no reporter identity anywhere (DESIGN invariant 2).

Each table the channel touches is read back row by row, column by column; then the cache
of the rate limiter, the session table and the logs (Django's and gunicorn's).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from openpso.core import gunicorn
from openpso.reporting.channel import actions as channel_actions
from openpso.reporting.channel import receipts
from openpso.reporting.channel import views as channel_views
from openpso.reporting.models import EventReport, FollowUpKind, FollowUpMessage, IdempotencyKey
from openpso.reporting.tests.test_channel_anonymous_filing import PASSPHRASE, anonymous_form, hidden

ADDRESS = "203.0.113.77"
USER_AGENT = "CANARY-UA/9.9 (Pixel; Android)"


def _visitor(*, signed_in_as=None) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=USER_AGENT)
    if signed_in_as is not None:
        client.force_login(signed_in_as)
    return client


def _whole_anonymous_journey(cast, client_for, client: Client) -> str:
    """File, set the passphrase, get a question, answer it, read the status: returns the report id."""
    before = set(_column("SELECT id FROM reporting_eventreport"))
    page = client.post(f"/anonymous/report/{cast.orgs['p1'].slug}/", anonymous_form(cast)).content.decode()
    code = re.search(r'<code id="receipt-code">([^<]+)</code>', page).group(1)
    client.post("/anonymous/passphrase/", {"token": hidden(page, "token"), "code": code, "passphrase": PASSPHRASE})
    (report_id,) = set(_column("SELECT id FROM reporting_eventreport")) - before
    report_uuid = _uuid(report_id)
    client_for("safety_manager").post(f"/reports/{report_uuid}/follow-up/", {"kind": "question", "body": "Which bin?"})
    status = client.post("/anonymous/follow-up/", {"code": code, "passphrase": PASSPHRASE}).content.decode()
    client.post(
        "/anonymous/follow-up/reply/",
        {"token": hidden(status, "token"), "question": hidden(status, "question"), "body": "Bin 4"},
    )
    client.post("/anonymous/follow-up/", {"code": code, "passphrase": "wrong passphrase!"})
    return report_uuid


def _uuid(value: object) -> str:
    text = str(value).replace("-", "")
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _column(sql: str, params: Sequence[Any] | None = None) -> list[object]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return [row[0] for row in cursor.fetchall()]


def _rows(table: str, where: str, params: Sequence[Any]) -> list[dict[str, object]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {where}", params)  # noqa: S608 - fixed table names
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _as_datetime(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.match(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d", value):
        return dt.datetime.fromisoformat(value)
    return None


def _assert_no_identity(rows: list[dict[str, object]], *, table: str, skip=()) -> None:
    assert rows, f"{table}: expected rows to inspect"
    for row in rows:
        for column, value in row.items():
            text = str(value)
            assert ADDRESS not in text, f"{table}.{column} holds the client address"
            assert "CANARY-UA" not in text, f"{table}.{column} holds the user agent"
            assert "cast.test" not in text, f"{table}.{column} holds an e-mail address"
            if column in skip:
                continue
            if column.endswith(("user_id", "reporter_id", "author_id", "actor_id")):
                assert value is None, f"{table}.{column} names a person"
            moment = _as_datetime(value)
            if moment is not None:
                assert (moment.minute, moment.second, moment.microsecond) == (0, 0, 0), f"{table}.{column}: {value}"


@pytest.mark.parametrize("signed_in", [False, True], ids=["no-login", "signed-in-visitor"])
def test_no_table_holds_the_reporters_identity_or_a_time_finer_than_the_hour(cast, client_for, signed_in):
    visitor = cast.users["reporter"] if signed_in else None
    report_id = _whole_anonymous_journey(cast, client_for, _visitor(signed_in_as=visitor))
    key = report_id.replace("-", "") if connection.vendor == "sqlite" else uuid.UUID(report_id)
    # DE9 discovery time is the reporter's answer about the event, not about themselves;
    # the form suggests the hour (test below).
    _assert_no_identity(_rows("reporting_eventreport", "id = %s", [key]), table="eventreport", skip={"discovered_at"})
    history = _rows("reporting_historicaleventreport", "id = %s", [key])
    _assert_no_identity(history, table="historicaleventreport", skip={"discovered_at"})
    _assert_no_identity(_rows("reporting_anonymousreceipt", "report_id = %s", [key]), table="receipt")
    answers = _rows("reporting_followupmessage", "report_id = %s AND kind = %s", [key, FollowUpKind.ANSWER])
    _assert_no_identity(answers, table="followupmessage")
    audit = _rows("audit_auditevent", "object_id = %s AND actor_id IS NULL", [report_id])
    assert {e["action"] for e in audit} >= {"report.filed", "report.follow_up_viewed", "report.follow_up_answered"}
    _assert_no_identity(audit, table="auditevent")
    named = _rows("audit_auditevent", "object_id = %s AND actor_id IS NOT NULL", [report_id])
    assert {e["action"] for e in named} == {"report.follow_up_posted"}  # the manager's question only
    assert not IdempotencyKey.objects.exists()


def test_history_rows_of_an_anonymous_report_carry_no_user_and_only_the_hour(cast, client_for):
    report_id = _whole_anonymous_journey(cast, client_for, _visitor(signed_in_as=cast.users["reporter"]))
    for row in EventReport.history.filter(id=report_id):
        assert row.history_user_id is None
        assert (row.history_date.minute, row.history_date.second, row.history_date.microsecond) == (0, 0, 0)


def test_the_anonymous_form_suggests_the_discovery_hour_not_the_minute(cast):
    # The hour is read before and after the request: a page rendered at 09:59:59 and a clock read
    # at 10:00:00 differ by an hour (CI failed so at 15:00 UTC).
    before = timezone.localtime()
    page = Client().get(f"/anonymous/report/{cast.orgs['p1'].slug}/").content.decode()
    after = timezone.localtime()
    assert any(t.strftime("%Y-%m-%dT%H:00") in page for t in (before, after))


def test_no_session_is_stored_for_a_visitor_without_a_login(cast, client_for):
    _whole_anonymous_journey(cast, client_for, _visitor())
    assert Session.objects.count() == 1  # the safety manager's, from client_for


def test_the_rate_limiter_keys_on_a_salted_hash_and_keeps_short_counters(cast, client_for, monkeypatch):
    stored: list[tuple[str, object, object]] = []
    real_add = cache.add

    def spy(key, value, timeout=None, **kwargs):
        stored.append((key, value, timeout))
        return real_add(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "add", spy)
    _whole_anonymous_journey(cast, client_for, _visitor())
    assert stored, "the anonymous POSTs should have been counted"
    for key, _value, timeout in stored:
        assert ADDRESS not in key
        assert isinstance(timeout, int)
        assert timeout <= 3600 + 60
    request = Client(REMOTE_ADDR=ADDRESS).get("/anonymous/").wsgi_request
    hashed = receipts.client_key("g", request)
    assert re.fullmatch(r"[0-9a-f]{64}", hashed)
    assert ADDRESS not in hashed
    for path in Path(settings.CACHES["default"]["LOCATION"]).rglob("*"):
        if path.is_file():
            assert ADDRESS.encode() not in path.read_bytes()


def test_django_logs_nothing_about_the_anonymous_pages_and_their_visitors(cast, client_for, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    visitor = _visitor()
    _whole_anonymous_journey(cast, client_for, visitor)
    visitor.get("/anonymous/report/no-such-provider/")  # a 404
    monkeypatch.setitem(channel_views.RATES, "lookup", "1/h")
    visitor.post("/anonymous/follow-up/", {"code": "x", "passphrase": "y"})  # a 429
    Client(enforce_csrf_checks=True, REMOTE_ADDR=ADDRESS).post("/anonymous/follow-up/", {})  # a CSRF 403
    for record in caplog.records:
        text = record.getMessage() + str(getattr(record, "request", ""))
        assert "/anonymous/" not in text, text
        assert ADDRESS not in text, text
        assert "CANARY-UA" not in text, text


def test_a_crash_on_an_anonymous_page_is_logged_without_the_request(cast, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)

    def explode(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(channel_actions, "file_anonymous", explode)
    client = Client(raise_request_exception=False, REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=USER_AGENT)
    response = client.post(f"/anonymous/report/{cast.orgs['p1'].slug}/", anonymous_form(cast))
    assert response.status_code == 500
    errors = [r for r in caplog.records if r.name == "django.request"]
    assert errors
    assert all(getattr(r, "request", None) is None for r in errors)
    assert "database went away" in caplog.text


def test_runserver_request_lines_for_anonymous_paths_are_dropped():
    quiet = channel_views.QuietAnonymousRequests()
    line = logging.LogRecord(
        "django.server", logging.INFO, "", 0, '"%s" %s %s', ("POST /anonymous/follow-up/ HTTP/1.1", "200", "10"), None
    )
    other = logging.LogRecord(
        "django.server", logging.INFO, "", 0, '"%s" %s %s', ("GET /reports/ HTTP/1.1", "200", "10"), None
    )
    assert quiet.filter(line) is False
    assert quiet.filter(other) is True


class _FakeConfig:
    accesslog = "-"
    logconfig = logconfig_dict = logconfig_json = syslog = None
    disable_redirect_access_to_syslog = False
    access_log_format = '%(t)s "%(m)s %(U)s" %(s)s'


def _gunicorn_lines(environ: dict[str, str]) -> list[str]:
    logger = gunicorn.QuietAnonymousLogger.__new__(gunicorn.QuietAnonymousLogger)
    logger.cfg = _FakeConfig()
    logger._access_log_enabled = True
    lines: list[str] = []
    logger.access_log = type("L", (), {"info": lambda self, fmt, atoms: lines.append(fmt % atoms)})()
    logger.atoms = lambda resp, req, env, t: {
        "t": "[now]",
        "m": env["REQUEST_METHOD"],
        "U": env["PATH_INFO"],
        "s": "200",
    }
    logger.access(object(), object(), environ, dt.timedelta(0))
    return lines


def test_gunicorn_writes_no_access_line_for_anonymous_pages_or_what_they_load():
    assert _gunicorn_lines({"REQUEST_METHOD": "POST", "PATH_INFO": "/anonymous/report/t-p1/"}) == []
    asset = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/static/openpso/openpso.css",
        "HTTP_REFERER": "https://pso.example/anonymous/",
    }
    assert _gunicorn_lines(asset) == []
    assert _gunicorn_lines({"REQUEST_METHOD": "GET", "PATH_INFO": "/reports/"}) == ['[now] "GET /reports/" 200']


def test_gunicorn_writes_no_access_line_for_posts_of_the_signed_in_form_or_what_their_answer_loads():
    # "Report anonymously" there files through the anonymous channel (issue 13 item 2).
    assert _gunicorn_lines({"REQUEST_METHOD": "POST", "PATH_INFO": "/reports/new/"}) == []
    asset = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/static/openpso/openpso.css",
        "HTTP_REFERER": "https://pso.example/reports/new/?provider=t-p1",
    }
    assert _gunicorn_lines(asset) == []
    # Opening the form, saving a draft and everything else signed in are logged as before.
    assert _gunicorn_lines({"REQUEST_METHOD": "GET", "PATH_INFO": "/reports/new/"}) == ['[now] "GET /reports/new/" 200']
    draft = {"REQUEST_METHOD": "POST", "PATH_INFO": "/reports/new/t-p1/draft/"}
    assert _gunicorn_lines(draft) == ['[now] "POST /reports/new/t-p1/draft/" 200']
    other = {"REQUEST_METHOD": "GET", "PATH_INFO": "/static/x.css", "HTTP_REFERER": "https://pso.example/reports/"}
    assert _gunicorn_lines(other) == ['[now] "GET /static/x.css" 200']


def test_runserver_lines_for_posts_of_the_signed_in_form_are_dropped():
    quiet = channel_views.QuietAnonymousRequests()

    def line(request_line: str) -> logging.LogRecord:
        return logging.LogRecord("django.server", logging.INFO, "", 0, '"%s" %s %s', (request_line, "429", "10"), None)

    assert quiet.filter(line("POST /reports/new/?provider=t-p1 HTTP/1.1")) is False
    assert quiet.filter(line("GET /reports/new/?provider=t-p1 HTTP/1.1")) is True
    assert quiet.filter(line("POST /reports/new/t-p1/draft/ HTTP/1.1")) is True


def test_the_quiet_paths_are_the_anonymous_routes():
    from django.urls import reverse

    assert gunicorn.ANONYMOUS_PATH == channel_views.ANONYMOUS_PATH == reverse("channel:anonymous-start")
    assert gunicorn.REPORT_FORM_PATH == channel_views.REPORT_FORM_PATH == reverse("reporting:report-new")
    for name in ("channel:follow-up", "channel:follow-up-reply", "channel:anonymous-passphrase"):
        assert reverse(name).startswith(gunicorn.ANONYMOUS_PATH)


def test_openpso_serve_runs_gunicorn_with_the_quiet_logger(db, monkeypatch):  # serve queues a task
    from openpso.core.management.commands import serve

    seen: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda path, argv: seen.append(argv))
    serve.Command().handle(bind="127.0.0.1:0", workers=1, no_migrate=True)
    argv = seen[0]
    assert argv[argv.index("--logger-class") + 1] == "openpso.core.gunicorn.QuietAnonymousLogger"


def test_a_staff_question_on_an_anonymous_report_keeps_its_author_and_time(cast, client_for):
    """The other side of the rule: staff posts are ordinary, audited, exactly timed records."""
    _whole_anonymous_journey(cast, client_for, _visitor())
    question = FollowUpMessage.objects.get(kind=FollowUpKind.QUESTION)
    assert question.author_id == cast.users["safety_manager"].pk
