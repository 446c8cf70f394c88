"""Safety alerts: write, target, publish, withdraw; each member acknowledges, assesses and acts.

Every change is audited with codes and field names only (invariant 4): alert texts and member
notes never enter the audit detail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.feedback.events import FeedbackAction
from openpso.feedback.models import ActionState, AlertStatus, AlertTarget, Applicability, SafetyAlert
from openpso.feedback.queries import members_receiving, network_members
from openpso.organizations.models import FeedbackProduct, Organization

PURPOSE = "feedback"


class AlertStateError(Exception):
    """The alert is not in a state that allows this (e.g. publishing twice)."""


def _audit(
    *, actor: Actor | None, action: FeedbackAction, obj: SafetyAlert | AlertTarget, org_id: int, **detail: object
) -> None:
    record(
        actor=actor,
        action=action,
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        organization_id=org_id,
        purpose=PURPOSE,
        detail=detail,
    )


def save_draft(*, actor: Actor | None, alert: SafetyAlert, changed: Iterable[str] = ()) -> SafetyAlert:
    """Create or change a draft; a published alert's text is fixed (members answered that text)."""
    created = alert.pk is None
    with transaction.atomic():
        if not created and SafetyAlert.objects.filter(pk=alert.pk).exclude(status=AlertStatus.DRAFT).exists():
            raise AlertStateError("Only a draft can be changed.")
        if created:
            alert.created_by = user_row(actor) if getattr(actor, "pk", None) else None
        alert.save()
        action = FeedbackAction.ALERT_CREATED if created else FeedbackAction.ALERT_CHANGED
        _audit(actor=actor, action=action, obj=alert, org_id=alert.pso_id, fields=sorted(changed))
    return alert


@dataclass(frozen=True)
class Audience:
    """Who a published alert reaches: members whose agreement includes safety alerts, and who not."""

    receiving: list[Organization]
    not_receiving: list[Organization]


def audience(pso: Organization, *, on: dt.date | None = None) -> Audience:
    receiving = list(members_receiving(pso, FeedbackProduct.SAFETY_ALERTS, on=on))
    ids = {p.pk for p in receiving}
    return Audience(receiving, [p for p in network_members(pso) if p.pk not in ids])


def choose_targets(
    pso: Organization, *, mode: str, provider_types: Iterable[str] = (), picked: Iterable[int] = ()
) -> list[Organization]:
    """Members an alert goes to: all, those of some provider types, or those picked — always only
    members whose agreement in force includes safety alerts."""
    receiving = audience(pso).receiving
    if mode == "types":
        wanted = set(provider_types)
        return [p for p in receiving if p.provider_type in wanted]
    if mode == "picked":
        chosen = {int(pk) for pk in picked}
        return [p for p in receiving if p.pk in chosen]
    return receiving


def publish(*, actor: Actor | None, alert: SafetyAlert, providers: Iterable[Organization]) -> int:
    """Send a draft to the providers (those outside its audience are ignored); returns the count."""
    eligible = {p.pk for p in audience(alert.pso).receiving}
    chosen = sorted({p.pk for p in providers} & eligible)
    if not chosen:
        raise AlertStateError("Choose at least one member that receives safety alerts.")
    released = _released_evidence(alert)
    with transaction.atomic():
        locked = SafetyAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.status != AlertStatus.DRAFT:
            raise AlertStateError("This alert has already been published.")
        AlertTarget.objects.bulk_create([AlertTarget(alert=locked, provider_id=pk) for pk in chosen])
        locked.status, locked.published_at = AlertStatus.PUBLISHED, timezone.now()
        locked.save(update_fields=["status", "published_at"])
        _audit(
            actor=actor, action=FeedbackAction.ALERT_PUBLISHED, obj=locked, org_id=locked.pso_id, targets=len(chosen)
        )
        if released is not None:
            from openpso.nonid.release import record_release

            profile, peers, determination = released
            record_release(
                pso=locked.pso,
                what="feedback.alert_evidence",
                object_id=str(locked.pk),
                profile=profile,
                peers=peers,
                determination=determination,
                actor=actor,
            )
    alert.refresh_from_db()
    return len(chosen)


def _released_evidence(alert: SafetyAlert) -> tuple[Any, Any, Any] | None:
    """The release a pooled signal in the evidence was made under, as it stands at publication.

    Evidence attached under release-ed/1 (the month) may be published only while a determination
    still authorises it: one that expired between writing and publishing refuses the publication
    (docs/decisions/0017). None: the evidence carries no pooled signal."""
    from openpso.nonid.profiles import RELEASE_ED
    from openpso.nonid.release import release_profile

    if "(released under " not in alert.evidence:
        return None
    profile, determination = release_profile(alert.pso)
    if f"(released under {RELEASE_ED.id})" in alert.evidence and determination is None:
        raise AlertStateError(
            "The evidence gives a month, which only a determination in force allows, and the PSO's is no "
            "longer in force: attach the signal again (it will give the year)."
        )
    if f"(released under {RELEASE_ED.id})" not in alert.evidence:
        from openpso.nonid.profiles import RELEASE

        profile, determination = RELEASE, None
    from openpso.analytics.dashboards.provider import peer_release
    from openpso.analytics.engine import Lake

    lake = Lake.for_pso(alert.pso.slug)
    return profile, peer_release(lake, profile) if lake.exists() else None, determination


def withdraw(*, actor: Actor | None, alert: SafetyAlert) -> None:
    with transaction.atomic():
        locked = SafetyAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.status != AlertStatus.PUBLISHED:
            raise AlertStateError("Only a published alert can be withdrawn.")
        locked.status, locked.withdrawn_at = AlertStatus.WITHDRAWN, timezone.now()
        locked.save(update_fields=["status", "withdrawn_at"])
        _audit(actor=actor, action=FeedbackAction.ALERT_WITHDRAWN, obj=locked, org_id=locked.pso_id)
    alert.refresh_from_db()


def acknowledge(*, actor: Actor | None, target: AlertTarget) -> bool:
    """Record that the member has read the alert; False (and nothing written) when it already had."""
    with transaction.atomic():
        locked = AlertTarget.objects.select_for_update().select_related("alert").get(pk=target.pk)
        if locked.acknowledged_at is not None:
            return False
        if locked.alert.status != AlertStatus.PUBLISHED:
            raise AlertStateError("This alert has been withdrawn.")
        locked.acknowledged_at = locked.updated_at = timezone.now()
        locked.acknowledged_by = user_row(actor)
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        _audit(actor=actor, action=FeedbackAction.ALERT_ACKNOWLEDGED, obj=locked, org_id=locked.provider_id)
    target.refresh_from_db()
    return True


@dataclass(frozen=True)
class Response:
    applicability: str = Applicability.UNDER_REVIEW
    applicability_note: str = ""
    action_status: str = ActionState.NONE
    action_note: str = ""
    action_date: dt.date | None = None


def respond(*, actor: Actor | None, target: AlertTarget, response: Response) -> list[str]:
    """Record the member's assessment and action (acknowledging first if needed); returns what changed."""
    acknowledge(actor=actor, target=target)
    with transaction.atomic():
        locked = AlertTarget.objects.select_for_update().get(pk=target.pk)
        changed = [name for name, value in vars(response).items() if getattr(locked, name) != value]
        if changed:
            for name in changed:
                setattr(locked, name, getattr(response, name))
            locked.updated_at = timezone.now()
            locked.save(update_fields=[*changed, "updated_at"])
            _audit(
                actor=actor,
                action=FeedbackAction.ALERT_RESPONSE_RECORDED,
                obj=locked,
                org_id=locked.provider_id,
                fields=sorted(changed),
                applicability=locked.applicability,
                action_status=locked.action_status,
            )
    target.refresh_from_db()
    return changed


@dataclass(frozen=True)
class StatusCounts:
    targeted: int
    acknowledged: int
    not_acknowledged: int
    applies: int
    does_not_apply: int
    under_review: int
    action_planned: int
    action_in_progress: int
    action_done: int


def status_counts(targets: Iterable[AlertTarget]) -> StatusCounts:
    rows = list(targets)
    acked = sum(1 for t in rows if t.acknowledged_at)

    def count(field: str, value: str) -> int:
        return sum(1 for t in rows if getattr(t, field) == value)

    return StatusCounts(
        targeted=len(rows),
        acknowledged=acked,
        not_acknowledged=len(rows) - acked,
        applies=count("applicability", Applicability.APPLIES),
        does_not_apply=count("applicability", Applicability.DOES_NOT_APPLY),
        under_review=count("applicability", Applicability.UNDER_REVIEW),
        action_planned=count("action_status", ActionState.PLANNED),
        action_in_progress=count("action_status", ActionState.IN_PROGRESS),
        action_done=count("action_status", ActionState.DONE),
    )
