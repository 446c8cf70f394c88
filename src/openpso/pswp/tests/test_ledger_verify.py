"""`openpso audit verify` checks every PSWP status against its ledger (issue 15 item 2).

Each mismatch is planted the only ways left once the guard is in place: a ledger row
appended without its status change, a ledger row deleted, or the triggers dropped by
someone with the database owner's rights and the column written behind them.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection

from openpso.pswp import ledger, triggers
from openpso.pswp.integrity import verify_ledger
from openpso.pswp.models import PswpTransition
from openpso.pswp.status import PswpStatus
from openpso.pswp.tests.helpers import file, ledger_rows
from openpso.reporting.models import EventReport


def _verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def _broken() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify", stdout=StringIO())
    assert failure.value.returncode == 1
    return str(failure.value)


def _raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def no_triggers(db: None) -> Iterator[None]:
    """The guard dropped, as only the database owner could; put back afterwards."""
    triggers.drop(connection)
    yield
    triggers.install(connection)


def test_verify_passes_when_every_status_is_its_last_ledger_row(cast):
    report = file(cast.users["reporter"])
    ledger.mark_reported(artefact=report, actor=cast.users["safety_manager"])
    file(cast.users["reporter"], anonymous=True)
    # The cast's reports were made directly as candidates: entries the ledger has yet to record.
    unrecorded = EventReport.objects.count() - 2
    assert _verify().splitlines()[-1] == (
        f"PSWP ledger consistent: {EventReport.objects.count()} records, each at its last ledger "
        f"transition ({unrecorded} not yet in the ledger)"
    )


def test_verify_finds_a_ledger_row_written_without_its_status_change(cast):
    report = file(cast.users["reporter"])
    PswpTransition.objects.create(
        content_type=ContentType.objects.get_for_model(EventReport),
        object_id=str(report.pk),
        provider_id=report.provider_id,
        from_status=PswpStatus.CANDIDATE,
        to_status=PswpStatus.DROPPED_OUT,
        actor_label="someone",
        at=report.pswp_status_at,
        reason="never applied",
    )
    found = _broken()
    assert f"reporting.eventreport {report.pk}: status 'candidate', but its last ledger row says 'dropped_out'" in found


def test_verify_finds_a_deleted_ledger_row(cast):
    report = file(cast.users["reporter"])
    ledger.mark_reported(artefact=report, actor=cast.users["safety_manager"])
    table = connection.ops.quote_name(PswpTransition._meta.db_table)
    _raw(f"DELETE FROM {table} WHERE id = %s", [ledger_rows(report)[-1].pk])  # noqa: S608
    assert f"{report.pk}: status 'reported', but its last ledger row says 'candidate'" in _broken()


def test_verify_finds_a_ledger_row_that_does_not_start_where_the_last_one_ended(cast):
    report = file(cast.users["reporter"])
    ledger.mark_reported(artefact=report, actor=cast.users["safety_manager"])
    forged = PswpTransition.objects.create(
        content_type=ContentType.objects.get_for_model(EventReport),
        object_id=str(report.pk),
        provider_id=report.provider_id,
        from_status=PswpStatus.CANDIDATE,
        to_status=PswpStatus.REPORTED,
        actor_label="someone",
        at=report.pswp_status_at,
    )
    assert f"ledger row {forged.pk} starts at 'candidate', the row before it ended at 'reported'" in _broken()


def test_verify_finds_a_status_written_with_the_triggers_dropped(cast, no_triggers):
    report = file(cast.users["reporter"])
    ledger.mark_reported(artefact=report, actor=cast.users["safety_manager"])
    untouched = cast.reports["r1"]  # no ledger rows yet
    table = connection.ops.quote_name(EventReport._meta.db_table)
    _raw(f"UPDATE {table} SET pswp_status = %s", [PswpStatus.CANDIDATE])  # noqa: S608
    _raw(f"UPDATE {table} SET pswp_status = %s WHERE id = %s", [PswpStatus.REPORTED, _db_pk(untouched)])  # noqa: S608
    found = _broken()
    assert "PSWP ledger guard missing in the database: triggers " in found
    assert f"{report.pk}: status 'candidate', but its last ledger row says 'reported'" in found
    assert f"{untouched.pk}: status 'reported' without any ledger row" in found


def test_verify_finds_a_status_time_that_is_not_the_ledgers(cast, no_triggers):
    report = file(cast.users["reporter"])
    table = connection.ops.quote_name(EventReport._meta.db_table)
    later = report.pswp_status_at.replace(year=report.pswp_status_at.year + 1)
    _raw(f"UPDATE {table} SET pswp_status_at = %s WHERE id = %s", [later, _db_pk(report)])  # noqa: S608
    assert f"{report.pk}: status time " in _broken()


def test_the_guard_is_back_after_migrate(db, no_triggers):
    assert triggers.missing_triggers(connection) == triggers.expected_triggers()
    call_command("migrate", verbosity=0)
    assert triggers.missing_triggers(connection) == set()
    assert verify_ledger().ok


def _db_pk(report: EventReport) -> Any:
    # Django keeps a UUID as 32 hex digits on SQLite and as a uuid on PostgreSQL.
    return report.pk.hex if connection.vendor == "sqlite" else report.pk
