"""The triage queue: every report of the user's PSES providers not in a closed event, worst
harm first (death … unknown, then near misses, then unsafe conditions), then the nearest
clock (risk), then the oldest (age).

Search (docs/decisions/0014). Ids are matched in the database: a report's or an event's id by
prefix ("R-3F2A", "e-3f2a1b", "3f2a…"). Words are matched in the narrative and the event
title, which are encrypted at rest (invariant 6), so the database cannot search them: the
words are matched after decryption, in Python, over a bounded candidate set — the newest
`TEXT_CANDIDATES` reports left after the coded filters. We chose this over a plaintext or
hashed-token index because any index of narrative words is narrative outside the
encryption. The words are never logged: the search form is POSTed (not in the URL, so not
in the access log), and saved filters keep them encrypted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from openpso.audit.actor import Actor
from openpso.organizations.queries import pses_providers_for
from openpso.pses import queries
from openpso.pses.ids import dashed, id_prefix
from openpso.pses.models import ClockRule, EventStatus, SafetyEvent
from openpso.pses.safety_events.clock_outcomes import outcomes_for, with_outcomes
from openpso.pses.safety_events.clocks import RANK_LABELS, Clock, clocks_for_report, harm_rank
from openpso.reporting.models import EventReport

UNLINKED = "unlinked"
_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


CLOSED_ONLY, EVERYTHING = "closed", "all"
TEXT_CANDIDATES = 3000


@dataclass(frozen=True)
class QueueFilters:
    provider_id: int | None = None
    category: str = ""
    unit_id: int | None = None
    status: str = ""  # "unlinked", an EventStatus, "closed" or "all"; "" = open work
    min_age: int | None = None  # days since reported
    max_age: int | None = None
    search: str = ""  # an id prefix or words of the narrative / event title
    event_type: str = ""  # DE3
    harm: str = ""  # LOINC harm answer
    assignee_id: int | None = None
    reported_from: dt.date | None = None
    reported_to: dt.date | None = None


@dataclass
class QueueRow:
    report: EventReport
    event: SafetyEvent | None
    rank: int
    age_days: int
    clocks: list[Clock] = field(default_factory=list)

    @property
    def harm_label(self) -> str:
        return RANK_LABELS[self.rank]

    @property
    def next_due(self) -> dt.datetime:
        running = [c.due for c in self.clocks if not c.resolved]
        return running[0] if running else _FAR


def queue_for(user: Actor, *, filters: QueueFilters, now: dt.datetime | None = None) -> list[QueueRow]:
    now = now or timezone.now()
    reports = queries.pses_reports_for(user)
    if filters.status == CLOSED_ONLY:
        reports = reports.filter(pses_link__event__status=EventStatus.CLOSED)
    elif filters.status != EVERYTHING and not filters.search:
        # Open work by default; a search looks through closed events too (an id is specific).
        reports = reports.exclude(pses_link__event__status=EventStatus.CLOSED)
    reports = reports.select_related("pses_link__event__assignee")
    words = filters.search.strip().casefold()
    deferred = ["category_other", "location_detail", "answers", "reporter_role"]
    reports = reports.defer(*deferred) if words else reports.defer("narrative", *deferred)
    reports = _coded(reports, filters, now)
    if words:
        return _rows(user, _searched(reports, filters.search, words), filters, now)
    return _rows(user, reports, filters, now)


def _coded(reports: QuerySet[EventReport], filters: QueueFilters, now: dt.datetime) -> QuerySet[EventReport]:
    """The patient-free filters, all in the database."""
    if filters.provider_id:
        reports = reports.filter(provider_id=filters.provider_id)
    if filters.unit_id:
        reports = reports.filter(unit_id=filters.unit_id)
    if filters.status == UNLINKED:
        reports = reports.filter(pses_link__isnull=True)
    elif filters.status and filters.status not in {CLOSED_ONLY, EVERYTHING}:
        reports = reports.filter(pses_link__event__status=filters.status)
    if filters.min_age is not None:
        reports = reports.filter(reported_at__lte=now - dt.timedelta(days=filters.min_age))
    if filters.max_age is not None:
        reports = reports.filter(reported_at__gt=now - dt.timedelta(days=filters.max_age + 1))
    if filters.event_type:
        reports = reports.filter(event_type=filters.event_type)
    if filters.harm:
        reports = reports.filter(harm=filters.harm)
    if filters.assignee_id:
        reports = reports.filter(pses_link__event__assignee_id=filters.assignee_id)
    if filters.reported_from:
        reports = reports.filter(reported_at__gte=_day_start(filters.reported_from))
    if filters.reported_to:
        reports = reports.filter(reported_at__lt=_day_start(filters.reported_to + dt.timedelta(days=1)))
    return reports


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _searched(reports: QuerySet[EventReport], raw: str, words: str) -> list[EventReport]:
    """Reports whose id or event id starts with the typed id, then those among the newest
    `TEXT_CANDIDATES` whose narrative or event title contains the words (decrypted here)."""
    found: dict[Any, EventReport] = {}
    digits = id_prefix(raw)
    if digits:
        by_id = Q(pk__istartswith=dashed(digits)) | Q(pses_link__event__pk__istartswith=dashed(digits))
        found.update((r.pk, r) for r in reports.filter(by_id)[:200])
    for report in reports.order_by("-reported_at")[:TEXT_CANDIDATES]:
        if report.pk in found:
            continue
        link = getattr(report, "pses_link", None)
        title = link.event.title if link else ""
        if words in (report.narrative or "").casefold() or words in (title or "").casefold():
            found[report.pk] = report
    return list(found.values())


def _rows(user: Actor, reports: Iterable[EventReport], filters: QueueFilters, now: dt.datetime) -> list[QueueRow]:
    rules: dict[int, list[ClockRule]] = defaultdict(list)
    for rule in ClockRule.objects.filter(provider__in=pses_providers_for(user), active=True).select_related("provider"):
        rules[rule.provider_id].append(rule)

    rows = []
    for report in reports:
        # JSON "contains" is not portable to SQLite; the queue is one provider's open work.
        if filters.category and filters.category not in (report.categories or []):
            continue
        link = getattr(report, "pses_link", None)
        rows.append(
            QueueRow(
                report=report,
                event=link.event if link else None,
                rank=harm_rank(report),
                # Calendar days where the page is read: filed 22:03 yesterday is "1 day ago".
                age_days=max(0, (timezone.localdate(now) - timezone.localdate(report.reported_at)).days),
                clocks=clocks_for_report(report, rules[report.provider_id]),
            )
        )
    outcomes = outcomes_for({row.event.pk for row in rows if row.event is not None})
    for row in rows:
        if row.event is not None:
            row.clocks = with_outcomes(row.clocks, outcomes.get(row.event.pk, {}))
    rows.sort(key=lambda r: (r.rank, r.next_due, r.report.reported_at))
    return rows
