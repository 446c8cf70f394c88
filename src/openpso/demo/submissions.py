"""`seed_submissions`: the demo providers' events, submitted to the demo PSO in bulk.

Every demo report its provider's member agreement covers goes to the PSO through the same
document builder as a real submission (`submissions.document.build_document`, versioned the
same way), so the inbox and the lake see what a real provider would send. Two providers
open part of their PSES instead (functional reporting) from twelve months before the end of
the window; their later reports arrive as method=functional.

Every submission goes through the real ledger transition: older ones in batches of a thousand
(`pswp.ledger.mark_many_reported`, the batch form of `mark_reported`, with each submission's
`submission.received` audit event from `submissions.push.actions.received`), so each report
has its ledger row and audit events as one call per report would leave them; a push
submission is sent by its provider's safety manager, a functional one by the system, as in the
real paths. The run also writes one `demo.submissions_seeded` summary event. Idempotent: a
report the PSO already holds is skipped, so running `openpso demo` again creates nothing.
Events with an RCA² in the demo's history (`demo.history`: severe harm and deaths) send that
analysis; a share of the others carry a demo analysis (codes only, `demo.analysis`) for the
pool's contributing factors and actions.

The recent past goes through the whole real action: a push submission dated within
`demo.history.ACTIONS_WINDOW` of now is sent by the provider's safety manager through
`submissions.push.actions.submit_events` (dated when it happened), so it passes the same checks as
a click on "Submit to PSO" — a report missing a required answer is refused and waits at the
provider. The older ones skip only that per-report read and check (the document is built by
the same `build_document`), one call per report would cost its reads 6,000 times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.demo.analysis import demo_analysis
from openpso.demo.events import DemoAction
from openpso.demo.history import ACTIONS_WINDOW
from openpso.demo.network import PSO_SLUG
from openpso.lib.anonymity import anonymous_time
from openpso.organizations.models import MemberAgreement, Organization, OrgKind
from openpso.organizations.queries import agreement_in_force
from openpso.pses.queries import safety_managers_of
from openpso.pswp.ledger import Reported, mark_many_reported
from openpso.pswp.status import PswpStatus
from openpso.reporting.models import EventReport
from openpso.reporting.queries import effective_answers_for
from openpso.submissions.document import EMPTY_ANALYSIS, analyses_for, build_document, version_of
from openpso.submissions.models import FunctionalReportingGrant, Submission, SubmissionMethod
from openpso.submissions.push.actions import ACCEPTED, Channel, frame_codes, received, submit_events

BATCH = 1000
# Providers that open part of their PSES to the PSO (functional reporting) in the demo.
FUNCTIONAL_PROVIDERS = ("harrow-valley-ems", "millrace-care-center-elkhaven")
# A safety team reviews before sending: most reports reach the PSO within a week of filing.
SUBMISSION_DELAY = dt.timedelta(days=5)


@dataclass(frozen=True)
class SubmissionSeedResult:
    submitted: int  # new Submission rows, push and functional
    functional: int
    not_covered: int  # reports the agreement does not cover: they stay at the provider
    grants: int  # functional-reporting grants made in this run
    waiting: int = 0  # recent reports the real action refused (e.g. a missing answer): at the provider


def seed_submissions(*, now: dt.datetime | None = None) -> SubmissionSeedResult:
    """Submit every not-yet-submitted demo report its member agreement covers."""
    pso = Organization.objects.filter(slug=PSO_SLUG, kind=OrgKind.PSO).first()
    if pso is None:
        return SubmissionSeedResult(0, 0, 0, 0)
    now = now or timezone.now()
    providers = {p.pk: p for p in Organization.objects.filter(network=pso, kind=OrgKind.PROVIDER)}
    agreements = {pk: agreement_in_force(p, on=timezone.localdate(now)) for pk, p in providers.items()}
    grants, made = _grants(pso, providers, now=now)
    pending = (
        EventReport.objects.filter(provider_id__in=list(providers), pswp_status=PswpStatus.CANDIDATE)
        .exclude(Exists(Submission.objects.filter(provider_id=OuterRef("provider_id"), event_id=OuterRef("pk"))))
        .select_related("unit")
        .order_by("reported_at", "id")
    )
    # Decrypting is most of the read: skip the optional fields no agreement here shares.
    shared = {group for a in agreements.values() if a is not None for group in a.shared_fields or []}
    unread = [name for name in ("location_detail", "reporter_role", "narrative") if name not in shared]
    if unread:
        pending = pending.defer(*unread)
    totals = [0, 0, 0]
    recent: list[tuple[EventReport, dt.datetime]] = []
    managers = {pk: safety_managers_of(pk).order_by("pk").first() for pk in providers}
    for chunk in _chunks(pending.iterator(chunk_size=BATCH), BATCH):
        counts = _submit_chunk(chunk, agreements=agreements, grants=grants, managers=managers, now=now, recent=recent)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    sent = _submit_through_the_action(recent, managers)
    totals[0] += sent
    if totals[0] or made:
        record(
            actor=None,
            action=DemoAction.SUBMISSIONS_SEEDED,
            object_type=object_type_of(pso),
            object_id=str(pso.pk),
            organization_id=pso.pk,
            detail={"submitted": totals[0], "functional": totals[1], "grants": made},
        )
    return SubmissionSeedResult(totals[0], totals[1], totals[2], made, waiting=len(recent) - sent)


def _submit_through_the_action(recent: list[tuple[EventReport, dt.datetime]], managers: dict[int, Any]) -> int:
    """Send each recent report as its provider's safety manager would, dated when it was sent.

    The demo pools once itself after seeding (it does not call `openpso.flows.events_submitted`)."""
    accepted = 0
    for report, at in recent:
        [result] = submit_events(
            event_ids=[str(report.pk)],
            provider_ids=[report.provider_id],
            channel=Channel(actor=managers[report.provider_id]),
            at=at,
        )
        accepted += result.status == ACCEPTED
    return accepted


def _grants(
    pso: Organization, providers: dict[int, Organization], *, now: dt.datetime
) -> tuple[dict[int, FunctionalReportingGrant], int]:
    """The functional providers' grants, made once: from twelve months before `now`'s month."""
    found: dict[int, FunctionalReportingGrant] = {}
    made = 0
    month = timezone.localtime(now).date().replace(day=1)
    start = dt.datetime.combine(month.replace(year=month.year - 1), dt.time(), tzinfo=timezone.get_current_timezone())
    for provider in providers.values():
        if provider.slug not in FUNCTIONAL_PROVIDERS:
            continue
        grant = FunctionalReportingGrant.objects.filter(provider=provider, revoked_at__isnull=True).first()
        if grant is None:
            grant = FunctionalReportingGrant.objects.create(provider=provider, pso=pso, effective_from=start)
            made += 1
        found[provider.pk] = grant
    return found, made


def _chunks(rows: Iterator[EventReport], size: int) -> Iterator[list[EventReport]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _submit_chunk(
    chunk: list[EventReport],
    *,
    agreements: dict[int, MemberAgreement | None],
    grants: dict[int, FunctionalReportingGrant],
    managers: dict[int, Any],
    now: dt.datetime,
    recent: list[tuple[EventReport, dt.datetime]],
) -> tuple[int, int, int]:
    """Submit the chunk in one batch through the ledger; push submissions of the recent past go
    to `recent` for the real action instead."""
    analyses = analyses_for([r.pk for r in chunk])
    # The answers as amended, one query for the chunk (effective_answers asks once per report).
    answers = effective_answers_for(chunk)
    submissions: list[Submission] = []
    sent: list[tuple[EventReport, Channel, dt.datetime]] = []
    not_covered = functional = 0
    for report in chunk:
        agreement = agreements.get(report.provider_id)
        if agreement is None or not agreement.covers(report.categories):
            not_covered += 1
            continue
        grant = grants.get(report.provider_id)
        in_scope = grant is not None and max(report.discovered_at, report.reported_at) >= grant.effective_from
        if in_scope and grant is not None:
            # Functional reporting: reported the moment the report came into the PSO's reach.
            at = max(report.reported_at, grant.effective_from)
            channel = Channel(method=SubmissionMethod.FUNCTIONAL, grant=grant)
            functional += 1
        else:
            at = min(report.reported_at + SUBMISSION_DELAY, now)
            channel = Channel(actor=managers.get(report.provider_id))
        at = max(at, report.reported_at)
        if report.anonymous:
            at = anonymous_time(at)  # invariant 2
        if channel.method == SubmissionMethod.PUSH and at >= now - ACTIONS_WINDOW:
            recent.append((report, at))  # submitted through the action, after the chunks
            continue
        # An event its provider investigated sends that analysis; the others a demo one (demo.analysis).
        analysis = analyses.get(report.pk) or demo_analysis(report, today=timezone.localdate(now)) or EMPTY_ANALYSIS
        document = build_document(report, agreement, analysis=analysis, answers=answers[report.pk])
        submissions.append(
            Submission(
                pso_id=agreement.pso_id,
                provider_id=report.provider_id,
                event_id=report.pk,
                version=version_of(document),
                current=True,
                method=channel.method,
                document=document,  # type: ignore[misc]  # EncryptedJSONField holds JSON
                event_month=timezone.localtime(report.discovered_at).date().replace(day=1),
                submitted_at=at,
                submitted_by=user_row(channel.actor),
                agreement=agreement,
                grant=channel.grant,
                category_codes=frame_codes(report.categories),
            )
        )
        sent.append((report, channel, at))
    with transaction.atomic():
        Submission.objects.bulk_create(submissions, batch_size=BATCH)
        mark_many_reported(
            [
                Reported(
                    artefact=report,
                    actor=channel.actor,
                    functional=channel.method == SubmissionMethod.FUNCTIONAL,
                    at=at,
                )
                for report, channel, at in sent
            ],
            also=[
                [received(submission, pso_id=submission.pso_id, channel=channel, replaces=False, at=at)]
                for submission, (_report, channel, at) in zip(submissions, sent, strict=True)
            ],
        )
    return len(submissions), functional, not_covered
