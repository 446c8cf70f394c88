"""Breaches: the 60-day clock from discovery, overdue notices, a notice recorded as sent, and a
PSO breach touching a member's PSWP that creates a notice the member sees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from openpso.audit.models import AuditEvent
from openpso.privilege.actions import Refused, assess_breach, record_breach, record_notice_sent
from openpso.privilege.clocks import covered_entity_notices
from openpso.privilege.models import BreachNotification, RiskConclusion
from openpso.privilege.tests.helpers import days_ago, today

FACTORS = {
    "nature": "Names and dates of service",
    "recipient": "A vendor",
    "acquired": "Viewed",
    "mitigated": "Deleted",
}


def _pso_breach(cast, discovered=None):
    return record_breach(
        organization=cast.orgs["pso1"],
        actor=cast.users["pso_admin"],
        kind="impermissible_disclosure",
        what="A member's event export e-mailed to the wrong provider CANARY-BREACH",
        discovered_on=discovered or days_ago(70),
        who_affected="Patients of one member",
        patients_affected=3,
        affected_providers=[cast.orgs["p1"]],
    )


def test_a_pso_breach_notifies_the_provider_within_60_days_of_discovery(cast):
    breach = _pso_breach(cast, discovered=dt.date(2026, 1, 10))
    notice = BreachNotification.objects.get(breach=breach)
    assert notice.recipient == cast.orgs["p1"]
    assert notice.due_on == dt.date(2026, 3, 11)
    assert notice.overdue(dt.date(2026, 3, 12))
    assert not notice.overdue(dt.date(2026, 3, 11))


def test_an_overdue_notice_is_flagged_until_it_is_recorded_as_sent(cast):
    notice = BreachNotification.objects.get(breach=_pso_breach(cast))
    assert notice.overdue(today())
    record_notice_sent(notification=notice, actor=cast.users["pso_admin"], sent_on=today(), method="Letter")
    notice.refresh_from_db()
    assert notice.sent_on == today()
    assert not notice.overdue(today())
    event = AuditEvent.objects.get(action="privilege.breach_notice_sent")
    assert event.detail["late"] is True
    with pytest.raises(Refused) as caught:
        record_notice_sent(notification=notice, actor=None, sent_on=today(), method="Again")
    assert "sent_on" in caught.value.errors


def test_the_provider_sees_the_psos_notice_on_its_register(cast, client_for):
    _pso_breach(cast)
    page = client_for("safety_manager").get(reverse("privilege:breaches", kwargs={"provider": "t-p1"}))
    assert page.status_code == 200
    assert "CANARY-BREACH" in page.content.decode()
    assert "OVERDUE" in page.content.decode()
    other = client_for("manager_p2").get(reverse("privilege:breaches", kwargs={"provider": "t-p2"}))
    assert "CANARY-BREACH" not in other.content.decode()


def test_a_pso_breach_must_name_its_own_members(cast):
    with pytest.raises(Refused) as caught:
        record_breach(
            organization=cast.orgs["pso1"],
            actor=None,
            kind="security_breach",
            what="x",
            discovered_on=today(),
            who_affected="y",
            affected_providers=[cast.orgs["p3"]],
        )
    assert "affected_providers" in caught.value.errors


def test_a_providers_breach_of_phi_owes_notices_to_individuals_and_the_secretary(cast):
    breach = record_breach(
        organization=cast.orgs["p1"],
        actor=cast.users["safety_manager"],
        kind="security_breach",
        what="Laptop stolen",
        discovered_on=days_ago(5),
        who_affected="40 patients",
        patients_affected=40,
    )
    assert not breach.notifications.exists()  # nothing owed before the risk assessment
    with pytest.raises(Refused) as caught:
        assess_breach(
            breach=breach, actor=None, conclusion="breach", assessed_on=today(), **(FACTORS | {"acquired": ""})
        )
    assert set(caught.value.errors) == {"risk_acquired"}
    assess_breach(breach=breach, actor=None, conclusion=RiskConclusion.BREACH, assessed_on=today(), **FACTORS)
    due = {n.notice_to: n.due_on for n in breach.notifications.all()}
    assert due["individuals"] == days_ago(5) + dt.timedelta(days=60)
    assert due["secretary"] == dt.date(days_ago(5).year, 12, 31) + dt.timedelta(days=60)  # fewer than 500
    assert "media" not in due


def test_a_large_breach_adds_the_media_and_an_immediate_secretary_notice():
    kinds = {c.notice_to: c.due_on for c in covered_entity_notices(dt.date(2026, 5, 1), 501)}
    assert kinds == {n: dt.date(2026, 6, 30) for n in ("individuals", "secretary", "media")}


def test_a_low_probability_assessment_owes_no_notices(cast):
    breach = record_breach(
        organization=cast.orgs["p1"],
        actor=None,
        kind="security_breach",
        what="Fax misdirected",
        discovered_on=today(),
        who_affected="1 patient",
        patients_affected=1,
    )
    assess_breach(breach=breach, actor=None, conclusion=RiskConclusion.LOW_PROBABILITY, assessed_on=today(), **FACTORS)
    assert not breach.notifications.exists()
