"""No stored byte of an anonymous report dates it finer than the hour (issue 13 item 1, invariant 2).

Fernet tokens (`enc1`) carried the second they were made in clear, so every encrypted field
of an anonymous report told when it was written though its rows kept only the hour. Here a
report is filed through the anonymous page on a clock set to a distinctive minute and second,
answered (a question and a structured request), submitted to the PSO, and then every column
of every row it left is read back with plain SQL.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import struct
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test import Client
from django.utils import timezone

from openpso.encryption.fields import NONCE_BYTES, PREFIX, TAG_BYTES, decrypt, parse
from openpso.reporting.models import AnswerRequest
from openpso.reporting.tests.test_channel_anonymous_filing import PASSPHRASE, file_anonymously, hidden
from openpso.submissions.tests.helpers import post

MINUTE, SECOND = 37, 42  # the filing time's, chosen to stand out from an hour's :00:00
DATETIME_TEXT = r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)?"  # SQLite's datetimes


@dataclass
class Clock:
    """Django's clock and time.time() (which Fernet and the signers read), shifted together."""

    shift: dt.timedelta
    seconds: set[int]  # every epoch second the clock showed while the report was being made

    def mark(self) -> None:
        self.seconds.add(int(time.time()))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    real_now, real_time = timezone.now, time.time
    start = real_now()
    shift = start.replace(minute=MINUTE, second=SECOND, microsecond=424242) - start
    monkeypatch.setattr(timezone, "now", lambda: real_now() + shift)
    monkeypatch.setattr(time, "time", lambda: real_time() + shift.total_seconds())
    clock = Clock(shift=shift, seconds=set())
    clock.mark()
    return clock


def _rows(table: str, where: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {where}", params)  # noqa: S608 - fixed table names
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(DATETIME_TEXT, value):
        return dt.datetime.fromisoformat(value)
    return None


def _time_marks(clock: Clock) -> list[str]:
    """Text that would give the minute or the second away, in the forms a value could hold it."""
    marks = [f":{MINUTE:02d}:{SECOND:02d}"]
    for second in clock.seconds:
        moment = dt.datetime.fromtimestamp(second, dt.UTC)
        marks += [str(second), moment.strftime("%H:%M"), timezone.localtime(moment).strftime("%H:%M")]
    return marks


def _binary_marks(clock: Clock) -> list[bytes]:
    """A time as ciphertext formats store it: Fernet's 64-bit big-endian seconds, or 32-bit."""
    return [struct.pack(">Q", s) for s in clock.seconds] + [struct.pack(">I", s) for s in clock.seconds]


def _assert_ciphertext_is_timeless(stored: str, *, where: str, clock: Clock) -> None:
    """An enc2 value is nonce || AES-GCM ciphertext || tag: nothing else, so no time."""
    value = parse(stored)
    assert value.version == PREFIX, f"{where}: {value.version} value"
    plain = decrypt(stored)
    sealed = value.sealed()
    assert len(sealed) == NONCE_BYTES + len(plain.encode()) + TAG_BYTES, f"{where}: bytes beyond nonce, text and tag"
    for packed in _binary_marks(clock):
        assert packed not in sealed, f"{where}: the ciphertext holds the filing second"
    for mark in _time_marks(clock):
        assert mark not in plain, f"{where}: the encrypted text holds {mark!r}"


def _assert_timeless(rows: list[dict[str, Any]], *, table: str, clock: Clock) -> int:
    """Every column of every row: datetimes on the hour, no minute or second in any text,
    every ciphertext enc2 and timeless. Returns how many ciphertexts were checked."""
    assert rows, f"{table}: expected rows to inspect"
    checked = 0
    marks = _time_marks(clock)
    for row in rows:
        for column, value in row.items():
            where = f"{table}.{column}"
            moment = _as_datetime(value)
            if moment is not None:
                assert (moment.minute, moment.second, moment.microsecond) == (0, 0, 0), f"{where}: {value}"
                continue
            text = json.dumps(value, default=str) if isinstance(value, dict | list) else str(value)
            for mark in marks:
                assert mark not in text, f"{where} holds {mark!r}"
            if isinstance(value, str) and value.startswith(("enc1:", "enc2:")):
                _assert_ciphertext_is_timeless(value, where=where, clock=clock)
                checked += 1
    return checked


def _file_answer_and_submit(cast: Any, client_for: Any, clock: Clock) -> str:
    """The whole life of an anonymous report that touches encrypted columns; returns its id."""
    discovered = (timezone.localtime() - dt.timedelta(hours=2)).replace(minute=0)
    client, report, code, page = file_anonymously(
        cast,
        event_type="A3",
        categories=["A48"],
        harm="LA21150-0",
        location_detail="Bay 4 by the window",
        discovered_at=discovered.strftime("%Y-%m-%dT%H:%M"),
    )
    clock.mark()
    client.post("/anonymous/passphrase/", {"token": hidden(page, "token"), "code": code, "passphrase": PASSPHRASE})
    manager = client_for("safety_manager")
    manager.post(f"/reports/{report.pk}/follow-up/", {"kind": "question", "body": "Were the bed rails up?"})
    manager.post(
        f"/reports/{report.pk}/answers/",
        {"action": "ask", "ask-link_ids": ["Fall/assisted", "Fall/injury"], "ask-note": ""},
    )
    status = Client().post("/anonymous/follow-up/", {"code": code, "passphrase": PASSPHRASE}).content.decode()
    replied = Client().post(
        "/anonymous/follow-up/reply/",
        {"token": hidden(status, "token"), "question": hidden(status, "question"), "body": "Rails were down"},
    )
    assert replied.status_code == 200
    clock.mark()
    answered = Client().post(
        "/anonymous/follow-up/answers/",
        {
            "token": hidden(status, "token"),
            "request": str(AnswerRequest.objects.get(report=report).pk),
            "m__Fall__assisted": "OPSO-FALL-UNASSISTED",
            "m__Fall__injury": "A18",
        },
    )
    assert "You answered these questions" in answered.content.decode()
    clock.mark()
    sent = post(manager, [str(report.pk)])
    assert sent.json()["accepted"] == 1, sent.content
    clock.mark()
    return str(report.pk)


def test_no_stored_value_of_an_anonymous_report_dates_it_finer_than_the_hour(cast, client_for, clock):
    report_id = _file_answer_and_submit(cast, client_for, clock)
    key: Any = uuid.UUID(report_id).hex if connection.vendor == "sqlite" else uuid.UUID(report_id)
    tables = {
        "reporting_eventreport": ("id = %s", [key]),
        "reporting_historicaleventreport": ("id = %s", [key]),
        "reporting_anonymousreceipt": ("report_id = %s", [key]),
        # The reporter's answers; the safety team's own question is an ordinary, timed record.
        "reporting_followupmessage": ("report_id = %s AND kind = %s", [key, "answer"]),
        "reporting_answeramendment": ("report_id = %s", [key]),
        "submissions_submission": ("event_id = %s", [key]),
        "pswp_pswptransition": ("object_id = %s", [report_id]),
        "audit_auditevent": ("object_id = %s AND actor_id IS NULL", [report_id]),
    }
    checked = {
        table: _assert_timeless(_rows(table, *query), table=table, clock=clock) for table, query in tables.items()
    }
    # narrative and location in the report and each history row; the answer; the
    # amendment's before and after; the submitted document.
    assert checked["reporting_eventreport"] == 2
    assert checked["reporting_historicaleventreport"] >= 2
    assert checked["reporting_followupmessage"] == 1
    assert checked["reporting_answeramendment"] == 2
    assert checked["submissions_submission"] == 1


def test_the_check_finds_the_second_a_fernet_token_carries(clock):
    """The check above would have caught the old format: an enc1 value made now fails it."""
    token = Fernet(Fernet.generate_key()).encrypt(b"Rails were down").decode()
    clock.mark()
    with pytest.raises(AssertionError):
        _assert_ciphertext_is_timeless(f"enc1:kold:{token}", where="legacy", clock=clock)
    # And not only because of the format name: its bytes hold the second, in clear.
    sealed = parse(f"enc1:kold:{token}").sealed()
    assert any(mark in sealed for mark in _binary_marks(clock))
