"""`/api/v1/safety-events`: the provider's safety events and their status, for its own systems.

The same rules as the safety queue and the event page: the events of the providers where the
caller holds a PSES role (safety manager, committee; 42 CFR 3.20), a foreign or missing id is a
404 (pses.queries). Reading one event is a use of PSWP, logged as the event page logs it
(`actions.record_event_view`); the list, like the queue page, logs nothing per event.
"""

# No `from __future__ import annotations`: ninja reads the list's query parameters through
# `paginate`'s wrapper, whose module cannot resolve this module's names from strings.
import datetime as dt
import uuid
from typing import Annotated

from django.db.models import Max, Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from openpso.lib.api_pagination import BoundedLimitOffset
from openpso.pses import queries
from openpso.pses.models import EventReportLink, EventStatus, SafetyEvent
from openpso.pses.safety_events import actions
from openpso.pses.safety_events.clocks import HARM_ORDER, NEAR_MISS_RANK, RANK_LABELS, harm_rank
from openpso.reporting.schemas import ErrorOut

router = Router(tags=["safety events"])
StatusFilter = Annotated[EventStatus | None, Query(description="Only the events in this status")]
EventId = Annotated[uuid.UUID, Path(description="The safety event's id (its page is /pses/events/{event_id}/)")]


class SafetyEventOut(Schema):
    id: uuid.UUID
    short_id: str = Field(..., description="As the pages show it, e.g. E-1A2B3C4D")
    provider: str = Field(..., alias="provider.slug", description="Slug of the provider whose PSES holds the event")
    title: str = Field(..., description="The safety team's title (PSWP of the provider's PSES)")
    status: EventStatus = Field(..., description="Where the investigation stands")
    status_at: dt.datetime = Field(..., description="When the status was last set")
    severity: str | None = Field(
        ...,
        description="The queue's severity: the worst harm among the event's reports, else near miss or unsafe "
        "condition (DE3); null while no report is linked",
        json_schema_extra={"enum": [*RANK_LABELS, None]},
    )
    harm: str | None = Field(
        ...,
        description="The worst harm among the event's incident reports (Common Formats harm scale, LOINC answer "
        "code); null where no incident report is linked",
        json_schema_extra={"enum": [*HARM_ORDER, None]},
    )
    report_ids: list[uuid.UUID] = Field(..., description="The reports the event gathers (DE2 event ids), oldest first")
    created_at: dt.datetime
    updated_at: dt.datetime = Field(..., description="The latest entry of the event's timeline")

    @staticmethod
    def resolve_report_ids(event: SafetyEvent) -> list[uuid.UUID]:
        return [link.report_id for link in event.links.all()]

    @staticmethod
    def resolve_severity(event: SafetyEvent) -> str | None:
        ranks = [harm_rank(link.report) for link in event.links.all()]
        return RANK_LABELS[min(ranks)] if ranks else None

    @staticmethod
    def resolve_harm(event: SafetyEvent) -> str | None:
        ranks = [rank for rank in (harm_rank(link.report) for link in event.links.all()) if rank < NEAR_MISS_RANK]
        return HARM_ORDER[min(ranks)] if ranks else None


def _with_reports(events: QuerySet[SafetyEvent]) -> QuerySet[SafetyEvent]:
    # The reports' coded fields only: their narratives are encrypted and not shown here.
    links = EventReportLink.objects.select_related("report").only(
        "event_id", "report_id", "linked_at", "report__harm", "report__event_type"
    )
    return events.prefetch_related(Prefetch("links", queryset=links)).annotate(
        updated_at=Coalesce(Max("timeline__at"), "created_at")
    )


@router.get(
    "",
    url_name="safety-event-list",
    response=list[SafetyEventOut],
    summary="Your providers' safety events and their status",
)
@paginate(BoundedLimitOffset)
def list_events(request: HttpRequest, status: StatusFilter = None) -> QuerySet[SafetyEvent]:
    events = queries.events_for(request.user)
    if status is not None:
        events = events.filter(status=status)
    return _with_reports(events).order_by("-created_at", "-id")


@router.get(
    "/{event_id}",
    url_name="safety-event-detail",
    response={200: SafetyEventOut, 404: ErrorOut},
    summary="One safety event, with its status and reports; the read is audited",
)
def get_event(request: HttpRequest, event_id: EventId) -> SafetyEvent:
    event = queries.get_event_for_user(request.user, event_id)
    actions.record_event_view(user=request.user, event=event)
    found: SafetyEvent = _with_reports(queries.events_for(request.user)).get(pk=event.pk)
    return found
