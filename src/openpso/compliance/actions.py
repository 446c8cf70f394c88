"""Changes to the register, each audited with the names of the fields changed (never their text)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from openpso.audit.trail import record
from openpso.compliance.models import Listing, RelationshipDisclosure, SecurityAssessment

PURPOSE = "compliance"


def save_entry(
    *, actor: Any, entry: Listing | RelationshipDisclosure | SecurityAssessment, changed: Iterable[str] = ()
) -> None:
    """Save a listing, disclosure or assessment and record who changed which fields."""
    created = entry.pk is None
    with transaction.atomic():
        entry.save()
        record(
            actor=actor,
            action=f"compliance.{_NOUN[type(entry)]}_{'created' if created else 'changed'}",
            object_type=entry._meta.label_lower,
            object_id=str(entry.pk),
            organization_id=entry.pso_id,
            purpose=PURPOSE,
            detail={"fields": sorted(changed)},
        )


_NOUN: dict[type, str] = {
    Listing: "listing",
    RelationshipDisclosure: "disclosure",
    SecurityAssessment: "assessment",
}
