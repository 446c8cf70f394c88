"""Bulk assign and bulk close from the queue's action bar (docs/decisions/0014).

Each event goes through the same action a click on its own page calls
(`actions.assign_event`, `actions.change_status`), one transaction per event, so each
writes its own timeline entry and audit event and is refused for the same reasons. One
refusal does not undo the others: the person gets a line per event saying what was done or
why not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from openpso.audit.actor import Actor
from openpso.pses import queries
from openpso.pses.models import EventStatus, SafetyEvent
from openpso.pses.safety_events import actions
from openpso.pses.safety_events.actions import PsesInvalid

BULK_MAX = 100


@dataclass(frozen=True)
class BulkOutcome:
    event_label: str  # "E-3F2A1B2C", or the id as typed when it was not found
    done: bool
    words: str  # "assigned to Ada Byron" / "not closed: its RCA² investigation is not finished"


def _events(user: Actor, ids: Iterable[str]) -> tuple[list[SafetyEvent], list[str]]:
    """The user's events among `ids` in the order ticked, and the ids that are not theirs
    (foreign and missing look the same: invariant 1)."""
    wanted = list(dict.fromkeys(str(i) for i in ids))[:BULK_MAX]
    found: dict[str, SafetyEvent] = {}
    for raw in wanted:
        try:
            found[raw] = queries.get_event_for_user(user, raw)
        except Http404:  # foreign, missing or malformed ids alike
            continue
    return [found[i] for i in wanted if i in found], [i for i in wanted if i not in found]


def _missing(ids: list[str]) -> list[BulkOutcome]:
    return [BulkOutcome(event_label=i[:12], done=False, words="not found among your events") for i in ids]


def bulk_assign(*, user: Actor, event_ids: Iterable[str], assignee: Any) -> list[BulkOutcome]:
    events, missing = _events(user, event_ids)
    name = assignee.get_full_name() or assignee.email
    out = []
    for event in events:
        if event.assignee_id == assignee.pk:
            out.append(BulkOutcome(event.short_id, False, f"not changed: already assigned to {name}"))
            continue
        try:
            actions._open(event)  # the event page offers no changes on a closed event either
            actions.assign_event(user=user, event=event, assignee=assignee)
        except PsesInvalid as exc:
            out.append(BulkOutcome(event.short_id, False, f"not assigned: {exc}"))
        else:
            out.append(BulkOutcome(event.short_id, True, f"assigned to {name}"))
    return out + _missing(missing)


def bulk_close(*, user: Actor, event_ids: Iterable[str]) -> list[BulkOutcome]:
    events, missing = _events(user, event_ids)
    out = []
    for event in events:
        try:
            actions.change_status(user=user, event=event, status=EventStatus.CLOSED)
        except PsesInvalid as exc:
            out.append(BulkOutcome(event.short_id, False, f"not closed: {exc}"))
        else:
            out.append(BulkOutcome(event.short_id, True, "closed"))
    return out + _missing(missing)
