"""Listing renewal, relationship disclosures and security assessments, each flagged red/amber/green."""

from __future__ import annotations

import datetime as dt

import pytest

from openpso.compliance.models import Listing, RelationshipDisclosure, RelationshipKind, SecurityAssessment
from openpso.compliance.register import Level, disclosure_due, register_for
from openpso.compliance.tests.helpers import contract, make_pso

pytestmark = pytest.mark.django_db


def flag(pso, code, today):
    return next(f for f in register_for(pso=pso, today=today).flags if f.code == code)


def expiring(pso, on):
    Listing.objects.filter(pso=pso).update(expires_on=on)


def test_the_listing_is_green_more_than_90_days_before_expiry():
    pso = make_pso()
    expiring(pso, dt.date(2027, 3, 15))
    assert flag(pso, "listing", dt.date(2026, 12, 14)).level == Level.GREEN  # 91 days


def test_the_listing_warns_of_renewal_within_90_days():
    pso = make_pso()
    expiring(pso, dt.date(2027, 3, 15))
    found = flag(pso, "listing", dt.date(2026, 12, 15))  # 90 days
    assert found.level == Level.AMBER
    assert "expires on 2027-03-15, in 90 days" in found.text


def test_an_expired_listing_is_red():
    pso = make_pso()
    expiring(pso, dt.date(2027, 3, 15))
    assert flag(pso, "listing", dt.date(2027, 3, 16)).level == Level.RED


def test_no_listing_is_red():
    assert flag(make_pso(listed=None), "listing", dt.date(2026, 1, 1)).level == Level.RED


def test_a_disclosure_is_due_45_days_after_the_end_of_the_month_the_relationship_began():
    assert disclosure_due(dt.date(2026, 1, 10)) == dt.date(2026, 3, 17)


def disclose(pso, began, submitted=None):
    provider = contract(pso, "related", dt.date(2025, 1, 1)).provider
    kind = RelationshipKind.FINANCIAL
    return RelationshipDisclosure.objects.create(
        pso=pso, provider=provider, kind=kind, description="x", began_on=began, submitted_on=submitted
    )


def test_a_pending_disclosure_is_amber_until_due_then_red():
    pso = make_pso()
    disclose(pso, dt.date(2026, 1, 10))
    assert flag(pso, "disclosures", dt.date(2026, 3, 17)).level == Level.AMBER
    assert flag(pso, "disclosures", dt.date(2026, 3, 18)).level == Level.RED


def test_submitted_disclosures_are_green():
    pso = make_pso()
    disclose(pso, dt.date(2026, 1, 10), submitted=dt.date(2026, 2, 1))
    assert flag(pso, "disclosures", dt.date(2026, 6, 1)).level == Level.GREEN


def assess(pso, performed, due):
    SecurityAssessment.objects.create(
        pso=pso, performed_on=performed, scope="all", assessor="team", result="ok", next_due=due
    )


def test_no_security_assessment_is_red():
    assert flag(make_pso(), "security", dt.date(2026, 1, 1)).level == Level.RED


def test_the_latest_security_assessment_decides_the_flag():
    pso = make_pso()
    assess(pso, dt.date(2024, 5, 1), dt.date(2025, 5, 1))
    assert flag(pso, "security", dt.date(2025, 6, 1)).level == Level.RED
    assess(pso, dt.date(2025, 6, 1), dt.date(2026, 6, 1))
    assert flag(pso, "security", dt.date(2025, 6, 2)).level == Level.GREEN
    assert flag(pso, "security", dt.date(2026, 5, 10)).level == Level.AMBER


def test_the_register_is_red_when_any_flag_is():
    pso = make_pso()
    assert register_for(pso=pso, today=dt.date(2026, 1, 1)).worst == Level.RED
