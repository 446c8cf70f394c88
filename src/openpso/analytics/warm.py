"""Build the dashboards ahead of their first view, after the lake changes.

A cold dashboard costs seconds (a dozen charts rendered to SVG — about 0.15 s each with
vl-convert —, a dozen queries, the CUSUM thresholds calibrated); the cache is shared between
processes (file-based), so building them once in the task worker after a refresh, or in
`openpso demo`, makes every first page fast (under 1 s). Built: each PSO's
analyst dashboard, then the dashboard of every health system and provider of its network that
someone may open (a member with a dashboard role), at most `MEMBER_LIMIT` of them per PSO so one
refresh of a very large network keeps the worker busy for minutes, not hours; the others are
built on their first view, as before. Only the default view (latest month) is built ahead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection

from openpso.lake.models import LakeState
from openpso.organizations.models import Membership, Organization, OrgKind
from openpso.organizations.roles import PSES_ROLES, SYSTEM_ROLES

log = logging.getLogger(__name__)
MEMBER_LIMIT = 100  # provider and health-system dashboards per PSO; about 1 s each on 2 cores


def members_to_warm(
    pso: Organization, limit: int = MEMBER_LIMIT, only: Collection[int] | None = None
) -> list[Organization]:
    """The health systems, then the providers, of `pso`'s network that someone may open a dashboard of
    (of those in `only`, when given)."""

    opened = Membership.objects.filter(role__in=[*SYSTEM_ROLES, *PSES_ROLES]).values("organization_id")
    members = Organization.objects.filter(network=pso, pk__in=opened).select_related("network")
    if only is not None:
        members = members.filter(pk__in=list(only))
    systems = members.filter(kind=OrgKind.HEALTH_SYSTEM).order_by("name", "pk")
    providers = members.filter(kind=OrgKind.PROVIDER).order_by("name", "pk")
    return [*systems, *providers][:limit]


def warm_dashboards(*, limit: int = MEMBER_LIMIT, only: Collection[int] | None = None) -> int:
    """Build every PSO's analyst dashboard and its members' dashboards (those in `only`, when given)
    into the cache; returns how many. One already built for this lake state costs a cache lookup."""
    # The pages need the URLconf, and bring pandas, Ibis and Altair: loaded late.
    from openpso.analytics.pages import provider_source, pso_source, system_source, warm
    from openpso.analytics.themes import refresh_themes, themes_stale

    warmed = 0
    for pso in Organization.objects.filter(pk__in=LakeState.objects.values("pso_id")).order_by("pk"):
        started = time.perf_counter()
        source = pso_source(pso)
        if themes_stale(source.lake):  # the clustering step the analyst's "Themes over time" reads
            refresh_themes(source.lake)
        warm(source)
        warmed += 1
        for member in members_to_warm(pso, limit, only):
            warm(system_source(member) if member.kind == OrgKind.HEALTH_SYSTEM else provider_source(member))
            warmed += 1
        log.info("analytics: dashboards of PSO %s built in %.1f s", pso.pk, time.perf_counter() - started)
    return warmed
