"""Reads of the PSWP tables by provider: its PSES policy versions, external reports,
disclosures and authorisations. The caller has already found the provider through its own
tenancy lookup (the PSWP pages: `pses.queries.get_pses_provider_for_user`, 404 for anything
foreign; docs/decisions/0003)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from openpso.audit.actor import Actor
from openpso.organizations.models import Organization
from openpso.organizations.queries import orgs_where
from openpso.organizations.roles import Role
from openpso.pswp.models import Disclosure, ExternalReport, ProviderAuthorization, PsesPolicy


def is_safety_manager(user: Actor, provider: Organization) -> bool:
    return orgs_where(user, [Role.SAFETY_MANAGER]).filter(pk=provider.pk).exists()


def policies_of(provider: Organization) -> QuerySet[PsesPolicy]:
    policies: QuerySet[PsesPolicy] = PsesPolicy.objects.filter(provider=provider)
    return policies.select_related("created_by").order_by("-version")


def current_policy(provider: Organization, on: dt.date | None = None) -> PsesPolicy | None:
    """The newest version in effect (`on` defaults to today); None before the first."""
    day = on or timezone.localdate()
    return policies_of(provider).filter(effective_from__lte=day).first()


def external_reports_of(provider: Organization) -> QuerySet[ExternalReport]:
    return ExternalReport.objects.filter(provider=provider).select_related("unit", "created_by")


def disclosures_of(provider: Organization) -> QuerySet[Disclosure]:
    disclosures: QuerySet[Disclosure] = Disclosure.objects.filter(provider=provider)
    return disclosures.select_related("disclosed_by")


def authorizations_of(provider: Organization) -> QuerySet[ProviderAuthorization]:
    """The provider's signed authorisations, each with its last reliance and retention end."""
    authorizations: QuerySet[ProviderAuthorization] = (
        ProviderAuthorization.objects.filter(provider=provider).with_retention().order_by("-retain_until", "-id")
    )
    return authorizations
