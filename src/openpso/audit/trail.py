"""The audit trail service: record events, verify the chain, list events.

DESIGN invariant 3: every read and change of PSWP is in the audit log, which is
hash-chained, and `openpso audit verify` detects any edit or deletion. 42 CFR 3.106(b)
(security of PSWP) is why a PSO must be able to show this log has not been altered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Subquery
from django.utils import timezone

from openpso.audit.actor import Actor
from openpso.audit.events import ACTION_PATTERN, AuditAction
from openpso.audit.hashing import clean_detail, event_hash
from openpso.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, AuditEventQuerySet

_HEAD_PK = 1


class AuditChainError(Exception):
    """The chain cannot be extended safely (its head row is gone while events remain)."""


@dataclass(frozen=True)
class Entry:
    """One event to append, as `record` takes it; `append` writes several under one lock."""

    actor: Actor | None
    action: AuditAction | str
    object_type: str
    object_id: str | int
    organization_id: int | None = None
    purpose: str = ""
    detail: Mapping[str, object] | None = None
    at: dt.datetime | None = None
    actor_label: str | None = None


def record(
    *,
    actor: Actor | None,
    action: AuditAction | str,
    object_type: str,
    object_id: str | int,
    organization_id: int | None = None,
    purpose: str = "",
    detail: Mapping[str, object] | None = None,
    at: dt.datetime | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event to the chain and return it.

    `actor` None means the system acted; an AnonymousUser is labelled "anonymous" and
    keeps no id (invariant 2). `actor_label` overrides the derived label. Pass a coarser
    `at` where the exact time would identify someone (anonymous reports: to the hour).
    `detail` takes codes and ids only — never narrative or PHI (invariant 4).
    `action` is a member of the recording app's `events.py` enum (a plain dotted string is
    still taken, as tests pass one); `object_type` comes from
    `events.object_type_of(model)`.
    """
    entry = Entry(actor, action, object_type, object_id, organization_id, purpose, detail, at, actor_label)
    return append([entry])[0]


def append(entries: Sequence[Entry]) -> list[AuditEvent]:
    """Append the events in order, as consecutive links, under one lock of the chain head.

    The same events `record` would write one by one, with one lock and one head write for
    all of them (a filing's ledger entry and its `report.filed`, so a filing takes one lock). Either
    every event is appended or none is: they share one transaction.
    """
    events = [_event(entry) for entry in entries]
    if not events:
        return []
    # No savepoint inside a caller's transaction (two round trips saved on every event, issue
    # 13 item 9): an append that fails there takes the caller's whole transaction with it, so
    # nothing is committed whose event is not in the chain.
    with transaction.atomic(savepoint=False):
        head = _lock_head()
        # seq comes from the locked head, not the database sequence: a rolled-back append
        # then leaves no gap (PostgreSQL sequences never roll back), so a gap always means
        # a deleted row, and two writers can never be handed the same predecessor.
        for event in events:
            event.seq = head.last_seq + 1
            event.prev_hash = head.last_hash
            event.hash = event_hash(event)
            head.last_seq, head.last_hash = event.seq, event.hash
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            # Several links in one INSERT. The model's manager refuses bulk writes, which would
            # bypass the chain; these rows are the chain's own, hashed and linked just above.
            chain_rows: models.QuerySet[AuditEvent] = models.QuerySet(model=AuditEvent)
            chain_rows.bulk_create(events)
        head.save(update_fields=["last_seq", "last_hash"])
    return events


def _event(entry: Entry) -> AuditEvent:
    if not ACTION_PATTERN.fullmatch(entry.action):
        raise ValueError(f"action: {entry.action!r} is not a dotted lower-case verb like 'report.viewed'")
    if entry.at is not None and timezone.is_naive(entry.at):
        raise ValueError("at: must be timezone-aware")
    actor_id, label = _actor(entry.actor)
    event = AuditEvent(
        at=(entry.at or timezone.now()).astimezone(dt.UTC),
        actor_id=actor_id,
        actor_label=entry.actor_label if entry.actor_label is not None else label,
        organization_id=entry.organization_id,
        # Plain str, not the enum member: the row hashed now must be the row verify re-reads.
        action=str(entry.action),
        object_type=entry.object_type,
        object_id=str(entry.object_id),
        purpose=entry.purpose,
        detail=clean_detail(entry.detail),
    )
    _check_lengths(event)
    return event


def _actor(actor: Actor | None) -> tuple[int | None, str]:
    if actor is None:
        return None, "system"
    if getattr(actor, "is_anonymous", False) or actor.pk is None:
        return None, "anonymous"
    email = getattr(actor, "email", "")
    return int(actor.pk), str(email or actor)


def _check_lengths(event: AuditEvent) -> None:
    # SQLite ignores varchar lengths and PostgreSQL enforces them; refuse here so both behave alike.
    for name in ("actor_label", "action", "object_type", "object_id", "purpose"):
        field = AuditEvent._meta.get_field(name)
        assert isinstance(field, models.CharField)
        if field.max_length is not None and len(getattr(event, name)) > field.max_length:
            raise ValueError(f"{name}: longer than {field.max_length} characters")


def _lock_head() -> AuditChainHead:
    # select_for_update serialises appends on PostgreSQL; on SQLite the IMMEDIATE
    # transaction mode in settings takes the write lock at BEGIN. Either way the primary
    # key on seq stops a fork even if a lock were missed: the second insert fails.
    head, created = AuditChainHead.objects.select_for_update().get_or_create(pk=_HEAD_PK)
    if created and AuditEvent.objects.exists():
        raise AuditChainError("audit chain head is missing but events exist; run `openpso audit verify`")
    return head


@dataclass(frozen=True)
class ChainVerdict:
    ok: bool
    checked: int
    first_broken_seq: int | None
    reason: str


def verify_chain() -> ChainVerdict:
    """Re-hash every event in seq order and report the first thing that is wrong.

    Reads the head first and walks rows up to it, so appends made while verify runs are
    neither checked nor mistaken for forgeries.
    """
    head = AuditChainHead.objects.filter(pk=_HEAD_PK).first()
    if head is None:
        return _verdict_without_head()
    rows = AuditEvent.objects.filter(seq__lte=head.last_seq).order_by("seq")
    checked, prev_hash, expected = 0, GENESIS_HASH, 1
    for event in rows.iterator(chunk_size=2000):
        problem = _row_problem(event, expected, prev_hash)
        if problem is not None:
            return ChainVerdict(False, checked, problem[0], problem[1])
        checked, prev_hash, expected = checked + 1, event.hash, event.seq + 1
    last_seq = expected - 1
    if last_seq < head.last_seq:
        reason = f"chain ends at row {last_seq} but head records row {head.last_seq} (newest rows deleted)"
        return ChainVerdict(False, checked, last_seq + 1, reason)
    if prev_hash != head.last_hash:
        reason = f"row {last_seq}: hash differs from the one the head recorded (edited)"
        return ChainVerdict(False, checked, last_seq, reason)
    forged = _first_row_after_head()
    if forged is not None:
        reason = f"row {forged}: stored after the chain head (row {head.last_seq}), not through record"
        return ChainVerdict(False, checked, forged, reason)
    return ChainVerdict(True, checked, None, "")


def _row_problem(event: AuditEvent, expected: int, prev_hash: str) -> tuple[int, str] | None:
    if event.seq != expected:
        missing = f"row {expected}" if event.seq == expected + 1 else f"rows {expected}–{event.seq - 1}"
        return expected, f"{missing} missing (deleted)"
    if event_hash(event) != event.hash:
        return event.seq, f"row {event.seq}: hash does not match its contents (edited)"
    if event.prev_hash != prev_hash:
        return event.seq, f"row {event.seq}: previous-hash link broken (row before it deleted or edited)"
    return None


def _first_row_after_head() -> int | None:
    # One statement, so a concurrent append (row and head move together) is never caught
    # half-way and reported as a forgery.
    head_seq = AuditChainHead.objects.filter(pk=_HEAD_PK).values("last_seq")[:1]
    seqs = AuditEvent.objects.filter(seq__gt=Subquery(head_seq)).order_by("seq")
    return seqs.values_list("seq", flat=True).first()


def _verdict_without_head() -> ChainVerdict:
    first = AuditEvent.objects.order_by("seq").values_list("seq", flat=True).first()
    if first is None:
        return ChainVerdict(True, 0, None, "")
    return ChainVerdict(False, 0, first, "chain head row missing (deleted) while events exist")


def events_for(*, organization_ids: Iterable[int]) -> AuditEventQuerySet:
    """Events about the given organisations, newest first. The caller has checked access."""
    return AuditEvent.objects.filter(organization_id__in=list(organization_ids)).order_by("-seq")


def events_about(*, object_type: str, object_id: str | int) -> AuditEventQuerySet:
    """The timeline of one object, newest first."""
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-seq")
