"""Business associate agreements, workforce training and written policies (3.106): recorded
through the register's forms, audited, and flagged when missing, expired or overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from openpso.audit.models import AuditEvent
from openpso.compliance.models import BusinessAssociateAgreement, SecurityPolicy, TrainingRecord
from openpso.compliance.register import Level, register_for
from openpso.compliance.tests.fixtures import cast_register_entries
from openpso.compliance.tests.helpers import contract, make_pso

TODAY = dt.date(2026, 11, 26)


def flag(pso, code, today=TODAY):
    return next(f for f in register_for(pso=pso, today=today).flags if f.code == code)


def baa(pso, counterparty, review_on, provider=None, signed_on=dt.date(2025, 1, 1)):
    return BusinessAssociateAgreement.objects.create(
        pso=pso, counterparty=counterparty, provider=provider, signed_on=signed_on, scope="PHI", review_on=review_on
    )


@pytest.mark.django_db
def test_no_baa_is_red_and_a_member_without_one_is_named():
    pso = make_pso()
    assert flag(pso, "baas").level == Level.RED
    covered = contract(pso, "Covered Hospital", dt.date(2025, 1, 1)).provider
    contract(pso, "Bare Clinic", dt.date(2025, 1, 1))
    baa(pso, "Covered Hospital", dt.date(2028, 1, 1), provider=covered)
    found = flag(pso, "baas")
    assert found.level == Level.RED
    assert "No current agreement with member: Bare Clinic." in found.text


@pytest.mark.django_db
def test_an_expired_baa_is_red_until_renewed():
    pso = make_pso()
    baa(pso, "Backup Co", dt.date(2026, 11, 25))
    found = flag(pso, "baas")
    assert found.level == Level.RED
    assert "Backup Co (2026-11-25)" in found.text
    baa(pso, "backup co ", dt.date(2029, 1, 1), signed_on=dt.date(2026, 11, 20))  # the renewal replaces it
    assert flag(pso, "baas").level == Level.GREEN
    baa(pso, "Host", dt.date(2026, 12, 20))
    assert flag(pso, "baas").level == Level.AMBER


@pytest.mark.django_db
def test_training_is_red_when_missing_or_overdue_and_a_newer_course_clears_it():
    pso = make_pso()
    assert flag(pso, "training").level == Level.RED
    TrainingRecord.objects.create(
        pso=pso, person="Ann", course="PSQIA", completed_on=dt.date(2025, 11, 1), due_again=dt.date(2026, 11, 1)
    )
    found = flag(pso, "training")
    assert (found.level, "Ann's PSQIA, was due on 2026-11-01" in found.text) == (Level.RED, True)
    TrainingRecord.objects.create(
        pso=pso, person="Ann", course="PSQIA", completed_on=dt.date(2026, 11, 20), due_again=dt.date(2027, 11, 20)
    )
    assert flag(pso, "training").level == Level.GREEN


@pytest.mark.django_db
def test_a_policy_past_review_is_red_and_the_version_in_force_counts():
    pso = make_pso()
    assert flag(pso, "policies").level == Level.RED
    SecurityPolicy.objects.create(
        pso=pso, title="Access", version="1", adopted_on=dt.date(2025, 1, 1), next_review=dt.date(2026, 1, 1)
    )
    assert "Access v1 (due 2026-01-01)" in flag(pso, "policies").text
    SecurityPolicy.objects.create(
        pso=pso, title="Access", version="2", adopted_on=dt.date(2026, 2, 1), next_review=dt.date(2027, 2, 1)
    )
    assert flag(pso, "policies").level == Level.GREEN


@pytest.mark.django_db
def test_the_forms_record_each_entry_with_a_default_review_date_and_audit_it(cast, client_for):
    client = client_for("pso_admin")
    p1 = cast.orgs["p1"]
    posts = {
        "/compliance/baas/new/": {
            "counterparty": "Cast General Hospital",
            "provider": p1.pk,
            "signed_on": "2025-01-01",
            "scope": "Event reports",
            "review_on": "2028-01-01",
        },
        "/compliance/training/new/": {
            "person": "Ann",
            "role": "Analyst",
            "course": "PSQIA",
            "completed_on": "2025-06-01",
        },
        "/compliance/policies/new/": {"title": "Access", "version": "2.0", "adopted_on": "2025-06-01"},
    }
    for path, data in posts.items():
        assert client.post(path, data).status_code == 302, path
    pso = cast.orgs["pso1"]
    assert BusinessAssociateAgreement.objects.get(pso=pso).provider == p1
    assert TrainingRecord.objects.get(pso=pso).due_again == dt.date(2026, 6, 1)
    assert SecurityPolicy.objects.get(pso=pso).next_review == dt.date(2026, 6, 1)
    actions = set(AuditEvent.objects.filter(organization_id=pso.pk).values_list("action", flat=True))
    assert {"compliance.baa_created", "compliance.training_created", "compliance.policy_created"} <= actions
    body = client.get("/compliance/").content.decode()
    for shown in ("Business associate agreements", "PSQIA", "Access"):
        assert shown in body


@pytest.mark.django_db
def test_form_errors_name_the_field(cast, client_for):
    client = client_for("pso_admin")
    response = client.post(
        "/compliance/baas/new/",
        {
            "counterparty": "X",
            "provider": cast.orgs["p3"].pk,
            "signed_on": "2025-01-01",
            "scope": "s",
            "review_on": "2024-01-01",
        },
    )
    body = response.content.decode()
    assert "Select a valid choice" in body  # another network's provider
    assert "Expires or due for review on</a>: The expiry or review date must come after the signing date." in body
    response = client.post("/compliance/policies/new/", {"title": "A", "version": "1", "adopted_on": "2999-01-01"})
    assert "This date is in the future" in response.content.decode()
    assert not BusinessAssociateAgreement.objects.exists()
    assert not SecurityPolicy.objects.exists()


@pytest.mark.django_db
def test_editing_an_entry_is_audited_and_other_psos_entries_are_404(cast, client_for):
    entries = cast_register_entries(cast)
    ours = TrainingRecord.objects.get(pk=entries["training_id"]["pso1"].pk)
    client = client_for("pso_admin")
    data = {
        "person": ours.person,
        "role": "Lead",
        "course": ours.course,
        "completed_on": "2025-02-01",
        "due_again": "2026-02-01",
    }
    assert client.post(f"/compliance/training/{ours.pk}/", data).status_code == 302
    assert AuditEvent.objects.get(action="compliance.training_changed", object_id=str(ours.pk)).detail == {
        "fields": ["role"]
    }
    theirs = entries["policy_id"]["pso2"]
    assert client.get(f"/compliance/policies/{theirs.pk}/").status_code == 404
    assert client_for("pso_analyst").get(f"/compliance/policies/{entries['policy_id']['pso1'].pk}/").status_code == 404
