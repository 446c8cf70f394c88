"""Tenancy for organisations: every lookup of organisation data for a user goes through here.

Like healthchecks' `_get_check_for_user`, the `get_…_for_user` helpers raise Http404 for
anything outside the user's reach, so a foreign object is indistinguishable from a
missing one (invariant 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from openpso.audit.actor import Actor
from openpso.organizations.models import MemberAgreement, Membership, Organization, OrgKind, Unit
from openpso.organizations.roles import PSES_ROLES, PSO_STAFF_ROLES, SYSTEM_ROLES, Role
from openpso.organizations.timezones import local_date


def roles_of(user: Actor) -> frozenset[str]:
    if not isinstance(user, AbstractBaseUser) or not user.is_authenticated:
        return frozenset()
    return frozenset(Membership.objects.filter(user_id=user.pk).values_list("role", flat=True))


def orgs_where(user: Actor, roles: Iterable[str]) -> QuerySet[Organization]:
    """Organisations in which `user` holds any of `roles`."""
    if not isinstance(user, AbstractBaseUser) or not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user_id=user.pk, memberships__role__in=list(roles)).distinct()


def pso_staff_psos_for(user: Actor) -> QuerySet[Organization]:
    """PSOs in which `user` is staff (analyst or administrator)."""
    return orgs_where(user, PSO_STAFF_ROLES).filter(kind=OrgKind.PSO)


def pses_providers_for(user: Actor) -> QuerySet[Organization]:
    """Providers in whose PSES `user` works (safety manager, PSES committee)."""
    return orgs_where(user, PSES_ROLES).filter(kind=OrgKind.PROVIDER)


def systems_for(user: Actor) -> QuerySet[Organization]:
    """Health systems in which `user` is a safety officer."""
    return orgs_where(user, SYSTEM_ROLES).filter(kind=OrgKind.HEALTH_SYSTEM)


def reporting_providers_for(user: Actor) -> QuerySet[Organization]:
    """Providers on whose behalf `user` may file an event report."""
    return orgs_where(user, [Role.REPORTER, Role.SAFETY_MANAGER, Role.PSES_COMMITTEE]).filter(kind=OrgKind.PROVIDER)


def get_reporting_provider_for_user(user: Actor, slug: str) -> Organization:
    try:
        return reporting_providers_for(user).get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404("No such provider") from None


def home_unit_of(user: Actor, provider: Organization) -> Unit | None:
    if not isinstance(user, AbstractBaseUser) or not user.is_authenticated:
        return None
    membership = (
        Membership.objects.filter(user_id=user.pk, organization=provider, unit__isnull=False)
        .select_related("unit")
        .first()
    )
    return membership.unit if membership else None


def providers_shared_with_system(*, system_ids: Iterable[int], on: dt.date | None = None) -> QuerySet[Organization]:
    """Affiliates whose agreement in force lets their health system see identified data."""
    on = on or timezone.localdate()
    in_force = Q(agreements__effective_from__lte=on) & (
        Q(agreements__effective_to__isnull=True) | Q(agreements__effective_to__gte=on)
    )
    return Organization.objects.filter(
        in_force, parent_id__in=list(system_ids), agreements__system_may_view=True
    ).distinct()


def managed_orgs_for(user: Actor) -> QuerySet[Organization]:
    """Organisations a PSO administrator manages: their PSO and its whole network."""
    pso_ids = list(orgs_where(user, [Role.PSO_ADMIN]).filter(kind=OrgKind.PSO).values_list("id", flat=True))
    return Organization.objects.filter(Q(id__in=pso_ids) | Q(network_id__in=pso_ids))


def get_managed_org_for_user(user: Actor, slug: str) -> Organization:
    try:
        return managed_orgs_for(user).get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404("No such organisation") from None


def active_agreements(on: dt.date | None = None) -> QuerySet[MemberAgreement]:
    on = on or timezone.localdate()
    return MemberAgreement.objects.filter(
        Q(effective_from__lte=on), Q(effective_to__isnull=True) | Q(effective_to__gte=on)
    )


def agreement_in_force(provider: Organization, on: dt.date | None = None) -> MemberAgreement | None:
    """The provider's agreement with its own PSO in force on `on` (today where the provider is), newest first."""
    return (
        active_agreements(on or local_date(timezone.now(), provider))
        .filter(provider=provider, pso_id=provider.network_id)
        .order_by("-effective_from", "-id")
        .first()
    )
