"""Changes to the register, each audited with the names of the fields changed (never their text)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.compliance.events import ComplianceAction
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


def save_entry(*, actor: Actor | None, entry: Entry, changed: Iterable[str] = ()) -> None:
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


def _audit(actor: Actor | None, entry: Entry, *, created: bool, changed: Iterable[str]) -> None:
    pso_id = entry.runbook.pso_id if isinstance(entry, DelistingMember) else entry.pso_id
    on_create, on_change = _ACTIONS[type(entry)]
    record(
        actor=actor,
        action=on_create if created else on_change,
        object_type=object_type_of(entry),
        object_id=str(entry.pk),
        organization_id=pso_id,
        purpose=PURPOSE,
        detail={"fields": sorted(changed)},
    )


# (on create, on change) for each kind of entry.
_ACTIONS: dict[type, tuple[ComplianceAction, ComplianceAction]] = {
    Listing: (ComplianceAction.LISTING_CREATED, ComplianceAction.LISTING_CHANGED),
    RelationshipDisclosure: (ComplianceAction.DISCLOSURE_CREATED, ComplianceAction.DISCLOSURE_CHANGED),
    SecurityAssessment: (ComplianceAction.ASSESSMENT_CREATED, ComplianceAction.ASSESSMENT_CHANGED),
    BusinessAssociateAgreement: (ComplianceAction.BAA_CREATED, ComplianceAction.BAA_CHANGED),
    TrainingRecord: (ComplianceAction.TRAINING_CREATED, ComplianceAction.TRAINING_CHANGED),
    SecurityPolicy: (ComplianceAction.POLICY_CREATED, ComplianceAction.POLICY_CHANGED),
    DelistingRunbook: (ComplianceAction.DELISTING_CREATED, ComplianceAction.DELISTING_CHANGED),
    DelistingMember: (ComplianceAction.DELISTING_MEMBER_CREATED, ComplianceAction.DELISTING_MEMBER_CHANGED),
}
