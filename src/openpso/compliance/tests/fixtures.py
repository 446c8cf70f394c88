"""Register entries for the shared test cast: one relationship disclosure and one security
assessment in each cast PSO, made once per cast (the tenancy matrix uses them). Text in the
second PSO's entries carries CANARY-ORG-pso2, so a leak to the first PSO shows in a page."""

from __future__ import annotations

import datetime as dt

from django.db.models import Model

from openpso.compliance.models import (
    BusinessAssociateAgreement,
    DelistingMember,
    DelistingRunbook,
    RelationshipDisclosure,
    RelationshipKind,
    SecurityAssessment,
    SecurityPolicy,
    TrainingRecord,
)
from openpso.testing.cast import Cast

# The provider each cast PSO's disclosure names.
DISCLOSURE_PROVIDER = {"pso1": "p1", "pso2": "p3"}


def cast_disclosures(cast: Cast) -> dict[str, RelationshipDisclosure]:
    found = {}
    for pso_key, provider_key in DISCLOSURE_PROVIDER.items():
        pso = cast.orgs[pso_key]
        existing = RelationshipDisclosure.objects.filter(pso=pso).first()
        found[pso_key] = existing or RelationshipDisclosure.objects.create(
            pso=pso,
            provider=cast.orgs[provider_key],
            kind=RelationshipKind.FINANCIAL,
            description=f"Grant from the provider's foundation. {_marker(pso_key)}",
            began_on=dt.date(2025, 3, 10),
        )
    return found


def cast_assessments(cast: Cast) -> dict[str, SecurityAssessment]:
    found = {}
    for pso_key in DISCLOSURE_PROVIDER:
        pso = cast.orgs[pso_key]
        found[pso_key] = SecurityAssessment.objects.filter(pso=pso).first() or SecurityAssessment.objects.create(
            pso=pso,
            performed_on=dt.date(2025, 6, 1),
            scope=f"Servers and backups. {_marker(pso_key)}",
            assessor=f"Assessor of {pso_key}",
            result="Controls effective.",
            next_due=dt.date(2026, 6, 1),
        )
    return found


def _marker(pso_key: str) -> str:
    return "CANARY-ORG-pso2" if pso_key == "pso2" else ""


def cast_register_entries(cast: Cast) -> dict[str, dict[str, Model]]:
    """One entry of each newer register kind per cast PSO, keyed by its URL parameter, for the
    tenancy matrix: a business associate agreement, a training record, a policy, a delisting
    runbook and its member row (made directly: the matrix tests who sees them, not the forms)."""
    found: dict[str, dict[str, Model]] = {name: {} for name in REGISTER_PARAMS}
    for pso_key, provider_key in DISCLOSURE_PROVIDER.items():
        pso, provider, mark = cast.orgs[pso_key], cast.orgs[provider_key], _marker(pso_key)
        baa = BusinessAssociateAgreement.objects.filter(pso=pso).first()
        found["baa_id"][pso_key] = baa or BusinessAssociateAgreement.objects.create(
            pso=pso,
            counterparty=f"Backup host {mark}".strip(),
            signed_on=dt.date(2025, 1, 1),
            scope="Backups.",
            review_on=dt.date(2027, 1, 1),
        )
        training = TrainingRecord.objects.filter(pso=pso).first()
        found["training_id"][pso_key] = training or TrainingRecord.objects.create(
            pso=pso,
            person=f"Analyst {mark}".strip(),
            course="PSQIA",
            completed_on=dt.date(2025, 2, 1),
            due_again=dt.date(2026, 2, 1),
        )
        policy = SecurityPolicy.objects.filter(pso=pso).first()
        found["policy_id"][pso_key] = policy or SecurityPolicy.objects.create(
            pso=pso,
            title=f"Access control {mark}".strip(),
            version="1",
            adopted_on=dt.date(2025, 1, 1),
            next_review=dt.date(2026, 1, 1),
        )
        runbook = DelistingRunbook.objects.filter(pso=pso).first() or DelistingRunbook.objects.create(
            pso=pso, triggered_on=dt.date(2025, 5, 1), reason=f"Drill. {mark}"
        )
        found["runbook_id"][pso_key] = runbook
        found["member_id"][pso_key] = DelistingMember.objects.get_or_create(runbook=runbook, provider=provider)[0]
    return found


REGISTER_PARAMS = ("baa_id", "training_id", "policy_id", "runbook_id", "member_id")
