"""`seed_submissions`: the demo providers' events, submitted to the demo PSO in bulk.

Every demo report its provider's member agreement covers goes to the PSO through the same
document builder as a real submission (`submissions.document.build_document`, versioned the
same way), so the inbox and the lake see what a real provider would send. Two providers
open part of their PSES instead (functional reporting) from twelve months before the end of
the window; their later reports arrive as method=functional.

The shortcut, for speed (6,000 reports in a few seconds): rows are written with
`bulk_create`/`bulk_update` instead of one `pswp.ledger` call per report. Each report still
gets its two ledger rows (entered the PSES at filing, then reported or functionally
reported), but the per-transition audit events are replaced by one `demo.submissions_seeded`
audit event for the run, as `seed_demo` does for the reports themselves. Idempotent: a report
the PSO already holds is skipped, so running `openpso demo` again creates nothing. Events
with an RCA² in the demo's history (`demo.history`: severe harm and deaths) send that
analysis; a share of the others carry a demo analysis (codes only, `demo.analysis`) for the
pool's contributing factors and actions.

The recent past goes through the real action: a push submission dated within
`demo.history.ACTIONS_WINDOW` of now is sent by the provider's safety manager through
`submissions.push.actions.submit_events` (dated when it happened), so it passes the same checks as
a click on "Submit to PSO" — a report missing a required answer is refused and waits at the
provider — and writes the same ledger and audit rows. Older submissions are bulk-written as
above: one call per report would add its ledger and audit writes 6,000 times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Exists, Field, OuterRef
from django.utils import timezone

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
from openpso.pswp.models import PswpTransition
from openpso.pswp.status import NO_STATUS, PswpStatus
from openpso.reporting.models import EventReport
from openpso.reporting.queries import effective_answers_for
from openpso.submissions.document import EMPTY_ANALYSIS, analyses_for, build_document, version_of
from openpso.submissions.models import FunctionalReportingGrant, Submission, SubmissionMethod
from openpso.submissions.push.actions import ACCEPTED, Channel, frame_codes, submit_events

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
    for chunk in _chunks(pending.iterator(chunk_size=BATCH), BATCH):
        counts = _submit_chunk(chunk, agreements=agreements, grants=grants, now=now, recent=recent)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    sent = _submit_through_the_action(recent)
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


def _submit_through_the_action(recent: list[tuple[EventReport, dt.datetime]]) -> int:
    """Send each recent report as its provider's safety manager would, dated when it was sent.

    The demo pools once itself after seeding (it does not call `openpso.flows.events_submitted`)."""
    managers: dict[int, Any] = {}
    accepted = 0
    for report, at in recent:
        if report.provider_id not in managers:
            managers[report.provider_id] = safety_managers_of(report.provider_id).order_by("pk").first()
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
    now: dt.datetime,
    recent: list[tuple[EventReport, dt.datetime]],
) -> tuple[int, int, int]:
    """Bulk-write the chunk's submissions; push submissions of the recent past go to `recent`
    for the real action instead."""
    analyses = analyses_for([r.pk for r in chunk])
    # The answers as amended, one query for the chunk (effective_answers asks once per report).
    answers = effective_answers_for(chunk)
    content_type = ContentType.objects.get_for_model(EventReport)
    # Reports filed through the pages since seeding already have their entry row.
    entered = set(
        PswpTransition.objects.filter(
            content_type=content_type, object_id__in=[str(r.pk) for r in chunk], to_status=PswpStatus.CANDIDATE
        ).values_list("object_id", flat=True)
    )
    submissions: list[Submission] = []
    ledger: list[PswpTransition] = []
    changed: list[tuple[str, dt.datetime, Any]] = []
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
            at, method, status = (
                max(report.reported_at, grant.effective_from),
                SubmissionMethod.FUNCTIONAL,
                PswpStatus.FUNCTIONALLY_REPORTED,
            )
            functional += 1
        else:
            at, method, status = (
                min(report.reported_at + SUBMISSION_DELAY, now),
                SubmissionMethod.PUSH,
                PswpStatus.REPORTED,
            )
        at = max(at, report.reported_at)
        if report.anonymous:
            at = anonymous_time(at)  # invariant 2
        replay = method == SubmissionMethod.PUSH and at >= now - ACTIONS_WINDOW
        steps: list[tuple[str, str, dt.datetime]] = []
        if str(report.pk) not in entered:
            steps.append((NO_STATUS, PswpStatus.CANDIDATE, report.pswp_status_at))
        if replay:
            recent.append((report, at))  # submitted through the action below, after this chunk
        else:
            steps.append((PswpStatus.CANDIDATE, status, at))
        ledger += [
            PswpTransition(
                content_type=content_type,
                object_id=str(report.pk),
                provider_id=report.provider_id,
                from_status=before,
                to_status=after,
                actor_label="system",
                at=moment,
            )
            for before, after, moment in steps
        ]
        if replay:
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
                method=method,
                document=document,  # type: ignore[misc]  # EncryptedJSONField holds JSON
                event_month=timezone.localtime(report.discovered_at).date().replace(day=1),
                submitted_at=at,
                agreement=agreement,
                grant=grant if in_scope else None,
                category_codes=frame_codes(report.categories),
            )
        )
        changed.append((status, at, report.pk))
    with transaction.atomic():
        Submission.objects.bulk_create(submissions, batch_size=BATCH)
        PswpTransition.objects.bulk_create(ledger, batch_size=BATCH)
        _set_status(changed)
    return len(submissions), functional, not_covered


def _set_status(changed: list[tuple[str, dt.datetime, Any]]) -> None:
    """One parameterised UPDATE run for many rows: bulk_update's CASE over 1,000 ids is slower.

    Like the ledger's own queryset update, it bypasses save() and row history on purpose.
    """
    meta = EventReport._meta
    status, at, pk = (meta.get_field(name) for name in ("pswp_status", "pswp_status_at", "id"))
    assert isinstance(status, Field)
    assert isinstance(at, Field)
    assert isinstance(pk, Field)
    quote = connection.ops.quote_name
    # Identifiers come from the model's own metadata, quoted; every value is a parameter.
    table, columns = quote(meta.db_table), (quote(status.column), quote(at.column), quote(pk.column))
    sql = "UPDATE {} SET {} = %s, {} = %s WHERE {} = %s".format(table, *columns)  # noqa: S608
    params = [
        (value, at.get_db_prep_value(moment, connection), pk.get_db_prep_value(report_id, connection))
        for value, moment, report_id in changed
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
