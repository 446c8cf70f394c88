"""Tenancy for PSWP pages: only the PSES roles of a provider reach its ledger, policy,
external reports and disclosures; anything else answers 404 (docs/decisions/0003)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from openpso.organizations.models import Organization
from openpso.organizations.queries import orgs_where, pses_providers_for
from openpso.organizations.roles import Role
from openpso.pswp.models import Disclosure, ExternalReport, ProviderAuthorization, PsesPolicy
from openpso.reporting.models import EventReport


def get_pses_provider_for_user(user: Any, slug: str) -> Organization:
    try:
        return pses_providers_for(user).get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404("No such provider") from None


def is_safety_manager(user: Any, provider: Organization) -> bool:
    return orgs_where(user, [Role.SAFETY_MANAGER]).filter(pk=provider.pk).exists()


def pses_reports_for(user: Any) -> QuerySet[EventReport]:
    """Reports in the PSES of a provider where `user` holds a PSES role."""
    return EventReport.objects.filter(provider__in=pses_providers_for(user)).select_related("provider", "unit")


def get_pses_report_for_user(user: Any, report_id: uuid.UUID | str) -> EventReport:
    try:
        return pses_reports_for(user).get(pk=report_id)
    except (EventReport.DoesNotExist, ValueError):
        raise Http404("No such report") from None


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
