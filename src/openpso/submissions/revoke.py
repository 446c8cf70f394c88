"""Revoking something a provider granted (an API key, functional access): stamped once, audited."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.submissions.events import SubmissionAction


def revoke(
    instance: models.Model,
    *,
    actor: Actor | None,
    action: SubmissionAction,
    organization_id: int,
    purpose: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Set `revoked_at` now and write the audit event; revoking twice changes nothing."""
    if getattr(instance, "revoked_at", None) is not None:
        return
    with transaction.atomic():
        type(instance)._default_manager.filter(pk=instance.pk).update(revoked_at=timezone.now())
        record(
            actor=actor,
            action=action,
            object_type=object_type_of(instance),
            object_id=instance.pk,
            organization_id=organization_id,
            purpose=purpose,
            detail=detail,
        )
