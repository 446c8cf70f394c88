"""The ledger is the only writer of `pswp_status` (issue 15 item 2): every bypass is refused.

A model save, a queryset update, a bulk update and a raw SQL UPDATE each try to move a
reported report back to `candidate` without a ledger row; each is refused and the report,
its ledger and the audit trail stay as they were.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from openpso.pswp import ledger
from openpso.pswp.actions import OriginalFacts, build_external_report
from openpso.pswp.guard import LedgerBypassRefused
from openpso.pswp.models import ExternalReport, PswpTransition
from openpso.pswp.status import PswpStatus
from openpso.pswp.tests.helpers import file, ledger_audits, ledger_rows
from openpso.pswp.triggers import expected_triggers, guarded_tables, installed_triggers
from openpso.reporting.models import EventReport


def _raw(sql: str, params: list[Any]) -> None:
    """Behind the ORM's back, in a savepoint so a refusal leaves the test's transaction usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@pytest.fixture
def reported(cast):
    report = file(cast.users["reporter"])
    ledger.mark_reported(artefact=report, actor=cast.users["safety_manager"])
    return EventReport.objects.get(pk=report.pk)


def _unchanged(report: EventReport) -> None:
    report.refresh_from_db()
    assert report.pswp_status == PswpStatus.REPORTED
    rows = ledger_rows(report)
    assert [r.to_status for r in rows] == [PswpStatus.CANDIDATE, PswpStatus.REPORTED]
    assert ledger_audits(report) == 2


def test_saving_a_changed_status_is_refused(reported):
    reported.pswp_status = PswpStatus.CANDIDATE
    with pytest.raises(LedgerBypassRefused, match="pswp_status"):
        reported.save()
    _unchanged(reported)


def test_saving_a_changed_status_time_is_refused(reported):
    reported.pswp_status_at = reported.reported_at.replace(year=2001)
    with pytest.raises(LedgerBypassRefused, match="pswp_status_at"):
        reported.save(update_fields=["pswp_status_at"])
    _unchanged(reported)


def test_saving_other_fields_of_a_report_is_still_allowed(reported):
    reported.location_detail = "Ward 3, bay 2"
    reported.save()
    reported.refresh_from_db()
    assert reported.location_detail == "Ward 3, bay 2"
    _unchanged(reported)


def test_a_status_the_ledger_set_on_the_instance_saves_with_its_other_fields(cast):
    report = file(cast.users["reporter"])
    ledger.mark_reported(artefact=report, actor=cast.users["safety_manager"])
    report.location_detail = "Ward 4"
    report.save()  # the ledger changed the instance's status; that is not a bypass
    _unchanged(report)


def test_queryset_update_of_the_status_is_refused(reported):
    with pytest.raises(LedgerBypassRefused, match="update"):
        EventReport.objects.filter(pk=reported.pk).update(pswp_status=PswpStatus.CANDIDATE)
    _unchanged(reported)


def test_queryset_update_of_other_fields_is_still_allowed(reported):
    assert EventReport.objects.filter(pk=reported.pk).update(harm="") == 1
    _unchanged(reported)


def test_bulk_update_of_the_status_is_refused(reported):
    reported.pswp_status = PswpStatus.CANDIDATE
    with pytest.raises(LedgerBypassRefused, match="bulk update"):
        EventReport.objects.bulk_update([reported], ["pswp_status"])
    _unchanged(reported)


def test_a_raw_sql_update_of_the_status_is_refused_by_the_database(reported):
    with pytest.raises(IntegrityError, match="PSWP ledger"):
        _raw(f"UPDATE {_table(EventReport)} SET pswp_status = %s", [PswpStatus.CANDIDATE])  # noqa: S608
    _unchanged(reported)


def test_a_raw_sql_update_of_the_status_time_is_refused_by_the_database(reported):
    with pytest.raises(IntegrityError, match="PSWP ledger"):
        _raw(f"UPDATE {_table(EventReport)} SET pswp_status_at = %s", [timezone.now() - dt.timedelta(days=400)])  # noqa: S608
    _unchanged(reported)


def test_the_base_manager_which_skips_the_queryset_guard_meets_the_database_one(reported):
    with pytest.raises(IntegrityError, match="PSWP ledger"), transaction.atomic():
        EventReport._base_manager.filter(pk=reported.pk).update(pswp_status=PswpStatus.CANDIDATE)
    _unchanged(reported)


def test_an_allowed_transition_without_its_ledger_row_is_refused_by_the_database(cast):
    report = file(cast.users["reporter"])
    with pytest.raises(IntegrityError, match="PSWP ledger"):
        _raw(f"UPDATE {_table(EventReport)} SET pswp_status = %s", [PswpStatus.REPORTED])  # noqa: S608
    report.refresh_from_db()
    assert report.pswp_status == PswpStatus.CANDIDATE


def test_a_forged_ledger_row_cannot_carry_a_reported_report_back_to_candidate(reported):
    # A row appended by hand for a transition the state machine forbids (42 CFR 3.20).
    forged = PswpTransition.objects.create(
        content_type=ContentType.objects.get_for_model(EventReport),
        object_id=str(reported.pk),
        provider_id=reported.provider_id,
        from_status=PswpStatus.REPORTED,
        to_status=PswpStatus.CANDIDATE,
        actor_label="forger",
        at=reported.pswp_status_at,
    )
    with pytest.raises(IntegrityError, match="PSWP ledger"):
        _raw(
            f"UPDATE {_table(EventReport)} SET pswp_status = %s WHERE id = %s",  # noqa: S608
            [PswpStatus.CANDIDATE, reported.pk.hex if connection.vendor == "sqlite" else reported.pk],
        )
    reported.refresh_from_db()
    assert reported.pswp_status == PswpStatus.REPORTED
    assert ledger_rows(reported)[-1].pk == forged.pk  # what `audit verify` then reports


def test_the_newest_ledger_row_cannot_be_edited_to_match_a_forged_status(reported):
    newest = ledger_rows(reported)[-1]
    table = connection.ops.quote_name(PswpTransition._meta.db_table)
    for column, value in [("to_status", PswpStatus.CANDIDATE), ("from_status", ""), ("object_id", "x")]:
        with pytest.raises(IntegrityError, match="append-only"):
            _raw(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, newest.pk])  # noqa: S608
    _unchanged(reported)


def test_a_ledger_rows_actor_can_still_be_cleared_when_the_user_goes(reported):
    table = connection.ops.quote_name(PswpTransition._meta.db_table)
    _raw(f"UPDATE {table} SET actor_id = NULL WHERE object_id = %s", [str(reported.pk)])  # noqa: S608
    assert {row.actor_id for row in ledger_rows(reported)} == {None}


def test_a_report_cannot_be_created_already_reported(cast):
    with pytest.raises(IntegrityError, match="PSWP ledger"), transaction.atomic():
        EventReport.objects.create(
            provider=cast.orgs["p1"],
            event_type="A3",
            discovered_at=timezone.now(),
            narrative="created past the ledger",
            reported_at=timezone.now(),
            pswp_status=PswpStatus.REPORTED,
            pswp_status_at=timezone.now(),
        )


@pytest.fixture
def external(cast):
    return build_external_report(
        provider=cast.orgs["p1"],
        actor=cast.users["safety_manager"],
        obligation="other",
        due_on=timezone.localdate(),
        source="Medical record, nursing note",
        facts=OriginalFacts(event_description="Fall documented in the nursing note"),
    )


def test_an_external_reports_status_time_is_the_ledgers(external):
    [row] = PswpTransition.objects.filter(object_id=str(external.pk), content_type__model="externalreport")
    external.refresh_from_db()
    assert (row.to_status, row.at) == (external.pswp_status, external.pswp_status_at)


def test_an_external_reports_status_cannot_be_written_around_the_ledger(external):
    with pytest.raises(LedgerBypassRefused):
        ExternalReport.objects.filter(pk=external.pk).update(pswp_status_at=timezone.now())
    with pytest.raises(IntegrityError, match="PSWP ledger"):
        _raw(f"UPDATE {_table(ExternalReport)} SET pswp_status_at = %s", [timezone.now()])  # noqa: S608


def test_every_model_with_a_pswp_status_is_guarded_in_the_database(db):
    carriers = {
        m._meta.db_table
        for m in apps.get_models()
        # simple-history's copies are rows of history, inserted, never the status itself.
        if any(f.name == "pswp_status" for f in m._meta.fields) and not m.__name__.startswith("Historical")
    }
    assert (
        {g.table for g in guarded_tables()}
        == carriers
        == {
            "reporting_eventreport",
            "pses_deliberation",
            "pswp_externalreport",
        }
    )
    assert expected_triggers() <= installed_triggers(connection)
