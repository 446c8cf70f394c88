"""A subpoena or discovery request: received → privilege asserted → outcome, with continued
protection recorded; each step audited; out-of-order steps refused with the field named."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from openpso.audit.models import AuditEvent
from openpso.privilege.actions import Refused, assert_privilege, close_subpoena, receive_subpoena
from openpso.privilege.models import Outcome, Subpoena, SubpoenaStatus, SubpoenaStep
from openpso.privilege.tests.helpers import days_ago, today


def _received(cast, *, served=10, due_in=20):
    return receive_subpoena(
        organization=cast.orgs["p1"],
        actor=cast.users["safety_manager"],
        kind="subpoena",
        requested_by="Plaintiff's counsel",
        forum="County court, case 26-CV-1",
        what_asked="All incident reports about the fall",
        records_reached="Event report and its RCA (PSWP); the chart (not PSWP)",
        served_on=days_ago(served),
        respond_by=days_ago(served) + dt.timedelta(days=due_in),
    )


def _assert(cast, subpoena, **overrides):
    kwargs: dict[str, Any] = {
        "privilege_text": "The reports are PSWP, privileged.",
        "privilege_cite": "42 CFR 3.204(a)",
        "asserted_on": today(),
    }
    return assert_privilege(subpoena=subpoena, actor=cast.users["safety_manager"], **kwargs | overrides)


def test_received_privilege_asserted_then_quashed_with_continued_protection(cast):
    subpoena = _received(cast)
    assert subpoena.days_left(today()) == 10
    assert not subpoena.overdue(today())
    _assert(cast, subpoena)
    closed = close_subpoena(
        subpoena=subpoena, actor=cast.users["safety_manager"], outcome=Outcome.QUASHED, outcome_on=today()
    )
    assert closed.status == SubpoenaStatus.CLOSED
    assert "privileged and confidential" in closed.continued_protection
    assert [s.to_status for s in SubpoenaStep.objects.filter(subpoena=subpoena)] == [
        "received",
        "privilege_asserted",
        "closed",
    ]
    actions = list(AuditEvent.objects.filter(object_type="privilege.subpoena").values_list("action", flat=True))
    assert actions == [
        "privilege.subpoena_received",
        "privilege.subpoena_privilege_asserted",
        "privilege.subpoena_closed",
    ]


def test_a_response_past_its_date_is_overdue_until_answered(cast):
    subpoena = _received(cast, served=30, due_in=20)
    assert subpoena.overdue(today())
    assert not _assert(cast, subpoena).overdue(today())


def test_asserting_needs_the_text_and_the_cite(cast):
    with pytest.raises(Refused) as caught:
        _assert(cast, _received(cast), privilege_text=" ", privilege_cite="")
    assert set(caught.value.errors) == {"privilege_text", "privilege_cite"}
    assert Subpoena.objects.get().status == SubpoenaStatus.RECEIVED


def test_privilege_cannot_be_asserted_twice(cast):
    subpoena = _assert(cast, _received(cast))
    with pytest.raises(Refused) as caught:
        _assert(cast, subpoena)
    assert "status" in caught.value.errors


def test_a_court_ordered_disclosure_needs_an_exception_to_privilege(cast):
    subpoena = _assert(cast, _received(cast))
    actor = cast.users["safety_manager"]
    with pytest.raises(Refused) as caught:
        close_subpoena(
            subpoena=subpoena,
            actor=actor,
            outcome=Outcome.COURT_ORDERED_DISCLOSURE,
            outcome_on=today(),
            outcome_detail="Order 7",
            exception_basis="BUSINESS_OPERATIONS",
        )
    assert "exception_basis" in caught.value.errors
    closed = close_subpoena(
        subpoena=subpoena,
        actor=actor,
        outcome=Outcome.COURT_ORDERED_DISCLOSURE,
        outcome_on=today(),
        outcome_detail="Order 7 after in-camera review",
        exception_basis="CRIMINAL_PROCEEDING",
    )
    assert "no longer confidential" in closed.continued_protection


def test_only_withdrawal_or_not_pswp_close_a_demand_before_privilege_is_asserted(cast):
    subpoena = _received(cast)
    with pytest.raises(Refused) as caught:
        close_subpoena(subpoena=subpoena, actor=None, outcome=Outcome.QUASHED, outcome_on=today())
    assert "outcome" in caught.value.errors
    close_subpoena(subpoena=subpoena, actor=None, outcome=Outcome.WITHDRAWN, outcome_on=today())
    with pytest.raises(Refused) as caught:
        close_subpoena(subpoena=subpoena, actor=None, outcome=Outcome.WITHDRAWN, outcome_on=today())
    assert "status" in caught.value.errors


def test_a_demand_cannot_be_due_before_it_was_served(cast):
    with pytest.raises(Refused) as caught:
        _received(cast, due_in=-1)
    assert "respond_by" in caught.value.errors
    assert not Subpoena.objects.exists()
