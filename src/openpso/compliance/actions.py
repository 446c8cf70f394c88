"""Changes to the register, each audited with the names of the fields changed (never their text)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from openpso.audit.trail import record
from openpso.compliance.models import (
    BusinessAssociateAgreement,
    DelistingMember,
    DelistingRunbook,
    Listing,
    RelationshipDisclosure,
    SecurityAssessment,
    SecurityPolicy,
    TrainingRecord,
)
from openpso.compliance.queries import member_providers

PURPOSE = "compliance"


Entry = (
    Listing
    | RelationshipDisclosure
    | SecurityAssessment
    | BusinessAssociateAgreement
    | TrainingRecord
    | SecurityPolicy
    | DelistingRunbook
    | DelistingMember
)


def save_entry(*, actor: Any, entry: Entry, changed: Iterable[str] = ()) -> None:
    """Save a register entry and record who changed which fields.

    A new delisting runbook lists every provider with a member agreement in force on the
    delisting date, so none is forgotten in the notifications and dispositions (3.108(b)).
    """
    created = entry.pk is None
    with transaction.atomic():
        entry.save()
        _audit(actor, entry, created=created, changed=changed)
        if created and isinstance(entry, DelistingRunbook):
            for provider in member_providers(entry.pso, entry.triggered_on):
                member = DelistingMember.objects.create(runbook=entry, provider=provider)
                _audit(actor, member, created=True, changed=())


def _audit(actor: Any, entry: Entry, *, created: bool, changed: Iterable[str]) -> None:
    pso_id = entry.runbook.pso_id if isinstance(entry, DelistingMember) else entry.pso_id
    record(
        actor=actor,
        action=f"compliance.{_NOUN[type(entry)]}_{'created' if created else 'changed'}",
        object_type=entry._meta.label_lower,
        object_id=str(entry.pk),
        organization_id=pso_id,
        purpose=PURPOSE,
        detail={"fields": sorted(changed)},
    )


_NOUN: dict[type, str] = {
    Listing: "listing",
    RelationshipDisclosure: "disclosure",
    SecurityAssessment: "assessment",
    BusinessAssociateAgreement: "baa",
    TrainingRecord: "training",
    SecurityPolicy: "policy",
    DelistingRunbook: "delisting",
    DelistingMember: "delisting_member",
}
