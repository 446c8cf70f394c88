"""Tenancy for the privilege pages (docs/decisions/0003): anything foreign answers 404.

A provider's safety manager keeps the provider's subpoenas, breaches and accounting; the PSO's
administrators keep the PSO's disclosure log, subpoenas and breaches.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from openpso.audit.actor import Actor
from openpso.compliance.queries import administered_psos, get_administered_pso, network_providers
from openpso.organizations.models import Organization, OrgKind
from openpso.organizations.queries import orgs_where
from openpso.organizations.roles import Role
from openpso.privilege.models import Breach, BreachNotification, PsoDisclosure, Subpoena

__all__ = ["administered_psos", "get_administered_pso", "network_providers"]


def managed_providers(user: Actor) -> QuerySet[Organization]:
    """Providers whose safety manager `user` is."""
    return orgs_where(user, [Role.SAFETY_MANAGER]).filter(kind=OrgKind.PROVIDER).order_by("name")


def get_managed_provider(user: Actor, slug: str) -> Organization:
    """A provider whose safety manager `user` is, else 404."""
    try:
        return managed_providers(user).get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404("No such provider") from None


def pso_disclosures(pso: Organization) -> QuerySet[PsoDisclosure]:
    disclosures: QuerySet[PsoDisclosure] = (
        PsoDisclosure.objects.filter(pso=pso)
        .select_related("provider", "disclosed_by")
        .annotate(accounted=Count("accounting"))
    )
    return disclosures


def subpoenas_of(org: Organization) -> QuerySet[Subpoena]:
    return Subpoena.objects.filter(organization=org).prefetch_related("steps")


def get_subpoena(org: Organization, subpoena_id: Any) -> Subpoena:
    try:
        return Subpoena.objects.get(organization=org, pk=int(subpoena_id))
    except (Subpoena.DoesNotExist, TypeError, ValueError):
        raise Http404("No such subpoena") from None


def breaches_of(org: Organization) -> QuerySet[Breach]:
    return Breach.objects.filter(organization=org).prefetch_related("notifications__recipient")


def get_breach(org: Organization, breach_id: Any) -> Breach:
    try:
        return Breach.objects.get(organization=org, pk=int(breach_id))
    except (Breach.DoesNotExist, TypeError, ValueError):
        raise Http404("No such breach") from None


def get_notice(org: Organization, notice_id: Any) -> BreachNotification:
    """A notice `org` owes (one of its own breaches)."""
    try:
        return BreachNotification.objects.select_related("breach").get(breach__organization=org, pk=int(notice_id))
    except (BreachNotification.DoesNotExist, TypeError, ValueError):
        raise Http404("No such notice") from None


def notices_received(provider: Organization) -> QuerySet[BreachNotification]:
    """Notices of PSO breaches that touched this provider's PSWP."""
    return BreachNotification.objects.filter(recipient=provider).select_related("breach", "breach__organization")
