"""`seed_compliance` gives a demo PSO a register once, with nothing red."""

from __future__ import annotations

import datetime as dt

import pytest

from openpso.audit.models import AuditEvent
from openpso.compliance.demo import seed_compliance
from openpso.compliance.models import (
    BusinessAssociateAgreement,
    Listing,
    RelationshipDisclosure,
    SecurityAssessment,
    SecurityPolicy,
    TrainingRecord,
)
from openpso.compliance.queries import member_providers
from openpso.compliance.register import Level, register_for

TODAY = dt.date(2026, 11, 26)


@pytest.mark.django_db
def test_seeding_the_register_twice_writes_it_once(cast):
    pso = cast.orgs["pso1"]
    assert seed_compliance(pso, today=TODAY) is True
    assert seed_compliance(pso, today=TODAY) is False
    assert Listing.objects.filter(pso=pso).count() == 1
    assert RelationshipDisclosure.objects.filter(pso=pso).count() == 2
    assert SecurityAssessment.objects.filter(pso=pso).count() == 1
    assert TrainingRecord.objects.filter(pso=pso).count() == 2
    assert SecurityPolicy.objects.filter(pso=pso).count() == 2
    # One agreement per member in force and one with the backup contractor, each audited.
    baas = BusinessAssociateAgreement.objects.filter(pso=pso)
    assert baas.filter(provider__isnull=True).count() == 1
    assert set(baas.exclude(provider=None).values_list("provider", flat=True)) == set(
        member_providers(pso, TODAY).values_list("pk", flat=True)
    )
    assert AuditEvent.objects.filter(action="compliance.baa_created", organization_id=pso.pk).count() == baas.count()


@pytest.mark.django_db
def test_the_demo_register_shows_amber_and_green_but_no_red(cast):
    pso = cast.orgs["pso1"]
    seed_compliance(pso, today=TODAY)
    levels = {f.code: f.level for f in register_for(pso=pso, today=TODAY).flags}
    assert levels == {
        "listing": Level.AMBER,
        "contracts": Level.GREEN,
        "disclosures": Level.AMBER,
        "security": Level.GREEN,
        "baas": Level.GREEN,
        "training": Level.AMBER,
        "policies": Level.GREEN,
        "delisting": Level.GREEN,
    }
