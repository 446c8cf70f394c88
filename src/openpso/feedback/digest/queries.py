""" "What changed because you reported": the provider's actions implemented in a period that came
from its own reports (user needs §3.6 need 2; Benn et al. 2009 feedback mode D).

It reads the provider's own RCA² action plans (openpso.pses) for the provider's own staff: only
the action type, its strength in the RCA² hierarchy, the event category and the month — never
action texts, narratives, units or names — and how many reports led to those changes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from openpso.analytics.measures import label
from openpso.commonformats.rca2 import ACTION_STRENGTH, ACTION_TYPE_CHOICES, STRENGTH_LABELS, ActionStatus
from openpso.organizations.models import Organization
from openpso.pses.models import EventReportLink
from openpso.pses.rca.models import ActionItem

_TYPE_LABELS = dict(ACTION_TYPE_CHOICES)


@dataclass(frozen=True)
class ChangeRow:
    action_type: str
    strength: str
    category: str
    month: str
    count: int


@dataclass(frozen=True)
class Digest:
    provider: Organization
    start: dt.date
    end: dt.date  # inclusive, last day
    rows: list[ChangeRow]
    actions: int
    reports: int
    by_strength: dict[str, int]

    @property
    def empty(self) -> bool:
        return not self.rows


def implemented_actions(provider: Organization, *, start: dt.date, end: dt.date) -> list[tuple[str, str, dt.date, str]]:
    """(action type, category, implemented on, event id) of the actions done in [start, end].

    Plain values, so the encrypted action texts are never loaded, let alone decrypted."""
    rows = ActionItem.objects.filter(
        investigation__event__provider=provider,
        status=ActionStatus.DONE,
        implemented_on__gte=start,
        implemented_on__lte=end,
    ).values_list("action_type", "category", "implemented_on", "investigation__event_id")
    return [(t, c, d, str(e)) for t, c, d, e in rows if d is not None]


def digest_for(provider: Organization, *, start: dt.date, end: dt.date) -> Digest:
    actions = implemented_actions(provider, start=start, end=end)
    groups: Counter[tuple[str, str, str, str]] = Counter()
    for action_type, code, day, _ in actions:
        category = label("category", code) if code else "Not recorded"
        strength = STRENGTH_LABELS[ACTION_STRENGTH[action_type]]
        groups[(_TYPE_LABELS.get(action_type, action_type), strength, category, f"{day:%Y-%m}")] += 1
    events = {event for *_, event in actions}
    reports = EventReportLink.objects.filter(event_id__in=events).values("report_id").distinct().count()
    strengths = Counter(ACTION_STRENGTH[action_type] for action_type, *_ in actions)
    return Digest(
        provider=provider,
        start=start,
        end=end,
        rows=[ChangeRow(*key, count=n) for key, n in sorted(groups.items(), key=lambda kv: (kv[0][3], kv[0][0]))],
        actions=len(actions),
        reports=reports,
        by_strength={STRENGTH_LABELS[s]: strengths.get(s, 0) for s in STRENGTH_LABELS},
    )
