"""Functional reporting: the provider opens a defined part of its PSES to the PSO from a date.

From `effective_from`, every report in the grant's scope (its categories and units; empty
means all) counts as reported at the moment it comes into scope — the 2008 final rule's
"functional reporting" (regulatory-notes §1.4). `functionally_report` makes the PSO's
`Submission` (method=functional) of each one and moves it to `functionally_reported` in the
ledger. It is idempotent, so the same call serves the step after filing (`openpso.flows`) and the
catch-up command; a changed event gets a new version. Revoking a grant stops new ones; what was
reported stays reported (42 CFR 3.20).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.organizations.models import Organization
from openpso.organizations.queries import agreement_in_force
from openpso.pswp.status import PswpStatus
from openpso.reporting.models import EventReport
from openpso.submissions.document import build_document, refusal_of
from openpso.submissions.events import SubmissionAction
from openpso.submissions.models import FunctionalReportingGrant, SubmissionMethod
from openpso.submissions.push.actions import ACCEPTED, Channel, receive
from openpso.submissions.revoke import revoke

CHUNK = 500


@dataclass
class FunctionalRun:
    accepted: int = 0
    unchanged: int = 0
    refused: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


def grant_access(
    *,
    provider: Organization,
    actor: Actor | None,
    effective_from: dt.datetime,
    categories: list[str] | None = None,
    unit_ids: list[int] | None = None,
) -> FunctionalReportingGrant:
    if provider.network_id is None:
        raise ValueError("provider: belongs to no PSO network")
    with transaction.atomic():
        grant = FunctionalReportingGrant.objects.create(
            provider=provider,
            pso_id=provider.network_id,
            effective_from=effective_from,
            categories=sorted(set(categories or [])),
            unit_ids=sorted(set(unit_ids or [])),
            granted_by=user_row(actor) if getattr(actor, "is_authenticated", False) else None,
        )
        record(
            actor=actor,
            action=SubmissionAction.FUNCTIONAL_GRANT_GRANTED,
            object_type=object_type_of(grant),
            object_id=grant.pk,
            organization_id=provider.pk,
            purpose="submission",
            detail={"categories": grant.categories, "units": grant.unit_ids, "from": effective_from.isoformat()},
        )
    return grant


def revoke_access(*, grant: FunctionalReportingGrant, actor: Actor | None) -> None:
    """No new reports come into scope; those already functionally reported stay so."""
    revoke(
        grant,
        actor=actor,
        action=SubmissionAction.FUNCTIONAL_GRANT_REVOKED,
        organization_id=grant.provider_id,
        purpose="submission",
    )


def active_grants(provider_id: int | None = None) -> QuerySet[FunctionalReportingGrant]:
    grants = FunctionalReportingGrant.objects.filter(revoked_at__isnull=True, effective_from__lte=timezone.now())
    return grants if provider_id is None else grants.filter(provider_id=provider_id)


def in_scope(grant: FunctionalReportingGrant, report: EventReport) -> bool:
    if report.provider_id != grant.provider_id or report.pswp_status not in _OPEN_STATUSES:
        return False
    if max(report.discovered_at, report.reported_at) < grant.effective_from:
        return False
    if grant.unit_ids and report.unit_id not in set(grant.unit_ids):
        return False
    return not grant.categories or bool(set(report.categories) & set(grant.categories))


# Reports the PSO may still take: not dropped out, not an original/external record.
_OPEN_STATUSES = frozenset({PswpStatus.CANDIDATE, PswpStatus.FUNCTIONALLY_REPORTED, PswpStatus.REPORTED})


def _candidates(grant: FunctionalReportingGrant) -> QuerySet[EventReport]:
    reports = EventReport.objects.filter(
        Q(discovered_at__gte=grant.effective_from) | Q(reported_at__gte=grant.effective_from),
        provider_id=grant.provider_id,
        pswp_status__in=_OPEN_STATUSES,
    )
    if grant.unit_ids:
        reports = reports.filter(unit_id__in=grant.unit_ids)
    return reports.select_related("provider", "unit").order_by("reported_at", "id")


def functionally_report(*, grant: FunctionalReportingGrant) -> FunctionalRun:
    """Submit every report in the grant's scope (functional); each in its own transaction."""
    run = FunctionalRun()
    if grant.revoked_at is not None:
        return run
    channel = Channel(method=SubmissionMethod.FUNCTIONAL, grant=grant)
    # Ids first, then rows by the chunk: no cursor stays open across the per-report commits.
    ids = list(_candidates(grant).values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        for report in _candidates(grant).filter(pk__in=ids[start : start + CHUNK]):
            if in_scope(grant, report):
                _one(report, grant=grant, channel=channel, run=run)
    return run


def _one(report: EventReport, *, grant: FunctionalReportingGrant, channel: Channel, run: FunctionalRun) -> None:
    with transaction.atomic():
        agreement = agreement_in_force(report.provider)
        refusal = refusal_of(report, agreement, complete=False)
        if refusal is not None or agreement is None:
            run.refused += 1
            key = refusal.field if refusal else "agreement"
            run.reasons[key] = run.reasons.get(key, 0) + 1
            return
        result = receive(
            report=report, agreement=agreement, document=build_document(report, agreement), channel=channel
        )
    if result.status == ACCEPTED:
        run.accepted += 1
    else:
        run.unchanged += 1


def report_one(report_id: Any) -> bool:
    """Report one filed or changed report functionally if a grant covers it; True when the PSO
    received a new version (`openpso.flows` calls this after the filing commits)."""
    # Most providers grant nothing: ask for the grants first, by the report's provider in one
    # statement, and read the report back only when there is a grant to check it against.
    provider_of_report = EventReport.objects.filter(pk=report_id).values("provider_id")[:1]
    grants = list(active_grants().filter(provider_id=Subquery(provider_of_report)))
    if not grants:
        return False
    report = EventReport.objects.select_related("provider", "unit").filter(pk=report_id).first()
    if report is None:
        return False
    for grant in grants:
        if in_scope(grant, report):
            run = FunctionalRun()
            _one(report, grant=grant, channel=Channel(method=SubmissionMethod.FUNCTIONAL, grant=grant), run=run)
            return run.accepted > 0
    return False


def report_many(report_ids: Sequence[Any]) -> int:
    """`report_one` for many reports filed together (a batch of a bulk import): the grants of
    their providers looked up once, so a batch no grant covers costs one statement, not one a
    report. Returns how many versions the PSO received."""
    ids = list(report_ids)
    grants = list(active_grants().filter(provider_id__in=_providers_of(ids)))
    if not grants:
        return 0
    accepted = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for report in list(EventReport.objects.select_related("provider", "unit").filter(pk__in=chunk)):
            grant = next((g for g in grants if in_scope(g, report)), None)
            if grant is not None:
                run = FunctionalRun()
                _one(report, grant=grant, channel=Channel(method=SubmissionMethod.FUNCTIONAL, grant=grant), run=run)
                accepted += run.accepted
    return accepted


def _providers_of(report_ids: list[Any]) -> set[int]:
    providers: set[int] = set()
    for start in range(0, len(report_ids), CHUNK):
        chunk = report_ids[start : start + CHUNK]
        providers |= set(EventReport.objects.filter(pk__in=chunk).values_list("provider_id", flat=True).distinct())
    return providers
