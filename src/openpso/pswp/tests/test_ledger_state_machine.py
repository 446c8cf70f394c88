"""Random sequences of PSWP actions on an event report (issue 4: tests that prove it), with
attempts to write the status around the ledger among them (issue 15 item 2): each is refused,
and the status is always the last ledger row's."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from openpso.pswp import ledger
from openpso.pswp.guard import LedgerBypassRefused
from openpso.pswp.integrity import verify_ledger
from openpso.pswp.status import REPORTED_STATUSES, PswpStatus
from openpso.pswp.tests.helpers import file, ledger_audits, ledger_rows
from openpso.reporting.models import EventReport
from openpso.testing.cast import Cast


def _save(report: EventReport, to: str) -> None:
    report.pswp_status = to
    report.save()


def _queryset_update(report: EventReport, to: str) -> None:
    EventReport.objects.filter(pk=report.pk).update(pswp_status=to)


def _bulk_update(report: EventReport, to: str) -> None:
    report.pswp_status = to
    EventReport.objects.bulk_update([report], ["pswp_status"])


def _base_manager_update(report: EventReport, to: str) -> None:
    EventReport._base_manager.filter(pk=report.pk).update(pswp_status=to)


def _raw_sql(report: EventReport, to: str) -> None:
    table = connection.ops.quote_name(EventReport._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET pswp_status = %s", [to])  # noqa: S608


BYPASSES = [_save, _queryset_update, _bulk_update, _base_manager_update, _raw_sql]

REASONS = st.sampled_from(["", "   ", "Needed for the state report", "Entered by mistake"])


class PswpLedgerMachine(RuleBasedStateMachine):
    cast: Cast

    @initialize(anonymous=st.booleans())
    def file_a_report(self, anonymous: bool) -> None:
        self.actor = self.cast.users["safety_manager"]
        self.report = file(self.cast.users["reporter"], anonymous=anonymous)
        self.ever_reported = False

    def _attempt(self, change: Callable[..., Any], **kwargs: Any) -> bool:
        rows, audits = len(ledger_rows(self.report)), ledger_audits(self.report)
        try:
            change(artefact=self.report, actor=self.actor, **kwargs)
        except ledger.PswpTransitionRefused:
            assert len(ledger_rows(self.report)) == rows, "a refused transition wrote a ledger row"
            assert ledger_audits(self.report) == audits, "a refused transition wrote an audit event"
            return False
        assert len(ledger_rows(self.report)) == rows + 1, "an accepted transition needs exactly one ledger row"
        assert ledger_audits(self.report) == audits + 1, "an accepted transition needs exactly one audit event"
        return True

    @rule()
    def enter(self) -> None:
        assert not self._attempt(ledger.enter_pses), "a filed report is already in the PSES"

    @rule(functional=st.booleans())
    def report_to_the_pso(self, functional: bool) -> None:
        if self._attempt(ledger.mark_reported, functional=functional):
            self.ever_reported = True

    @rule(reason=REASONS)
    def drop_out(self, reason: str) -> None:
        accepted = self._attempt(ledger.drop_out, reason=reason)
        if self.ever_reported or not reason.strip():
            assert not accepted, "drop-out accepted after reporting or without a reason"

    @rule(reason=REASONS)
    def not_pswp(self, reason: str) -> None:
        # Issue 15 item 1: a report in the PSES leaves it only by a documented drop-out.
        assert not self._attempt(ledger.mark_not_pswp, reason=reason), "a filed report was declared not PSWP"

    @rule()
    def deliberation(self) -> None:
        assert not self._attempt(ledger.mark_deliberation), "a report does not become a deliberation"

    @rule(bypass=st.sampled_from(BYPASSES), to=st.sampled_from(PswpStatus.values))
    def write_the_status_around_the_ledger(self, bypass: Callable[[EventReport, str], None], to: str) -> None:
        report = EventReport.objects.get(pk=self.report.pk)
        if to == report.pswp_status:
            return  # writing the same value changes nothing; there is nothing to refuse
        rows, audits = len(ledger_rows(report)), ledger_audits(report)
        with pytest.raises((LedgerBypassRefused, IntegrityError)), transaction.atomic():
            bypass(report, to)
        assert EventReport.objects.get(pk=report.pk).pswp_status == self.report.pswp_status
        assert (len(ledger_rows(report)), ledger_audits(report)) == (rows, audits)

    @invariant()
    def audit_verify_finds_the_ledger_consistent(self) -> None:
        verdict = verify_ledger()
        assert verdict.ok, verdict.problems

    @invariant()
    def never_dropped_out_after_reporting(self) -> None:
        self.report.refresh_from_db()
        statuses = [row.to_status for row in ledger_rows(self.report)]
        if any(s in REPORTED_STATUSES for s in statuses):
            first = next(i for i, s in enumerate(statuses) if s in REPORTED_STATUSES)
            assert PswpStatus.DROPPED_OUT not in statuses[first:]

    @invariant()
    def the_denormalised_status_is_the_last_ledger_row(self) -> None:
        rows = ledger_rows(self.report)
        self.report.refresh_from_db()
        assert rows, "filing writes the PSES entry"
        assert rows[0].from_status == ""
        assert rows[0].to_status == PswpStatus.CANDIDATE
        assert self.report.pswp_status == rows[-1].to_status
        assert self.report.pswp_status_at == rows[-1].at
        for before, after in itertools.pairwise(rows):
            assert after.from_status == before.to_status


@pytest.mark.django_db
def test_random_pswp_action_sequences_keep_the_ledger_invariants(cast):
    PswpLedgerMachine.cast = cast
    run_state_machine_as_test(
        PswpLedgerMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
