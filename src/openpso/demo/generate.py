"""`seed_demo`: write the synthetic network, users, denominators and reports once.

Idempotent by the PSO's slug: when `demo-pso` exists nothing is created, so `make run`
can seed on every start. Reports are streamed from `reports.iter_drafts` and filed by their
reporters through `reporting.actions.file_reports` (the batch filing a bulk import uses: each
report's history row, PSWP ledger entry and `report.filed` audit event), dated at the draft's
`reported_at`, in batches, each in its own transaction, so memory stays flat whatever the size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone

from openpso.accounts.models import User
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.demo.events import DemoAction
from openpso.demo.history import seed_history
from openpso.demo.network import PSO_SLUG, BuiltNetwork, build_network
from openpso.demo.reports import DEFAULT_EVENTS, ReportDraft, iter_drafts
from openpso.demo.users import DEMO_DOMAIN, create_demo_users
from openpso.demo.volumes import denominators, window
from openpso.organizations.models import Denominator, Organization, OrgKind
from openpso.pses.models import SafetyEvent
from openpso.reporting.actions import Filing, file_reports
from openpso.reporting.models import EventReport
from openpso.reporting.schemas import ReportIn

BATCH_SIZE = 1000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SeedResult:
    created: bool  # False: the demo network was already there and nothing was written
    pso_id: int
    seed: int
    health_systems: int
    providers: int
    users: int
    reports: int
    events: int  # safety events the providers' teams made of them (demo.history)
    denominators: int
    first_month: dt.date | None
    last_month: dt.date | None


def seed_demo(
    *, seed: int = 2026, events: int | None = None, today: dt.date | None = None, progress: Progress | None = None
) -> SeedResult:
    """Seed the demo network with `events` reports (default about 6,000) over 24 months.

    `today` anchors the window (it ends with the last full month before it); it is the
    only input taken from the clock, so tests pass it explicitly.
    """
    total = DEFAULT_EVENTS if events is None else events
    if total < 0:
        raise ValueError("events: must be zero or more")
    today = today or timezone.localdate()
    existing = Organization.objects.filter(slug=PSO_SLUG).first()
    if existing is not None:
        return _existing(existing, seed=seed)
    months = window(today)
    try:
        with transaction.atomic():
            network = build_network(today=today)
            authors = create_demo_users(network, seed=seed)
            Denominator.objects.bulk_create(
                [
                    Denominator(provider=network.providers[spec.slug], month=month, measure=measure, value=value)
                    for spec, month, measure, value in denominators(seed=seed, months=months)
                ],
                batch_size=BATCH_SIZE,
            )
    except IntegrityError:
        # A concurrent run won the race to create the PSO (its slug is unique).
        existing = Organization.objects.filter(slug=PSO_SLUG).first()
        if existing is None:
            raise
        return _existing(existing, seed=seed)
    tz = timezone.get_default_timezone()
    drafts = iter_drafts(seed=seed, total=total, today=today, tz=tz)
    written = _write_reports(drafts, network, authors, total=total, progress=progress)
    # The safety teams' work on those reports, through the PSES actions (demo.history).
    end = min(dt.datetime.combine(today, dt.time(), tzinfo=tz), timezone.now())
    seed_history(providers=list(network.providers.values()), end=end)
    record(
        actor=None,
        action=DemoAction.SEEDED,
        object_type=object_type_of(network.pso),
        object_id=str(network.pso.pk),
        organization_id=network.pso.pk,
        detail={"events": written, "seed": seed},
    )
    return replace(_existing(network.pso, seed=seed), created=True)


def _write_reports(
    drafts: Iterable[ReportDraft],
    network: BuiltNetwork,
    authors: dict[str, list[User]],
    *,
    total: int,
    progress: Progress | None,
) -> int:
    done = 0
    batch: list[Filing] = []
    for draft in drafts:
        batch.append(_filing(draft, network, authors))
        if len(batch) == BATCH_SIZE:
            done += _file(batch)
            batch = []
            if progress:
                progress(done, total)
    if batch:
        done += _file(batch)
        if progress:
            progress(done, total)
    return done


def _file(batch: list[Filing]) -> int:
    # The batch filing a bulk import uses: the reports, their history rows, each one's PSWP
    # ledger entry at its `reported_at` and its `report.filed`, in one transaction per batch.
    with transaction.atomic():
        file_reports(batch)
    return len(batch)


def _filing(draft: ReportDraft, network: BuiltNetwork, authors: dict[str, list[User]]) -> Filing:
    """The draft as its reporter sends it from the form (`ReportIn`, validated as the form's
    data is), filed at the draft's `reported_at`.

    Its modules are the ones `demo.module_answers` answered, those its categories call for:
    `check_answers` would find the same and cost half the seeding (5 ms a report), so the
    demo's answers are checked by its tests instead (`test_demo_module_answers`)."""
    reporters = authors[draft.provider_slug]
    provider = network.providers[draft.provider_slug]
    unit = network.units[draft.provider_slug][draft.unit_name]
    data = ReportIn(
        provider=provider.slug,
        unit=unit.pk,
        event_type=draft.event_type,
        categories=list(draft.categories),
        category_other=draft.category_other,
        discovered_at=draft.discovered_at,
        narrative=draft.narrative.text,
        location_detail=draft.location_detail,
        patient_age_years=draft.patient_age,
        patient_sex=draft.patient_sex,
        harm=draft.harm,
        anonymous=draft.anonymous,
        reporter_role=draft.reporter_role,
        answers=dict(draft.answers),
        collected_for="",  # every demo report enters the PSES
    )
    return Filing(
        data=data,
        provider=provider,
        unit=unit,
        modules=list(draft.modules),
        at=draft.reported_at,
        reporter=None if draft.author_pick is None else reporters[draft.author_pick % len(reporters)],
        pk=draft.id,
    )


def _existing(pso: Organization, *, seed: int) -> SeedResult:
    members = Organization.objects.filter(network=pso)
    months = Denominator.objects.filter(provider__network=pso).aggregate(first=Min("month"), last=Max("month"))
    return SeedResult(
        created=False,
        pso_id=pso.pk,
        seed=seed,
        health_systems=members.filter(kind=OrgKind.HEALTH_SYSTEM).count(),
        providers=members.filter(kind=OrgKind.PROVIDER).count(),
        users=User.objects.filter(email__endswith="@" + DEMO_DOMAIN).count(),
        reports=EventReport.objects.filter(provider__network=pso).count(),
        events=SafetyEvent.objects.filter(provider__network=pso).count(),
        denominators=Denominator.objects.filter(provider__network=pso).count(),
        first_month=months["first"],
        last_month=months["last"],
    )
