"""The PSWP ledger: every change of an artefact's PSWP status, validated and recorded.

An artefact is any model instance with `pswp_status`, `pswp_status_at` and `provider_id`
(an `anonymous` flag is honoured where present); this module imports no other app's models.
Each accepted transition writes one `PswpTransition` (the artefact's timeline entry) and
one audit event, then updates the artefact's denormalised status, in one transaction.
A refused transition writes nothing. This module is the only writer of `pswp_status`
(`pswp.guard` in Python, `pswp.triggers` in the database).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.audit import trail
from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.lib.anonymity import anonymous_time
from openpso.organizations.timezones import zone_of
from openpso.pswp.events import PswpAction
from openpso.pswp.guard import adopt, ledger_write, ledger_write_many
from openpso.pswp.models import PswpTransition
from openpso.pswp.status import ALLOWED_TRANSITIONS, NO_STATUS, REPORTED_STATUSES, PswpStatus

# The action of every ledger entry's audit event (tests and other apps look rows up by it).
AUDIT_ACTION = PswpAction.STATUS_CHANGED


class PswpTransitionRefused(Exception):
    """The state machine does not allow this change; nothing was written."""


@dataclass(frozen=True)
class Entry:
    """One line of an artefact's PSWP history, for pages."""

    from_status: str
    to_status: str
    at: dt.datetime
    actor_label: str
    reason: str

    @property
    def to_label(self) -> str:
        return str(PswpStatus(self.to_status).label)


def _rows(artefact: models.Model) -> Any:
    ct = ContentType.objects.get_for_model(type(artefact))
    return PswpTransition.objects.filter(content_type=ct, object_id=str(artefact.pk))


def _from_status(artefact: Any, to: str) -> str:
    current = str(artefact.pswp_status or NO_STATUS)
    # An artefact created already holding its first status (an event report is a candidate
    # from filing) has an unrecorded entry until the ledger records it: that first call
    # records the entry itself, from no status.
    if current == to and not _rows(artefact).exists():
        return NO_STATUS
    return current


def _refusal(artefact: Any, current: str, to: str) -> str:
    name = f"{artefact._meta.verbose_name} {artefact.pk}"
    if to == PswpStatus.DROPPED_OUT and current in REPORTED_STATUSES:
        # The day as the provider's pages show it, not the UTC day it is stored in.
        provider = getattr(artefact, "provider", None)
        on = timezone.localtime(artefact.pswp_status_at, zone_of(provider) if provider is not None else None)
        return (
            f"Drop-out refused: {name} was {PswpStatus(current).label.lower()} on "
            f"{on:%Y-%m-%d}. 42 CFR 3.20 allows removal from the PSES only "
            "before it is reported to the PSO, functional reporting included."
        )
    if to == PswpStatus.DROPPED_OUT:
        shown = PswpStatus(current).label.lower() if current else "not in the PSES"
        return (
            f"Drop-out refused: {name} is {shown}. 42 CFR 3.20 allows drop-out only of "
            "information in the PSES for reporting (a candidate) that has not been reported."
        )
    if to == PswpStatus.NOT_PSWP and current == PswpStatus.CANDIDATE:
        return (
            f"{name} is in the PSES (a PSWP candidate) and cannot be declared not PSWP. To use it for an "
            "external obligation, drop it out of the PSES first, with the reason documented "
            "(42 CFR 3.20, PSWP para (2)(ii); 81 FR 32655); better, meet the obligation from the original records."
        )
    if current in REPORTED_STATUSES:
        return (
            f"{name} was {PswpStatus(current).label.lower()}; after reporting its PSWP status can no longer "
            f"become '{to}' (42 CFR 3.20)."
        )
    shown = f"'{current}'" if current else "no status"
    return f"{name} cannot go from {shown} to '{to}' (42 CFR 3.20 PSWP states; see pswp.status.ALLOWED_TRANSITIONS)."


def _label(person: Any, anonymous: bool) -> str:
    if person is not None:
        return str(getattr(person, "email", "") or person)
    return "anonymous" if anonymous else "system"


def _transition(
    *, artefact: Any, to: str, actor: Actor | None, reason: str = "", at: dt.datetime | None = None
) -> PswpTransition:
    if to in {PswpStatus.DROPPED_OUT, PswpStatus.NOT_PSWP} and not reason.strip():
        # 42 CFR 3.20 para (2)(ii): the provider documents the act of removal; we ask why.
        raise PswpTransitionRefused(f"{PswpStatus(to).label}: a reason is required (42 CFR 3.20).")
    model = type(artefact)
    with transaction.atomic():
        # Lock the artefact so two concurrent changes cannot both pass the check.
        locked = model._default_manager.select_for_update().get(pk=artefact.pk)
        current = _from_status(locked, to)
        if to not in ALLOWED_TRANSITIONS.get(current, frozenset()):
            raise PswpTransitionRefused(_refusal(locked, current, to))
        anonymous = bool(getattr(locked, "anonymous", False))
        moment = at or timezone.now()
        if anonymous:
            # Invariant 2: no ledger time for an anonymous report is finer than the hour.
            moment = anonymous_time(moment)
        # The ledger row first: the database refuses a status change that is not the
        # artefact's newest ledger row (pswp.triggers).
        entry = _write(
            artefact=artefact,
            current=current,
            to=to,
            actor=actor,
            moment=moment,
            provider_id=locked.provider_id,
            anonymous=anonymous,
            reason=reason,
        )
        # A queryset update, not save(): the ledger is the record of PSWP changes, and a
        # row-version save would stamp an anonymous report's history with the exact time.
        ledger_write(model, artefact.pk, status=to, at=moment)
        adopt(artefact, status=to, at=moment)
        return entry


def _write(
    *,
    artefact: Any,
    current: str,
    to: str,
    actor: Actor | None,
    moment: dt.datetime,
    provider_id: int,
    anonymous: bool,
    reason: str,
    also: Sequence[trail.Entry] = (),
) -> PswpTransition:
    """The timeline entry and its audit event, for a change the caller has checked; `also`
    are the caller's events of the same act, appended right after it under the same lock."""
    person = _person(actor)
    entry, own = _entry(
        artefact=artefact,
        current=current,
        to=to,
        person=person,
        moment=moment,
        provider_id=provider_id,
        anonymous=anonymous,
        reason=reason,
    )
    entry.save()
    trail.append([own, *also])
    return entry


def _entry(
    *,
    artefact: Any,
    current: str,
    to: str,
    person: Any,
    moment: dt.datetime,
    provider_id: int,
    anonymous: bool,
    reason: str,
) -> tuple[PswpTransition, trail.Entry]:
    """One change's timeline entry (unsaved) and its audit event: the one place that decides them."""
    model = type(artefact)
    entry = PswpTransition(
        content_type=ContentType.objects.get_for_model(model),
        object_id=str(artefact.pk),
        provider_id=provider_id,
        from_status=current,
        to_status=to,
        actor=person,
        actor_label=_label(person, anonymous),
        at=moment,
        reason=reason.strip(),
    )
    own = trail.Entry(
        actor=person,
        action=AUDIT_ACTION,
        object_type=object_type_of(model),
        object_id=str(artefact.pk),
        organization_id=provider_id,
        purpose="pswp.ledger",
        detail={"from": current, "to": to},
        at=moment,
    )
    return entry, own


def enter_pses(*, artefact: Any, actor: Actor | None, at: dt.datetime | None = None) -> PswpTransition:
    """The artefact entered the PSES for reporting to a PSO: protected from `at` (42 CFR 3.20)."""
    return _transition(artefact=artefact, to=PswpStatus.CANDIDATE, actor=actor, at=at)


def record_entry_at_creation(*, artefact: Any, actor: Actor | None, also: Sequence[trail.Entry] = ()) -> PswpTransition:
    """Record the entry into the PSES of an artefact inserted in this transaction as a candidate.

    The row was just written holding `candidate` and its `pswp_status_at`, so there is
    nothing to lock (no other transaction can see it yet), nothing to re-read and nothing
    to re-write: the same `PswpTransition` and audit event as `enter_pses` would write,
    at the status time the row already holds, and three statements fewer on intake.
    `also`: the creator's own audit events (`report.filed`), appended after the ledger's
    under one lock of the chain head rather than a lock each.
    """
    _check_in_creating_transaction()
    entry, own = _entry_at_creation(artefact, _person(actor))
    entry.save()
    trail.append([own, *also])
    return entry


def _check_in_creating_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise PswpTransitionRefused("the entry of a new artefact is recorded in the transaction that created it")


def _entry_at_creation(artefact: Any, person: Any) -> tuple[PswpTransition, trail.Entry]:
    """The entry (unsaved) and audit event of an artefact just inserted as a candidate, checked."""
    if artefact.pswp_status != PswpStatus.CANDIDATE or artefact.pswp_status_at is None:
        raise PswpTransitionRefused(_refusal(artefact, str(artefact.pswp_status or NO_STATUS), PswpStatus.CANDIDATE))
    return _entry(
        artefact=artefact,
        current=NO_STATUS,
        to=PswpStatus.CANDIDATE,
        person=person,
        moment=artefact.pswp_status_at,
        provider_id=artefact.provider_id,
        anonymous=bool(getattr(artefact, "anonymous", False)),
        reason="",
    )


def record_entries_at_creation(
    *,
    artefacts: Sequence[Any],
    actor: Actor | None = None,
    actors: Sequence[Actor | None] = (),
    also: Sequence[Sequence[trail.Entry]] = (),
) -> list[PswpTransition]:
    """`record_entry_at_creation` for many artefacts inserted in this transaction (a batch of a
    bulk import, of filings): the same ledger rows, in one INSERT, and the same audit events — each
    artefact's entry followed by its own `also[i]` — as consecutive links of the chain under
    one lock of its head, in the artefacts' order, as one call per artefact would leave them.
    `actors`: one per artefact where they differ (each report's reporter); else `actor` for all.
    """
    _check_in_creating_transaction()
    if also and len(also) != len(artefacts):
        raise ValueError("also: one sequence of events per artefact")
    if actors and len(actors) != len(artefacts):
        raise ValueError("actors: one actor per artefact")
    people = [_person(a) for a in actors] if actors else [_person(actor)] * len(artefacts)
    rows: list[PswpTransition] = []
    events: list[trail.Entry] = []
    for n, artefact in enumerate(artefacts):
        row, own = _entry_at_creation(artefact, people[n])
        rows.append(row)
        events += [own, *(also[n] if also else ())]
    PswpTransition.objects.bulk_create(rows)
    trail.append(events)
    return rows


def _person(actor: Actor | None) -> Any:
    """The user row a ledger entry names: none for the system or an anonymous visitor."""
    return user_row(actor) if getattr(actor, "is_authenticated", False) else None


def record_not_pswp_at_creation(
    *, artefact: Any, actor: Actor | None, reason: str, also: Sequence[trail.Entry] = ()
) -> PswpTransition:
    """Record that an artefact inserted in this transaction is not PSWP from its creation.

    Information collected for another purpose (an external obligation, the quality department's
    own log) is not PSWP even where it is also kept in the PSES (81 FR 32655). It never was a
    candidate, so its first ledger row goes from no status to `not_pswp`, with the reason (which
    names the PSES policy version that says so). Same shape as `record_entry_at_creation`.
    """
    if not reason.strip():
        raise PswpTransitionRefused(f"{PswpStatus.NOT_PSWP.label}: a reason is required (42 CFR 3.20).")
    if not transaction.get_connection().in_atomic_block:
        raise PswpTransitionRefused("the status of a new artefact is recorded in the transaction that created it")
    if artefact.pswp_status != PswpStatus.NOT_PSWP or artefact.pswp_status_at is None:
        raise PswpTransitionRefused(_refusal(artefact, str(artefact.pswp_status or NO_STATUS), PswpStatus.NOT_PSWP))
    return _write(
        artefact=artefact,
        current=NO_STATUS,
        to=PswpStatus.NOT_PSWP,
        actor=actor,
        moment=artefact.pswp_status_at,
        provider_id=artefact.provider_id,
        anonymous=bool(getattr(artefact, "anonymous", False)),
        reason=reason,
        also=also,
    )


def mark_reported(
    *, artefact: Any, actor: Actor | None, functional: bool = False, at: dt.datetime | None = None
) -> PswpTransition:
    """Reported to the PSO, or made accessible to it (functional reporting): drop-out ends here.

    `at` is the moment of the submission when it is not now (the demo replaying its history)."""
    to = PswpStatus.FUNCTIONALLY_REPORTED if functional else PswpStatus.REPORTED
    return _transition(artefact=artefact, to=to, actor=actor, at=at)


@dataclass(frozen=True)
class Reported:
    """One artefact of `mark_many_reported`: reported to the PSO by `actor` at `at` (None: now)."""

    artefact: Any
    actor: Actor | None = None
    functional: bool = False
    at: dt.datetime | None = None


def mark_many_reported(
    items: Sequence[Reported], *, also: Sequence[Sequence[trail.Entry]] = ()
) -> list[PswpTransition]:
    """`mark_reported` for many artefacts of one model at once (a batch of submissions): each
    change checked as one call checks it, against the artefacts locked together, and the same
    ledger rows and audit events — each artefact's event followed by its own `also[i]` (the
    submission's `submission.received`) — with one INSERT of ledger rows, one lock of the
    audit chain's head and one UPDATE statement run for the artefacts' columns.
    """
    if also and len(also) != len(items):
        raise ValueError("also: one sequence of events per artefact")
    if not items:
        return []
    model = type(items[0].artefact)
    pks = [item.artefact.pk for item in items]
    if len(set(pks)) != len(pks) or any(type(item.artefact) is not model for item in items):
        raise ValueError("mark_many_reported: each artefact once, all of one model")
    names = {f.name for f in model._meta.concrete_fields}
    wanted = [n for n in ("pswp_status", "pswp_status_at", "provider", "anonymous") if n in names]
    with transaction.atomic():
        # Lock them all, as `_transition` locks one, reading only what the checks need.
        locked = model._default_manager.select_for_update().only(*wanted).in_bulk(pks)
        rows: list[PswpTransition] = []
        events: list[trail.Entry] = []
        writes: list[tuple[Any, PswpStatus, dt.datetime]] = []
        for n, item in enumerate(items):
            to = PswpStatus.FUNCTIONALLY_REPORTED if item.functional else PswpStatus.REPORTED
            current_row = locked[item.artefact.pk]
            current = _from_status(current_row, to)
            if to not in ALLOWED_TRANSITIONS.get(current, frozenset()):
                raise PswpTransitionRefused(_refusal(current_row, current, to))
            anonymous = bool(getattr(current_row, "anonymous", False))
            moment = item.at or timezone.now()
            if anonymous:
                moment = anonymous_time(moment)  # invariant 2
            row, own = _entry(
                artefact=item.artefact,
                current=current,
                to=to,
                person=_person(item.actor),
                moment=moment,
                provider_id=current_row.provider_id,
                anonymous=anonymous,
                reason="",
            )
            rows.append(row)
            events += [own, *(also[n] if also else ())]
            writes.append((item.artefact.pk, to, moment))
        # The ledger rows first: the database refuses a status that is not the newest row's.
        PswpTransition.objects.bulk_create(rows)
        trail.append(events)
        ledger_write_many(model, writes)
        for item, (_pk, status, moment) in zip(items, writes, strict=True):
            adopt(item.artefact, status=status, at=moment)
    return rows


def drop_out(*, artefact: Any, actor: Actor | None, reason: str) -> PswpTransition:
    """Remove a not-yet-reported candidate from the PSES; it is then no longer PSWP (42 CFR 3.20).

    The documented drop-out (act, date, who and the required reason) is the only way a
    candidate leaves the PSES, e.g. before it is used for an external obligation."""
    return _transition(artefact=artefact, to=PswpStatus.DROPPED_OUT, actor=actor, reason=reason)


def mark_not_pswp(*, artefact: Any, actor: Actor | None, reason: str) -> PswpTransition:
    """Record a new original or external-obligation record as not PSWP (3.20 para (2); 81 FR 32655).

    Only as a first status: a candidate is refused (it leaves the PSES by `drop_out`)."""
    return _transition(artefact=artefact, to=PswpStatus.NOT_PSWP, actor=actor, reason=reason)


def mark_deliberation(*, artefact: Any, actor: Actor | None) -> PswpTransition:
    """Deliberation or analysis within the PSES: PSWP at creation (3.20 para (1)(ii))."""
    return _transition(artefact=artefact, to=PswpStatus.DELIBERATION, actor=actor)


def history(artefact: models.Model) -> list[Entry]:
    """The artefact's PSWP timeline, oldest first."""
    return [
        Entry(row.from_status, row.to_status, row.at, row.actor_label, row.reason)
        for row in _rows(artefact).order_by("id")
    ]
