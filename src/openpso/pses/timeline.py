"""Turning typed timeline entries (ids and codes) into lines a safety manager reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from openpso.pses.models import ClockRule, EventStatus, SafetyEvent, TimelineEntry, TimelineKind
from openpso.pses.rca.models import ActionItem
from openpso.reporting.models import EventReport


@dataclass(frozen=True)
class TimelineLine:
    entry: TimelineEntry
    label: str
    detail: str


def _short(report_id: Any) -> str:
    return str(report_id)[:8].upper()


def action_text(text: str, limit: int = 120) -> str:
    """An action item as people name it: its own words, shortened to one line."""
    words = " ".join((text or "").split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def _person(users: dict[int, Any], user_id: Any) -> str:
    user = users.get(user_id) if user_id else None
    return (user.get_full_name() or user.email) if user else "nobody"


def entries_for(event: SafetyEvent, reports: Iterable[EventReport] = ()) -> list[TimelineLine]:
    """Newest first, with report short ids, people and statuses spelled out."""
    entries = list(TimelineEntry.objects.filter(event=event).select_related("actor"))
    user_ids = {e.data.get("assignee") for e in entries} | {e.data.get("previous") for e in entries}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=[i for i in user_ids if i])}
    rule_ids = [e.data.get("rule") for e in entries if e.data.get("rule")]
    rules = {r.pk: r.name for r in ClockRule.objects.filter(pk__in=rule_ids)}
    # Action items by their words (decrypted here, inside the PSES), not "action 3f2a…".
    action_ids = [e.data.get("action") for e in entries if e.data.get("action")]
    texts = {
        str(a.pk): action_text(a.action)
        for a in ActionItem.objects.filter(pk__in=action_ids, investigation__event=event)
    }
    lines = []
    for entry in entries:
        data = entry.data
        kind = entry.kind
        if kind in {TimelineKind.CREATED, TimelineKind.REPORT_LINKED, TimelineKind.REPORT_UNLINKED}:
            detail = f"report {_short(data.get('report', ''))}"
        elif kind == TimelineKind.CORRECTION_REQUESTED:
            detail = f"asked the reporter of report {_short(data.get('report', ''))}"
        elif kind == TimelineKind.ASSIGNED:
            detail = f"to {_person(users, data.get('assignee'))}"
        elif kind == TimelineKind.STATUS_CHANGED:
            before, after = EventStatus(data["from"]).label, EventStatus(data["to"]).label
            detail = f"{before} → {after}"
        elif kind == TimelineKind.WHAT_CHANGED:
            count = len(data.get("reports", []))
            detail = f"to the reporters of {count} report{'' if count == 1 else 's'}"
        elif kind in {TimelineKind.CLOCK_DUE, TimelineKind.CLOCK_OVERDUE}:
            detail = rules.get(data.get("rule"), "a clock")
        elif kind == TimelineKind.CLOCK_RESOLVED:
            outcome = "missed" if data.get("outcome") == "missed" else ("met late" if data.get("late") else "met")
            detail = f"{rules.get(data.get('rule'), 'a clock')}: {outcome}"
        elif kind in {TimelineKind.ACTION_ADDED, TimelineKind.ACTION_CHANGED, TimelineKind.EFFECTIVENESS_REVIEWED}:
            detail = texts.get(str(data.get("action")), "")
        else:
            detail = ""
        lines.append(TimelineLine(entry=entry, label=TimelineKind(kind).label, detail=detail))
    return lines
