"""RCA² work on an event: the investigation, its action plan and the effectiveness reviews.

Lookups first (tenancy: only through `queries.events_for`, 404 for anything foreign), then
the changes. Each change is one transaction writing a typed timeline entry and an audit
event; both carry ids and codes only, never the encrypted text (invariants 3 and 4).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.commonformats.rca2 import ACTION_STATUS_VALUES, ACTION_STRENGTH, ActionStatus
from openpso.organizations.models import Unit
from openpso.pses import queries
from openpso.pses.events import PsesAction
from openpso.pses.models import SafetyEvent, TimelineKind
from openpso.pses.rca.effectiveness import REVIEW_MILESTONES, Review
from openpso.pses.rca.models import (
    ActionItem,
    CausalStatement,
    EffectivenessReview,
    Fact,
    Investigation,
    ReviewConclusion,
    RootCause,
    TeamMember,
)
from openpso.pses.rca.queries import default_target, factor_choices, provider_users
from openpso.pses.safety_events.actions import PsesInvalid, _note

TEXT_MAX = 4000
PURPOSE = "pses.rca"


# --- lookups (tenancy) ---------------------------------------------------------------------


def _audit(
    *, user: Actor | None, action: PsesAction, event: SafetyEvent, object_type: str, object_id: Any, detail: Any
) -> None:
    record(
        actor=user,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        organization_id=event.provider_id,
        purpose=PURPOSE,
        detail=detail,
    )


def _action_noted(
    *, user: Actor | None, action: ActionItem, kind: str, audit_action: PsesAction, detail: dict[str, Any]
) -> None:
    """The timeline entry and the audit event of one change to an action item (codes only)."""
    event = action.investigation.event
    _note(event=event, kind=kind, actor=user, data=detail)
    _audit(
        user=user,
        action=audit_action,
        event=event,
        object_type=object_type_of(action),
        object_id=action.pk,
        detail=detail,
    )


def _changed(
    *,
    user: Actor | None,
    investigation: Investigation,
    action: PsesAction,
    detail: dict[str, Any],
    at: dt.datetime | None = None,
) -> None:
    event = investigation.event
    # The timeline names the change as the audit does, without the noun ("fact_added").
    what = action.removeprefix("investigation.")
    data = {"investigation": str(investigation.pk), "what": what, **detail}
    _note(event=event, kind=TimelineKind.INVESTIGATION_CHANGED, actor=user, data=data, at=at)
    _audit(
        user=user,
        action=action,
        event=event,
        object_type=object_type_of(investigation),
        object_id=investigation.pk,
        detail=data,
    )


def _text(value: str, name: str) -> str:
    value = (value or "").strip()
    if not value:
        raise PsesInvalid(f"write the {name} first")
    if len(value) > TEXT_MAX:
        raise PsesInvalid(f"keep the {name} under {TEXT_MAX} characters")
    return value


def _open(investigation: Investigation) -> None:
    if investigation.is_finished:
        raise PsesInvalid("the investigation is finished; nothing more can be added")


def start_investigation(*, user: Actor | None, event: SafetyEvent, at: dt.datetime | None = None) -> Investigation:
    """`at` dates a back-entered start (see `actions`); the audit keeps the moment of the write."""
    with transaction.atomic():
        event = SafetyEvent.objects.select_for_update().get(pk=event.pk)
        if Investigation.objects.filter(event=event).exists():
            raise PsesInvalid("this event's investigation has already started")
        investigation = Investigation.objects.create(
            event=event, started_by=user_row(user), started_at=at or timezone.now()
        )
        data = {"investigation": str(investigation.pk)}
        _note(event=event, kind=TimelineKind.INVESTIGATION_STARTED, actor=user, data=data, at=at)
        _audit(
            user=user,
            action=PsesAction.INVESTIGATION_STARTED,
            event=event,
            object_type=object_type_of(investigation),
            object_id=investigation.pk,
            detail=data,
        )
    return investigation


def finish_investigation(*, user: Actor | None, investigation: Investigation, at: dt.datetime | None = None) -> None:
    with transaction.atomic():
        investigation = Investigation.objects.select_for_update().select_related("event").get(pk=investigation.pk)
        _open(investigation)
        if not investigation.root_causes.exists():
            raise PsesInvalid("name at least one root cause before finishing")
        investigation.finished_at, investigation.finished_by = at or timezone.now(), user_row(user)
        investigation.save(update_fields=["finished_at", "finished_by"])
        data = {"investigation": str(investigation.pk)}
        _note(event=investigation.event, kind=TimelineKind.INVESTIGATION_FINISHED, actor=user, data=data, at=at)
        _audit(
            user=user,
            action=PsesAction.INVESTIGATION_FINISHED,
            event=investigation.event,
            object_type=object_type_of(investigation),
            object_id=investigation.pk,
            detail=data,
        )


def add_team_member(*, user: Actor | None, investigation: Investigation, member: Any, role: str = "") -> TeamMember:
    event = investigation.event
    if not queries.pses_members_of(event.provider_id).filter(pk=member.pk).exists():
        raise PsesInvalid("the team is made of this provider's safety team members")
    with transaction.atomic():
        _open(investigation)
        if investigation.team.filter(user=member).exists():
            raise PsesInvalid("that person is already on the team")
        row = TeamMember.objects.create(investigation=investigation, user=member, role=role.strip()[:80])
        _changed(
            user=user, investigation=investigation, action=PsesAction.TEAM_MEMBER_ADDED, detail={"member": member.pk}
        )
    return row


def remove_team_member(*, user: Actor | None, investigation: Investigation, member_id: int) -> None:
    with transaction.atomic():
        _open(investigation)
        if not investigation.team.filter(user_id=member_id).delete()[0]:
            raise PsesInvalid("that person is not on the team")
        _changed(
            user=user, investigation=investigation, action=PsesAction.TEAM_MEMBER_REMOVED, detail={"member": member_id}
        )


def add_fact(*, user: Actor | None, investigation: Investigation, occurred_at: dt.datetime, fact: str) -> Fact:
    text = _text(fact, "fact")
    with transaction.atomic():
        _open(investigation)
        row = Fact.objects.create(
            investigation=investigation, occurred_at=occurred_at, fact=text, added_by=user_row(user)
        )
        _changed(user=user, investigation=investigation, action=PsesAction.FACT_ADDED, detail={"fact": row.pk})
    return row


def add_causal_statement(
    *, user: Actor | None, investigation: Investigation, cause: str, effect: str, outcome: str
) -> CausalStatement:
    """RCA² rule 1: a causal statement shows cause → effect → event; all three are needed."""
    parts = _text(cause, "cause"), _text(effect, "effect"), _text(outcome, "event")
    with transaction.atomic():
        _open(investigation)
        row = CausalStatement.objects.create(
            investigation=investigation, cause=parts[0], effect=parts[1], outcome=parts[2], added_by=user_row(user)
        )
        _changed(
            user=user,
            investigation=investigation,
            action=PsesAction.CAUSAL_STATEMENT_ADDED,
            detail={"statement": row.pk},
        )
    return row


def add_root_cause(
    *, user: Actor | None, investigation: Investigation, text: str, at: dt.datetime | None = None
) -> RootCause:
    value = _text(text, "root cause")
    with transaction.atomic():
        _open(investigation)
        row = RootCause.objects.create(
            investigation=investigation, text=value, added_by=user_row(user), added_at=at or timezone.now()
        )
        detail = {"root_cause": row.pk}
        _changed(user=user, investigation=investigation, action=PsesAction.ROOT_CAUSE_ADDED, detail=detail, at=at)
    return row


# What can be withdrawn, by the kind the form names: its model and the audit action.
REMOVABLE: dict[str, tuple[type[Fact] | type[CausalStatement] | type[RootCause], PsesAction]] = {
    "fact": (Fact, PsesAction.FACT_REMOVED),
    "statement": (CausalStatement, PsesAction.CAUSAL_STATEMENT_REMOVED),
    "root_cause": (RootCause, PsesAction.ROOT_CAUSE_REMOVED),
}


def remove_entry(*, user: Actor | None, investigation: Investigation, kind: str, entry_id: int) -> None:
    """Withdraw a fact, causal statement or root cause; the timeline keeps that it existed."""
    if kind not in REMOVABLE:
        raise PsesInvalid("nothing of that kind can be removed")
    model, action = REMOVABLE[kind]
    with transaction.atomic():
        _open(investigation)
        if not model.objects.filter(investigation=investigation, pk=entry_id).delete()[0]:
            raise PsesInvalid("that entry is not in this investigation")
        _changed(user=user, investigation=investigation, action=action, detail={kind: entry_id})


def set_contributing_factors(
    *, user: Actor | None, investigation: Investigation, codes: list[str], at: dt.datetime | None = None
) -> None:
    allowed = dict(factor_choices())
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        raise PsesInvalid("choose factors from the contributing-factor list")
    with transaction.atomic():
        investigation = Investigation.objects.select_for_update().select_related("event").get(pk=investigation.pk)
        _open(investigation)
        before = list(investigation.contributing_factors)
        investigation.contributing_factors = [c for c in allowed if c in codes]
        investigation.save(update_fields=["contributing_factors"])
        detail = {"from": before, "to": investigation.contributing_factors}
        _changed(user=user, investigation=investigation, action=PsesAction.FACTORS_SET, detail=detail, at=at)


# --- the action plan ---------------------------------------------------------------------

ACTION_FIELDS = (
    "action",
    "action_type",
    "owner",
    "due_on",
    "process_measure",
    "outcome_measure",
    "status",
    "category",
    "unit",
    "implemented_on",
)
_TEXT_FIELDS = {"action", "process_measure", "outcome_measure"}


def _check_action(action: ActionItem) -> None:
    event = action.investigation.event
    action.action = _text(action.action, "action")
    if action.action_type not in ACTION_STRENGTH:
        raise PsesInvalid("choose the action type from the RCA² action hierarchy")
    if action.owner_id is None:
        raise PsesInvalid("an action needs an owner")
    if action.due_on is None:
        raise PsesInvalid("an action needs a due date")
    if not provider_users(event.provider_id).filter(pk=action.owner_id).exists():
        raise PsesInvalid("the owner must be a member of this provider")
    if (
        action.unit_id is not None
        and not Unit.objects.filter(pk=action.unit_id, provider_id=event.provider_id).exists()
    ):
        raise PsesInvalid("choose a unit of this provider")
    if action.status not in ACTION_STATUS_VALUES:
        raise PsesInvalid("choose one of the listed statuses")
    if action.status == ActionStatus.DONE and action.implemented_on is None:
        raise PsesInvalid("say on which day a done action was implemented")


def _codes(action: ActionItem) -> dict[str, Any]:
    """What the timeline and audit may say about an action: ids and codes only."""
    return {
        "action": str(action.pk),
        "type": action.action_type,
        "strength": action.strength,
        "status": action.status,
        "owner": action.owner_id,
        "due_on": str(action.due_on),
        "category": action.category,
        "unit": action.unit_id,
        "implemented_on": str(action.implemented_on) if action.implemented_on else None,
    }


def add_action(*, user: Actor | None, investigation: Investigation, data: dict[str, Any]) -> ActionItem:
    event = investigation.event
    category, unit = default_target(event)
    values = {"category": category, "unit": unit, **{k: v for k, v in data.items() if k in ACTION_FIELDS}}
    if not values.get("category"):
        values["category"] = category
    if values.get("unit") is None:
        values["unit"] = unit
    for name in _TEXT_FIELDS:
        values[name] = (values.get(name) or "").strip()
    action = ActionItem(investigation=investigation, created_by=user_row(user), **values)
    if not action.status:
        action.status = ActionStatus.PLANNED
    _check_action(action)
    with transaction.atomic():
        action.save()
        _action_noted(
            user=user,
            action=action,
            kind=TimelineKind.ACTION_ADDED,
            audit_action=PsesAction.ACTION_ADDED,
            detail=_codes(action),
        )
    return action


def change_action(*, user: Actor | None, action: ActionItem, data: dict[str, Any]) -> ActionItem:
    with transaction.atomic():
        action = ActionItem.objects.select_for_update().select_related("investigation__event").get(pk=action.pk)
        before = _codes(action)
        for name in ACTION_FIELDS:
            if name in data:
                value = data[name]
                setattr(action, name, (value or "").strip() if name in _TEXT_FIELDS else value)
        _check_action(action)
        action.save()
        after = _codes(action)
        changed = sorted(n for n in ACTION_FIELDS if n in data)
        detail = {**after, "changed": changed, "previous_status": before["status"]}
        _action_noted(
            user=user,
            action=action,
            kind=TimelineKind.ACTION_CHANGED,
            audit_action=PsesAction.ACTION_CHANGED,
            detail=detail,
        )
    return action


def record_review(*, user: Actor | None, action: ActionItem, review: Review, conclusion: str) -> EffectivenessReview:
    """The reviewer's conclusion at a milestone, with the figures they saw (numbers only)."""
    if review.days not in REVIEW_MILESTONES:
        raise PsesInvalid("reviews are at 90 and 180 days")
    if conclusion not in ReviewConclusion.values:
        raise PsesInvalid("choose effective, not effective or too early")
    if not review.due and conclusion != ReviewConclusion.TOO_EARLY:
        raise PsesInvalid(f"the {review.days}-day window ends on {review.due_on}; until then it is too early")
    figures = review.figures()
    with transaction.atomic():
        row = EffectivenessReview.objects.create(
            action=action,
            milestone_days=review.days,
            conclusion=conclusion,
            figures=figures,
            reviewed_by=user_row(user),
        )
        data = {"action": str(action.pk), "review": row.pk, "days": review.days, "conclusion": conclusion, **figures}
        _action_noted(
            user=user,
            action=action,
            kind=TimelineKind.EFFECTIVENESS_REVIEWED,
            audit_action=PsesAction.ACTION_REVIEWED,
            detail=data,
        )
    return row


# What a page of the analysis shows: the audit action of its read and the object's type.
_VIEWED = {
    "investigation": (PsesAction.INVESTIGATION_VIEWED, object_type_of(Investigation)),
    "actionitem": (PsesAction.ACTION_VIEWED, object_type_of(ActionItem)),
}


def record_view(
    *, user: Actor | None, event: SafetyEvent, what: Literal["investigation", "actionitem"], object_id: Any
) -> None:
    """Reading the analysis inside the provider is a use of PSWP, logged (42 CFR 3.206)."""
    action, object_type = _VIEWED[what]
    record(
        actor=user,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        organization_id=event.provider_id,
        purpose=PURPOSE,
    )
