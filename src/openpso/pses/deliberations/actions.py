"""Deliberations: the one way into `Deliberation` for the rest of the code base.

RULE — nothing outside `openpso.pses` reads deliberations; inside it, only this module and
the deliberation pages do. They are PSWP at creation (42 CFR 3.20, PSWP para (1)(ii)) and
never appear in exports, reporter feedback or submissions to the PSO. Lookups here are
limited to the PSES roles of the event's provider (safety manager, committee) and raise
Http404 for anyone else; every read is an access to PSWP and is written to the audit trail
(invariant 3). Creation, its PSWP status, timeline entry and audit event are one
transaction. Timeline and audit data hold ids and codes only, never the words.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.organizations.queries import pses_providers_for
from openpso.pses import justculture
from openpso.pses.deliberations.models import Deliberation, DeliberationKind
from openpso.pses.events import PsesAction
from openpso.pses.models import SafetyEvent, TimelineEntry, TimelineKind
from openpso.pswp import ledger

TITLE_MAX = 200
BODY_MAX = 20000
PURPOSE = "pses.deliberation"
OBJECT_TYPE = object_type_of(Deliberation)
WATERMARK = "Confidential — Patient Safety Work Product"


class DeliberationInvalid(ValueError):
    """A deliberation that cannot be recorded; the message names the reason for the person."""


# --- reads (tenancy + audit) -------------------------------------------------------------


def _all_for(user: Actor | None) -> QuerySet[Deliberation]:
    if user is None:
        return Deliberation.objects.none()
    # The PSES roles of the provider, exactly as for its events (pses.queries).
    providers = pses_providers_for(user)
    result: QuerySet[Deliberation] = Deliberation.objects.filter(provider__in=providers)
    return result.select_related("author", "event")


def deliberations_for(user: Actor | None, event: SafetyEvent) -> QuerySet[Deliberation]:
    """The event's deliberations that `user` may read (none outside its provider's PSES).

    Not yet audited: call `record_reads` for the rows actually shown.
    """
    return _all_for(user).filter(event=event)


def get_deliberation_for_user(user: Actor | None, deliberation_id: uuid.UUID | str) -> Deliberation:
    try:
        return _all_for(user).get(pk=deliberation_id)
    except (Deliberation.DoesNotExist, ValueError, ValidationError):
        raise Http404("No such deliberation") from None


def ids_on_events(event_ids: Iterable[uuid.UUID | str]) -> list[str]:
    """The ids of the deliberations recorded on these events, and nothing of them but the ids:
    the audit-log search finds the trail's rows about a report's deliberations by id (the
    trail holds ids and codes only), without the search reading a deliberation."""
    ids = Deliberation.objects.filter(event_id__in=list(event_ids)).values_list("pk", flat=True)
    return [str(pk) for pk in ids]


def corrections_of(deliberation: Deliberation) -> QuerySet[Deliberation]:
    """Later deliberations that correct this one (same event, so same readers)."""
    result: QuerySet[Deliberation] = Deliberation.objects.filter(corrects=deliberation).order_by("created_at")
    return result.select_related("author")


def record_reads(*, user: Actor | None, deliberations: Iterable[Deliberation], via: str) -> None:
    """Reading a deliberation inside the provider is a use of PSWP, logged (42 CFR 3.206)."""
    for deliberation in deliberations:
        record(
            actor=user,
            action=PsesAction.DELIBERATION_VIEWED,
            object_type=OBJECT_TYPE,
            object_id=str(deliberation.pk),
            organization_id=deliberation.provider_id,
            purpose=PURPOSE,
            detail={"event": str(deliberation.event_id), "kind": deliberation.kind, "via": via},
        )


# --- creation ----------------------------------------------------------------------------


def _corrected(event: SafetyEvent, corrects: Deliberation | None, kind: str) -> Deliberation | None:
    if corrects is None:
        return None
    if corrects.event_id != event.pk:
        raise DeliberationInvalid("a correction must belong to the same event")
    if (corrects.kind == DeliberationKind.JUST_CULTURE) != (kind == DeliberationKind.JUST_CULTURE):
        raise DeliberationInvalid("correct a Just Culture decision with a new Just Culture decision")
    return corrects


def _create(
    *,
    user: Actor | None,
    event: SafetyEvent,
    kind: str,
    title: str,
    body: str,
    decision: dict[str, Any] | None = None,
    corrects: Deliberation | None = None,
) -> Deliberation:
    title, body = title.strip(), body.strip()
    if not title:
        raise DeliberationInvalid("give the deliberation a title")
    if len(title) > TITLE_MAX:
        raise DeliberationInvalid(f"keep the title under {TITLE_MAX} characters")
    if len(body) > BODY_MAX:
        raise DeliberationInvalid(f"keep the text under {BODY_MAX} characters")
    corrects = _corrected(event, corrects, kind)
    author = user_row(user) if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        deliberation = Deliberation.objects.create(
            event=event,
            provider_id=event.provider_id,
            kind=kind,
            title=title,
            body=body,
            decision=decision or {},  # type: ignore[misc]  # EncryptedJSONField holds JSON, not text
            corrects=corrects,
            author=author,
        )
        # 42 CFR 3.20 PSWP para (1)(ii): deliberations and analyses within a PSES are PSWP
        # from creation, whether or not they are ever reported. Same transaction: no
        # deliberation exists without its ledger row.
        ledger.mark_deliberation(artefact=deliberation, actor=author)
        data: dict[str, Any] = {"deliberation": str(deliberation.pk), "kind": kind}
        if corrects is not None:
            data["corrects"] = str(corrects.pk)
        timeline_kind = (
            TimelineKind.JUST_CULTURE if kind == DeliberationKind.JUST_CULTURE else TimelineKind.DELIBERATION
        )
        TimelineEntry.objects.create(event=event, kind=timeline_kind, actor=author, data=data)
        record(
            actor=author,
            action=PsesAction.DELIBERATION_RECORDED,
            object_type=OBJECT_TYPE,
            object_id=str(deliberation.pk),
            organization_id=event.provider_id,
            purpose=PURPOSE,
            detail={"event": str(event.pk), **data},
        )
    return deliberation


def record_deliberation(
    *, user: Actor | None, event: SafetyEvent, kind: str, title: str, body: str, corrects: Deliberation | None = None
) -> Deliberation:
    """A committee note or an analysis on the event; `corrects` names an earlier one it corrects."""
    if kind not in {DeliberationKind.COMMITTEE_NOTE, DeliberationKind.ANALYSIS}:
        raise DeliberationInvalid("choose a committee note or an analysis")
    if not body.strip():
        raise DeliberationInvalid("write the deliberation first")
    return _create(user=user, event=event, kind=kind, title=title, body=body, corrects=corrects)


def record_just_culture(
    *,
    user: Actor | None,
    event: SafetyEvent,
    answers: Mapping[str, str],
    title: str = "",
    notes: str = "",
    corrects: Deliberation | None = None,
) -> tuple[Deliberation, justculture.Outcome]:
    """Decide with the Just Culture aid and record answers and outcome as a deliberation."""
    try:
        outcome = justculture.decide(answers)
    except justculture.IncompleteAnswers as exc:
        raise DeliberationInvalid(str(exc)) from None
    decision = {"answers": justculture.path(answers), "outcome": outcome.as_data()}
    deliberation = _create(
        user=user,
        event=event,
        kind=DeliberationKind.JUST_CULTURE,
        title=title.strip() or "Just Culture decision",
        body=notes,
        decision=decision,
        corrects=corrects,
    )
    return deliberation, outcome


def outcome_of(deliberation: Deliberation) -> justculture.Outcome | None:
    """The Just Culture outcome as it was recorded (not recomputed: the record stays as decided)."""
    if deliberation.kind != DeliberationKind.JUST_CULTURE or not deliberation.decision:
        return None
    return justculture.Outcome.from_data(deliberation.decision["outcome"])


def answered_questions(deliberation: Deliberation) -> list[tuple[str, str]]:
    """(question, chosen answer label) for a recorded Just Culture decision, in order."""
    answers = (deliberation.decision or {}).get("answers", {})
    lines = []
    for question in justculture.QUESTIONS:
        value = answers.get(question.code)
        if value is not None:
            lines.append((question.text, dict(question.choices).get(value, value)))
    return lines
