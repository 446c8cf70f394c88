from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from .conftest import raw_sql, record_events

pytestmark = pytest.mark.django_db


def test_audit_verify_reports_an_intact_chain():
    record_events(3)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().splitlines() == [
        "audit chain intact: 3 events",
        "PSWP ledger consistent: 0 records, each at its last ledger transition (0 not yet in the ledger)",
    ]


def test_audit_verify_exits_1_naming_the_first_broken_row():
    record_events(4)
    raw_sql("DELETE FROM audit_auditevent WHERE seq = 2")
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify")
    assert failure.value.returncode == 1
    assert "row 2 missing (deleted)" in str(failure.value)


def test_audit_without_a_subcommand_is_an_error():
    with pytest.raises(CommandError):
        call_command("audit")


def test_audit_verify_with_head_names_the_newest_event_and_its_hash():
    events = record_events(3)
    out = StringIO()
    call_command("audit", "verify", "--head", stdout=out)
    assert out.getvalue().splitlines()[:2] == [
        "audit chain intact: 3 events",
        f"head: event 3, sha256 {events[-1].hash}",
    ]
