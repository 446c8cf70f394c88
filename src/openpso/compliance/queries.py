"""Tenancy for the register: only the PSO's own administrators reach it (docs/decisions/0003).

Anyone else — analysts, auditors, providers, another PSO's administrators — gets 404, exactly as
for a page that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from openpso.audit.actor import Actor
from openpso.compliance.models import (
    DelistingMember,
    RelationshipDisclosure,
    SecurityAssessment,
)
from openpso.organizations.models import Organization, OrgKind
from openpso.organizations.queries import orgs_where
from openpso.organizations.roles import Role


def administered_psos(user: Actor) -> QuerySet[Organization]:
    return orgs_where(user, [Role.PSO_ADMIN]).filter(kind=OrgKind.PSO)


def get_administered_pso(user: Actor) -> Organization:
    """The PSO whose register `user` keeps (the first, as on the organisation pages), else 404."""
    pso = administered_psos(user).first()
    if pso is None:
        raise Http404("No such page")
    return pso


def get_disclosure_for_user(user: Actor, disclosure_id: int) -> RelationshipDisclosure:
    try:
        return RelationshipDisclosure.objects.select_related("pso", "provider").get(
            pk=disclosure_id, pso__in=administered_psos(user)
        )
    except RelationshipDisclosure.DoesNotExist:
        raise Http404("No such disclosure") from None


def get_assessment_for_user(user: Actor, assessment_id: int) -> SecurityAssessment:
    try:
        return SecurityAssessment.objects.select_related("pso").get(pk=assessment_id, pso__in=administered_psos(user))
    except SecurityAssessment.DoesNotExist:
        raise Http404("No such assessment") from None


def network_providers(pso: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(network=pso, kind=OrgKind.PROVIDER)


def member_providers(pso: Organization, day: dt.date) -> QuerySet[Organization]:
    """Providers with a member agreement with `pso` in force on `day`."""
    in_force = Q(agreements__pso=pso, agreements__effective_from__lte=day) & (
        Q(agreements__effective_to__isnull=True) | Q(agreements__effective_to__gte=day)
    )
    return Organization.objects.filter(in_force, kind=OrgKind.PROVIDER).distinct().order_by("name")


M = TypeVar("M", bound=Model)


def get_entry_for_user(user: Actor, model: type[M], entry_id: int) -> M:
    """A register entry of a PSO `user` administers, else 404 (as for a page that does not exist)."""
    if model is DelistingMember:
        where = Q(runbook__pso__in=administered_psos(user))
    else:
        where = Q(pso__in=administered_psos(user))
    found = model._default_manager.filter(where, pk=entry_id).first()  # type: ignore[attr-defined]
    if found is None:
        raise Http404("No such entry")
    return found
