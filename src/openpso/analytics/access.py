"""Who may open which dashboard: the only way analytics pages find their organisation.

Like every app's `get_…_for_user` (organizations.queries), anything outside the user's reach
raises Http404, so another organisation's dashboard looks exactly like a missing one:
- the PSO's pool: its PSO analysts and PSO administrators (the lake is the PSO's, non-identified);
- a provider's dashboard: its safety managers and PSES committee (its own data, peers suppressed);
- a health system's dashboard: its system safety officers, showing only the affiliates whose
  agreement in force lets the system see their data (`providers_shared_with_system`).
Reporters and auditors have no dashboard: analytics are for the people who act on them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from openpso.audit.actor import Actor
from openpso.organizations import queries as organizations
from openpso.organizations.models import Organization
from openpso.organizations.queries import providers_shared_with_system, pses_providers_for, pso_staff_psos_for


@dataclass(frozen=True)
class Choice:
    audience: str
    org: Organization
    url: str


def psos_for(user: Actor) -> QuerySet[Organization]:
    return pso_staff_psos_for(user)


def providers_for(user: Actor) -> QuerySet[Organization]:
    # A provider outside any PSO network has no pool to compare with.
    return pses_providers_for(user).filter(network__isnull=False)


def systems_for(user: Actor) -> QuerySet[Organization]:
    return organizations.systems_for(user).filter(network__isnull=False)


def _get(queryset: QuerySet[Organization], slug: str, what: str) -> Organization:
    try:
        return queryset.select_related("network").get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404(f"No such {what}") from None


def get_pso_for_user(user: Actor, slug: str | None = None) -> Organization:
    """The PSO whose pool `user` may study: the one named, else their first (most hold one)."""
    if slug:
        return _get(psos_for(user), slug, "PSO")
    pso = psos_for(user).order_by("name", "pk").first()
    if pso is None:
        raise Http404("No PSO dashboard for you")
    return pso


def get_provider_for_user(user: Actor, slug: str) -> Organization:
    return _get(providers_for(user), slug, "provider")


def get_system_for_user(user: Actor, slug: str) -> Organization:
    return _get(systems_for(user), slug, "health system")


def affiliates_of(system: Organization) -> QuerySet[Organization]:
    """The system's affiliates that share with it today, within the system's own PSO network."""
    return providers_shared_with_system(system_ids=[system.pk]).filter(network_id=system.network_id).order_by("name")


def dashboards_for(user: Actor) -> list[Choice]:
    choices = [Choice("pso", org, reverse("analytics:pso") + f"?pso={org.slug}") for org in psos_for(user)]
    choices += [
        Choice("provider", org, reverse("analytics:provider", kwargs={"slug": org.slug})) for org in providers_for(user)
    ]
    choices += [
        Choice("system", org, reverse("analytics:system", kwargs={"slug": org.slug})) for org in systems_for(user)
    ]
    return choices
