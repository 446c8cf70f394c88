"""`/api/v1/alerts`: the safety alerts the caller's provider received, and their acknowledgement.

The same rules as the member's inbox page (/feedback/inbox/): the alerts sent to the providers
where the caller is on the safety team (safety manager, PSES committee), withdrawn ones kept and
marked; a foreign or missing id is a 404 (feedback.queries). Each item is the provider's own
copy of the alert (an `AlertTarget`), so its `id` is that copy's, as in the page's URLs.
Acknowledging calls the page's action, with its audit event (feedback.alerts.actions).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from openpso.feedback import queries
from openpso.feedback.alerts import actions
from openpso.feedback.models import ActionState, AlertStatus, AlertTarget, Applicability, Severity
from openpso.lib.api_cursor import KeysetCursor
from openpso.reporting.schemas import ErrorOut

router = Router(tags=["alerts"])
# A database id: beyond a signed 64-bit integer the database cannot look it up (a 500, not a 404).
TargetId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The id of your provider's copy of the alert")]


class AlertOut(Schema):
    """One provider's copy of an alert, read from its `AlertTarget` row (the alert's text is the PSO's)."""

    id: int = Field(..., description="This provider's copy of the alert (each member's copy has its own id)")
    reference: str = Field(
        ..., description="The PSO's reference for the alert, the same for every member, e.g. SA-0001"
    )
    provider: str = Field(..., alias="provider.slug", description="Slug of the provider the alert was sent to")
    pso: str = Field(..., alias="alert.pso.slug", description="Slug of the PSO that sent it")
    title: str = Field(..., alias="alert.title")
    hazard: str = Field(..., alias="alert.hazard")
    evidence: str = Field(..., alias="alert.evidence")
    recommended_actions: str = Field(..., alias="alert.recommended_actions")
    severity: str = Field(..., alias="alert.severity", json_schema_extra={"enum": list(Severity.values)})
    categories: list[str] = Field(..., alias="alert.categories", description="Common Formats categories (DE21 codes)")
    withdrawn: bool = Field(..., description="The PSO withdrew the alert; it can no longer be acknowledged")
    published_at: dt.datetime | None = Field(..., alias="alert.published_at")
    withdrawn_at: dt.datetime | None = Field(..., alias="alert.withdrawn_at")
    acknowledged: bool
    acknowledged_at: dt.datetime | None
    applicability: str = Field(..., json_schema_extra={"enum": list(Applicability.values)})
    action_status: str = Field(..., json_schema_extra={"enum": list(ActionState.values)})
    action_date: dt.date | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_reference(target: AlertTarget) -> str:
        return target.alert.reference

    @staticmethod
    def resolve_withdrawn(target: AlertTarget) -> bool:
        return target.alert.status == AlertStatus.WITHDRAWN


@router.get(
    "",
    url_name="alert-list",
    response=list[AlertOut],
    summary="Safety alerts your provider received, the newest received first",
    description=(
        "Pages by cursor: pass each page's `next_cursor` as `cursor` until it is null; alerts received "
        "between two pages never repeat or hide one. `limit`/`offset` still work, in the same order "
        "(the inbox page puts the ones not yet acknowledged first; the API lists in the order received)."
    ),
)
@paginate(KeysetCursor, key="pk", salt="alerts")
def list_alerts(request: HttpRequest) -> QuerySet[AlertTarget]:
    return queries.member_inbox(request.user).select_related("alert__pso")


@router.get(
    "/{target_id}",
    url_name="alert-detail",
    response={200: AlertOut, 404: ErrorOut},
    summary="One safety alert your provider received, with its acknowledgement",
)
def get_alert(request: HttpRequest, target_id: TargetId) -> AlertTarget:
    return queries.get_member_target_for_user(request.user, target_id)


@router.post(
    "/{target_id}/acknowledge",
    url_name="alert-acknowledge",
    response={200: AlertOut, 404: ErrorOut, 409: ErrorOut},
    summary="Acknowledge a safety alert for your provider",
    description=(
        "Records that your provider has read the alert, as the inbox page's Acknowledge button does "
        "(the same audit event). Acknowledging again changes nothing and answers 200 with the first "
        "acknowledgement. A withdrawn alert that was never acknowledged answers 409."
    ),
)
def acknowledge_alert(request: HttpRequest, target_id: TargetId) -> Status[AlertTarget | ErrorOut]:
    target = queries.get_member_target_for_user(request.user, target_id)
    try:
        actions.acknowledge(actor=request.user, target=target)
    except actions.AlertStateError as exc:
        return Status(409, ErrorOut(detail=str(exc)))
    return Status(200, target)
