"""Who may import: a provider's safety manager, for that provider only (404 for anything else)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from openpso.audit.actor import Actor
from openpso.organizations.models import Organization, OrgKind
from openpso.organizations.queries import orgs_where
from openpso.organizations.roles import Role
from openpso.reporting.models import ImportJob, ImportMappingRecord


def importing_providers_for(user: Actor) -> QuerySet[Organization]:
    # Filing events on a provider's behalf from its own systems is its safety manager's call,
    # as are its API keys and functional-reporting grants.
    return orgs_where(user, [Role.SAFETY_MANAGER]).filter(kind=OrgKind.PROVIDER)


def get_importing_provider_for_user(user: Actor, slug: str) -> Organization:
    provider = importing_providers_for(user).filter(slug=slug).first()
    if provider is None:
        raise Http404("No such provider")
    return provider


def get_job_for_user(user: Actor, import_id: uuid.UUID) -> ImportJob:
    job = ImportJob.objects.filter(pk=import_id, provider__in=importing_providers_for(user)).select_related("provider")
    found = job.first()
    if found is None:
        raise Http404("No such import")
    return found


def jobs_of(provider: Organization) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(provider=provider).order_by("-created_at")


def mappings_of(provider: Organization) -> QuerySet[ImportMappingRecord]:
    return ImportMappingRecord.objects.filter(provider=provider).order_by("source_system")
