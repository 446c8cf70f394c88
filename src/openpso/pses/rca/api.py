"""`/api/v1/rca-actions`: the RCA² action plans of the provider's safety events, and their status.

The same rules as the action plan and action pages: the actions of the events of the providers
where the caller holds a PSES role; a foreign or missing id is a 404 (pses.rca.queries). Reading
one action is a use of PSWP, logged as its page logs it (`rca.actions.record_view`); the list,
like the action plan page, logs nothing per action. Action types, their strength in the RCA²
action hierarchy and the status codes are commonformats.rca2's.
"""

# No `from __future__ import annotations`: ninja reads the list's query parameters through
# `paginate`'s wrapper, whose module cannot resolve this module's names from strings.
import datetime as dt
import uuid
from typing import Annotated

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from openpso.commonformats.rca2 import ACTION_STRENGTH, ACTION_TYPE_CHOICES, STRENGTH_LABELS, ActionStatus
from openpso.lib.api_pagination import BoundedLimitOffset
from openpso.pses.rca import actions as rca
from openpso.pses.rca import queries
from openpso.pses.rca.models import ActionItem, EffectivenessReview, ReviewConclusion
from openpso.reporting.schemas import ErrorOut

router = Router(tags=["RCA² actions"])
StatusFilter = Annotated[ActionStatus | None, Query(description="Only the actions in this status")]
EventFilter = Annotated[uuid.UUID | None, Query(description="Only the actions of this safety event")]
ActionId = Annotated[uuid.UUID, Path(description="The action's id (its page is /pses/rca/actions/{action_id}/)")]


class ReviewOut(Schema):
    milestone_days: int = Field(..., json_schema_extra={"enum": [90, 180]})
    conclusion: str = Field(..., json_schema_extra={"enum": list(ReviewConclusion.values)})
    reviewed_at: dt.datetime


class RcaActionOut(Schema):
    id: uuid.UUID
    short_id: str = Field(..., description="As the pages show it, e.g. A-1A2B3C4D")
    event_id: uuid.UUID = Field(..., alias="investigation.event_id", description="The safety event investigated")
    provider: str = Field(..., alias="investigation.event.provider.slug")
    action: str = Field(..., description="What will be done (PSWP: analysis of the provider's PSES)")
    action_type: str = Field(
        ...,
        description="The type in the RCA² action hierarchy (NPSF 2015)",
        json_schema_extra={"enum": [code for code, _ in ACTION_TYPE_CHOICES]},
    )
    strength: str = Field(
        ...,
        description="The action's strength, derived from its type (RCA² action hierarchy)",
        json_schema_extra={"enum": list(STRENGTH_LABELS)},
    )
    status: ActionStatus
    due_on: dt.date
    implemented_on: dt.date | None = Field(..., description="When it took effect (reviews count from it)")
    category: str = Field(..., description="The Common Formats category (DE21 code) whose rate it aims to reduce")
    unit: int | None = Field(..., alias="unit_id", description="The unit whose rate it aims to reduce")
    process_measure: str
    outcome_measure: str
    created_at: dt.datetime
    reviews: list[ReviewOut] = Field(..., description="Effectiveness reviews recorded, newest first")

    @staticmethod
    def resolve_strength(action: ActionItem) -> str:
        return ACTION_STRENGTH[action.action_type]

    @staticmethod
    def resolve_reviews(action: ActionItem) -> list[EffectivenessReview]:
        return list(action.reviews.all())


def _with_reviews(actions: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    reviews = EffectivenessReview.objects.order_by("-reviewed_at", "-id")
    return actions.prefetch_related(Prefetch("reviews", queryset=reviews))


@router.get(
    "",
    url_name="rca-action-list",
    response=list[RcaActionOut],
    summary="Your providers' RCA² actions, filterable by status and safety event",
)
@paginate(BoundedLimitOffset)
def list_actions(
    request: HttpRequest, status: StatusFilter = None, event_id: EventFilter = None
) -> QuerySet[ActionItem]:
    found = queries.actions_for(request.user)
    if status is not None:
        found = found.filter(status=status)
    if event_id is not None:
        found = found.filter(investigation__event_id=event_id)
    return _with_reviews(found).order_by("due_on", "created_at", "id")


@router.get(
    "/{action_id}",
    url_name="rca-action-detail",
    response={200: RcaActionOut, 404: ErrorOut},
    summary="One RCA² action, with its strength, status and effectiveness reviews; the read is audited",
)
def get_action(request: HttpRequest, action_id: ActionId) -> ActionItem:
    action = queries.get_action_for_user(request.user, action_id)
    rca.record_view(user=request.user, event=action.investigation.event, what="actionitem", object_id=action.pk)
    return action
