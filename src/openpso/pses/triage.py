"""The triage queue: every report of the user's PSES providers not in a closed event, worst
harm first (death … unknown, then near misses, then unsafe conditions), then the nearest
clock (risk), then the oldest (age).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from openpso.pses import queries
from openpso.pses.clocks import RANK_LABELS, Clock, clocks_for_report, harm_rank
from openpso.pses.models import ClockRule, EventStatus, SafetyEvent
from openpso.reporting.models import EventReport

UNLINKED = "unlinked"
_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class QueueFilters:
    provider_id: int | None = None
    category: str = ""
    unit_id: int | None = None
    status: str = ""  # "unlinked" or an open EventStatus
    min_age: int | None = None  # days since reported
    max_age: int | None = None


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
        return self.clocks[0].due if self.clocks else _FAR


def queue_for(user: Any, *, filters: QueueFilters, now: dt.datetime | None = None) -> list[QueueRow]:
    now = now or timezone.now()
    reports = queries.pses_reports_for(user).exclude(pses_link__event__status=EventStatus.CLOSED)
    reports = reports.select_related("pses_link__event__assignee").defer(
        "narrative", "category_other", "location_detail", "answers", "reporter_role"
    )
    if filters.provider_id:
        reports = reports.filter(provider_id=filters.provider_id)
    if filters.unit_id:
        reports = reports.filter(unit_id=filters.unit_id)
    if filters.status == UNLINKED:
        reports = reports.filter(pses_link__isnull=True)
    elif filters.status:
        reports = reports.filter(pses_link__event__status=filters.status)
    if filters.min_age is not None:
        reports = reports.filter(reported_at__lte=now - dt.timedelta(days=filters.min_age))
    if filters.max_age is not None:
        reports = reports.filter(reported_at__gt=now - dt.timedelta(days=filters.max_age + 1))

    rules: dict[int, list[ClockRule]] = defaultdict(list)
    for rule in ClockRule.objects.filter(provider__in=queries.pses_providers_for(user), active=True).select_related(
        "provider"
    ):
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
    rows.sort(key=lambda r: (r.rank, r.next_due, r.report.reported_at))
    return rows
