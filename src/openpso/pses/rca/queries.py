"""Read-side helpers of RCA²: tenancy lookups, choices, clocks and review state (no writes)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404

from openpso.audit.actor import Actor
from openpso.commonformats.factors import factor_words
from openpso.organizations.models import Unit
from openpso.pses import queries
from openpso.pses.models import SafetyEvent
from openpso.pses.rca.effectiveness import Review
from openpso.pses.rca.models import (
    ActionItem,
    EffectivenessReview,
    Investigation,
    ReviewConclusion,
)
from openpso.pses.safety_events.clocks import active_rules, clocks_for_reports

# --- lookups (tenancy) ---------------------------------------------------------------------


def actions_for(user: Actor) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(investigation__event__in=queries.events_for(user)).select_related(
        "investigation__event__provider", "owner", "unit"
    )


def get_action_for_user(user: Actor, action_id: uuid.UUID | str) -> ActionItem:
    try:
        return actions_for(user).get(pk=action_id)
    except (ActionItem.DoesNotExist, ValueError):
        raise Http404("No such action") from None


def investigation_of(event: SafetyEvent) -> Investigation | None:
    return Investigation.objects.filter(event=event).first()


def provider_users(provider_id: int) -> QuerySet[Any]:
    """Members of the provider, any role: who may own an action (people, not API keys' accounts)."""
    members = get_user_model().objects.filter(memberships__organization_id=provider_id, is_service_account=False)
    return members.distinct().order_by("email")


def factor_choices() -> list[tuple[str, str]]:
    """OpenPSO's contributing-factor list (openpso-ext/contributing-factors-1.0: an OpenPSO
    extension, not AHRQ Common Formats codes); "Unknown" is a reporting answer, not an
    analysis finding, so it is left out."""
    return [(code, words) for code, words in factor_words().items() if code != "UNK"]


def factor_labels(codes: list[str], *, marked: bool = False) -> list[str]:
    """Each code in words; `marked` adds "(OpenPSO extension)" to OpenPSO's codes, for pages.
    The submission document keeps the plain words: its version is a digest of its content, and
    a changed label would send every analysed event again."""
    labels = {code: words for code, words in factor_words(marked=marked).items() if code != "UNK"}
    return [labels.get(code, code) for code in codes]


def default_target(event: SafetyEvent) -> tuple[str, Unit | None]:
    """The rate an action aims at by default: the first category and unit of the report the
    event was made from (the first linked; an anonymous report's time, kept to the hour, may
    read earlier than the event's own report)."""
    for report in queries.reports_of(event).order_by("pses_link__linked_at"):
        if report.categories:
            return report.categories[0], report.unit
    return "", None


# RCA² causal statements rule 2: specific and accurate descriptors, not negative, vague words.
_VAGUE = re.compile(
    r"\b(poor(ly)?|inadequate(ly)?|wrong(ly)?|careless(ly)?|bad(ly)?|improper(ly)?|negligent(ly)?)\b", re.I
)


def causal_statement_warnings(*parts: str) -> list[str]:
    words = sorted({m.group(0).lower() for part in parts for m in _VAGUE.finditer(part)})
    if not words:
        return []
    return [f"RCA² rule 2: say specifically what happened instead of {', '.join(repr(w) for w in words)}"]


@dataclass(frozen=True)
class RcaClock:
    name: str
    due: dt.datetime
    met_at: dt.datetime | None

    def state(self, now: dt.datetime) -> str:
        if self.met_at is not None:
            return "met" if self.met_at <= self.due else "met late"
        return "overdue" if now >= self.due else "running"


def rca_clocks(event: SafetyEvent, investigation: Investigation | None) -> list[RcaClock]:
    """The RCA² start and finish clocks of the event, measured against the investigation."""
    clocks = clocks_for_reports(queries.reports_of(event), active_rules(event.provider_id))
    out = []
    for clock in clocks:
        if clock.rule.code == "rca2-start":
            met = investigation.started_at if investigation else None
        elif clock.rule.code == "rca2-finish":
            met = investigation.finished_at if investigation else None
        else:
            continue
        out.append(RcaClock(name=clock.rule.name, due=clock.due, met_at=met))
    return out


def review_state(action: ActionItem, review: Review) -> tuple[bool, EffectivenessReview | None]:
    """(due and still waiting for a conclusion, the latest recorded conclusion)."""
    latest = action.reviews.filter(milestone_days=review.days).order_by("-reviewed_at", "-id").first()
    waiting = latest is None or latest.conclusion == ReviewConclusion.TOO_EARLY
    return review.due and waiting, latest


# --- changes -------------------------------------------------------------------------------
