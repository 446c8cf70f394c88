"""Tenancy for the register: only the PSO's own administrators reach it (docs/decisions/0003).

Anyone else — analysts, auditors, providers, another PSO's administrators — gets 404, exactly as
for a page that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from openpso.compliance.models import RelationshipDisclosure, SecurityAssessment
from openpso.organizations.models import Organization, OrgKind
from openpso.organizations.queries import orgs_where
from openpso.organizations.roles import Role


def administered_psos(user: Any) -> QuerySet[Organization]:
    return orgs_where(user, [Role.PSO_ADMIN]).filter(kind=OrgKind.PSO)


def get_administered_pso(user: Any) -> Organization:
    """The PSO whose register `user` keeps (the first, as on the organisation pages), else 404."""
    pso = administered_psos(user).first()
    if pso is None:
        raise Http404("No such page")
    return pso


def get_disclosure_for_user(user: Any, disclosure_id: int) -> RelationshipDisclosure:
    try:
        return RelationshipDisclosure.objects.select_related("pso", "provider").get(
            pk=disclosure_id, pso__in=administered_psos(user)
        )
    except RelationshipDisclosure.DoesNotExist:
        raise Http404("No such disclosure") from None


def get_assessment_for_user(user: Any, assessment_id: int) -> SecurityAssessment:
    try:
        return SecurityAssessment.objects.select_related("pso").get(pk=assessment_id, pso__in=administered_psos(user))
    except SecurityAssessment.DoesNotExist:
        raise Http404("No such assessment") from None


def network_providers(pso: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(network=pso, kind=OrgKind.PROVIDER)
