"""How an event's clocks ended: recorded as met (on a day) or missed (with the reason).

A clock only counts down; the duty it tracks (a state serious-event report, an FDA 3500A,
the RCA² start and finish) is done outside this page. `resolve_clock` records the outcome
through one action (timeline + audit, codes only); `with_outcomes` puts each recorded or
derived outcome on the event's clocks, so a met clock reads "met on …", never "overdue".
The RCA² clocks need no entry: the investigation's start and finish are their outcome.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.pses.events import PsesAction
from openpso.pses.models import ClockOutcome, ClockResolution, ClockRule, SafetyEvent, TimelineKind
from openpso.pses.rca.models import Investigation
from openpso.pses.safety_events.actions import PsesInvalid, _audit, _note
from openpso.pses.safety_events.clocks import Clock, active_rules, clocks_for_reports

REASON_MAX = 2000
RCA_START, RCA_FINISH = "rca2-start", "rca2-finish"


@dataclass(frozen=True)
class DerivedOutcome:
    """An outcome read from the investigation, shaped like a `ClockResolution`."""

    outcome: str
    at: dt.datetime
    reason: str = ""


def resolve_clock(
    *,
    user: Actor,
    event: SafetyEvent,
    rule: ClockRule,
    outcome: str,
    at: dt.datetime | None = None,
    reason: str = "",
) -> ClockResolution:
    """Record that one of the event's clocks was met or missed; once per clock.

    A missed clock, or one met after it fell due, needs the reason in words: that is what
    a surveyor or a state agency asks for when a report came late.
    """
    if rule.provider_id != event.provider_id:
        raise PsesInvalid("that clock rule belongs to another provider")
    if outcome not in ClockOutcome.values:
        raise PsesInvalid("say whether the clock was met or missed")
    at = at or timezone.now()
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise PsesInvalid(f"keep the reason under {REASON_MAX} characters")
    clock = next((c for c in clocks_of(event) if c.rule.pk == rule.pk), None)
    if clock is None:
        raise PsesInvalid(f"the clock \u201c{rule.name}\u201d does not run for this event")
    late = outcome == ClockOutcome.MISSED or at > clock.due
    if late and not reason:
        raise PsesInvalid(f"say why \u201c{rule.name}\u201d was {'missed' if outcome == 'missed' else 'met late'}")
    data = {"rule": rule.pk, "code": rule.code, "outcome": outcome, "late": late}
    try:
        with transaction.atomic():
            row = ClockResolution.objects.create(
                event=event, rule=rule, outcome=outcome, at=at, reason=reason, recorded_by=user_row(user)
            )
            _note(event=event, kind=TimelineKind.CLOCK_RESOLVED, actor=user, data=data, at=at)
            _audit(user=user, action=PsesAction.EVENT_CLOCK_RESOLVED, event=event, detail=data)
    except IntegrityError:
        raise PsesInvalid(f"\u201c{rule.name}\u201d was already recorded for this event") from None
    return row


def clocks_of(event: SafetyEvent) -> list[Clock]:
    """The event's clocks (each rule once, earliest due), without outcomes."""
    from openpso.pses.queries import reports_of  # queries imports no clock code; keep it so

    return clocks_for_reports(reports_of(event), active_rules(event.provider_id))


def outcomes_for(event_ids: Iterable[Any]) -> dict[Any, dict[int | str, Any]]:
    """{event id: {rule id: outcome}} for many events in two queries (the queue's rows)."""
    ids = list(event_ids)
    found: dict[Any, dict[int | str, Any]] = defaultdict(dict)
    for row in ClockResolution.objects.filter(event_id__in=ids):
        found[row.event_id][row.rule_id] = row
    for inv in Investigation.objects.filter(event_id__in=ids).only("event_id", "started_at", "finished_at"):
        found[inv.event_id]["rca:start"] = DerivedOutcome(ClockOutcome.MET, inv.started_at)
        if inv.finished_at is not None:
            found[inv.event_id]["rca:finish"] = DerivedOutcome(ClockOutcome.MET, inv.finished_at)
    return found


def with_outcomes(clocks: Iterable[Clock], outcomes: dict[Any, Any]) -> list[Clock]:
    """Each clock with its recorded outcome, or the investigation's for the RCA² clocks."""
    out = []
    for clock in clocks:
        found = outcomes.get(clock.rule.pk)
        if found is None and clock.rule.code == RCA_START:
            found = outcomes.get("rca:start")
        if found is None and clock.rule.code == RCA_FINISH:
            found = outcomes.get("rca:finish")
        out.append(replace(clock, resolution=found) if found is not None else clock)
    return out


def event_clocks(event: SafetyEvent) -> list[Clock]:
    """The clocks an event page shows: all while open; once closed, those with an outcome."""
    clocks = with_outcomes(clocks_of(event), outcomes_for([event.pk]).get(event.pk, {}))
    return [c for c in clocks if c.resolved] if event.is_closed else clocks
