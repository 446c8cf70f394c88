"""Changes to organisations, units, agreements and memberships, each audited (invariant 3)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import models, transaction

from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.organizations.events import OrganizationAction
from openpso.organizations.models import Membership, Organization


def save_audited(
    *, actor: Actor | None, obj: models.Model, organization: Organization, action: OrganizationAction
) -> None:
    """Save an organisation-data object and record who changed what (ids only, no values)."""
    with transaction.atomic():
        obj.save()
        record(
            actor=actor,
            action=action,
            object_type=object_type_of(obj),
            object_id=str(obj.pk),
            organization_id=organization.pk,
            purpose="administration",
        )


def grant_role(
    *, actor: Actor | None, organization: Organization, email: str, role: str, first_name: str = "", last_name: str = ""
) -> Membership:
    """Give a person a role, creating their account (without a password) if needed."""
    with transaction.atomic():
        user = get_user_model().objects.filter(email__iexact=email).first()
        if getattr(user, "is_service_account", False):
            # An API key's account holds exactly its key's membership (docs/decisions/0020-api-keys.md).
            raise ValueError("an API key's service account can hold no other role")
        if user is None:
            user = get_user_model().objects.create_user(email=email, first_name=first_name, last_name=last_name)
            user.set_unusable_password()  # they set one through the password-reset e-mail
            user.save(update_fields=["password"])
        membership, _ = Membership.objects.get_or_create(user=user, organization=organization, role=role)
        record(
            actor=actor,
            action=OrganizationAction.MEMBERSHIP_GRANTED,
            object_type=object_type_of(membership),
            object_id=str(membership.pk),
            organization_id=organization.pk,
            purpose="administration",
            detail={"role": role, "user_id": user.pk},
        )
    return membership


def revoke_role(*, actor: Actor | None, membership: Membership) -> None:
    with transaction.atomic():
        record(
            actor=actor,
            action=OrganizationAction.MEMBERSHIP_REVOKED,
            object_type=object_type_of(membership),
            object_id=str(membership.pk),
            organization_id=membership.organization_id,
            purpose="administration",
            detail={"role": membership.role, "user_id": membership.user_id},
        )
        membership.delete()
