"""`/api/v1/submissions`: a provider sends its events to the PSO, one or a batch.

Two ways in, as on the whole API (accounts/api_auth.py): a signed-in safety manager's session
(CSRF token on writes), or the provider's own system with `Authorization: Bearer opso_<prefix>_<secret>`
(an `accounts.ApiKey` of that provider in the safety manager's role, whose service account is
`request.user`). Each event is all-or-nothing on its own; the
batch answers 200 with one result per event, so a client that lost the connection sends the
same batch again and gets "unchanged" for what is already in.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django_ratelimit.core import is_ratelimited  # type: ignore[import-untyped]
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from openpso import flows
from openpso.lib.api_pagination import BoundedLimitOffset
from openpso.lib.api_rate import parse_rate
from openpso.pswp.status import PswpStatus
from openpso.reporting.schemas import ErrorOut
from openpso.submissions import queries
from openpso.submissions.models import Submission, SubmissionMethod
from openpso.submissions.push.actions import ACCEPTED, MAX_BATCH, REFUSED, UNCHANGED, Channel, submit_events

# Per caller (key or person): a full batch of 500 every couple of seconds is plenty for a
# provider system catching up; more looks like a runaway client.
RATE = "60/m"


router = Router(tags=["submissions"])


class SubmitIn(Schema):
    events: list[Any] = Field(
        ..., min_length=1, max_length=MAX_BATCH, description=f"Report ids (DE2 event ids), 1 to {MAX_BATCH}"
    )


class EventResultOut(Schema):
    event_id: str
    status: str = Field(..., json_schema_extra={"enum": [ACCEPTED, UNCHANGED, REFUSED]})
    version: str | None = Field(None, description="sha256 of the submission document (openpso-submission/1)")
    reason: str = ""
    field: str = Field("", description="What a refusal is about, e.g. categories or answers.<linkId>")


class SubmitOut(Schema):
    accepted: int
    unchanged: int
    refused: int
    results: list[EventResultOut]


class SubmissionOut(Schema):
    event_id: uuid.UUID
    current: bool = Field(True, description="The version the PSO holds now (false: an earlier one)")
    version: str
    method: str = Field(json_schema_extra={"enum": list(SubmissionMethod.values)})
    submitted_at: dt.datetime
    event_month: dt.date


PSWP_STATUS_DESCRIPTION = (
    "The report's status in the PSWP ledger: `candidate` until it is first submitted, then "
    "`reported` (pushed) or `functionally_reported` (taken under a grant); `dropped_out` can no longer go"
)


class SubmissionListItemOut(SubmissionOut):
    """One current version the PSO holds, with the report's PSWP status, as `/submissions/{report_id}` gives it."""

    pswp_status: PswpStatus = Field(..., description=PSWP_STATUS_DESCRIPTION)


class SubmissionStateOut(Schema):
    """Where one of your events stands with the PSO."""

    event_id: uuid.UUID
    pswp_status: PswpStatus = Field(..., description=PSWP_STATUS_DESCRIPTION)
    submitted: bool = Field(..., description="The PSO holds a version of the event")
    current: SubmissionOut | None = Field(..., description="The version the PSO holds now; null if none")
    versions: list[SubmissionOut] = Field(..., description="Every version the PSO received, the current one first")
    questions_awaiting_you: int = Field(..., description="The PSO's questions about the event waiting for your answer")


def _caller(request: HttpRequest) -> tuple[list[int], Channel, str]:
    # A key's service account holds its one role: it submits only if that is the safety manager's.
    providers = list(queries.submitting_providers_for(request.user).values_list("id", flat=True))
    return providers, Channel(actor=request.user), f"user:{request.user.pk}"


@router.post(
    "",
    url_name="submission-create",
    response={200: SubmitOut, 429: ErrorOut},
    summary="Submit events to the PSO (one or a batch)",
    description=(
        "Each event is processed on its own, all or nothing: `accepted` (a new version is stored and, "
        "the first time, the report becomes `reported` in the PSWP ledger), `unchanged` (the PSO already "
        "holds this exact version; nothing is written) or `refused` with the `field` and `reason`. "
        "Re-sending a batch after a lost response is safe. Only events of the caller's own provider "
        "are found; any other id is refused as unknown."
    ),
)
def create_submissions(request: HttpRequest, payload: SubmitIn) -> Status[SubmitOut | ErrorOut] | JsonResponse:
    providers, channel, who = _caller(request)
    if is_ratelimited(request, group="openpso.submissions", key=lambda g, r: who, rate=RATE, increment=True):
        # The window is at most one period long: a client that waits that long is let through
        # (RFC 9110 section 10.2.3; the API's own throttle answers the same way).
        detail = f"Too many submissions; at most {RATE.replace('/m', ' a minute')}. Retry after Retry-After seconds."
        return JsonResponse({"detail": detail}, status=429, headers={"Retry-After": str(parse_rate(RATE).seconds)})
    results = submit_events(event_ids=[str(e) for e in payload.events], provider_ids=providers, channel=channel)
    flows.events_submitted(results)
    counts = {s: sum(1 for r in results if r.status == s) for s in ("accepted", "unchanged", "refused")}
    out = [
        EventResultOut(event_id=r.event_id, status=r.status, version=r.version, reason=r.reason, field=r.field)
        for r in results
    ]
    return Status(200, SubmitOut(results=out, **counts))


@router.get(
    "/{report_id}",
    url_name="submission-detail",
    response={200: SubmissionStateOut, 404: ErrorOut},
    summary="Where one of your events stands with the PSO: its PSWP status and the versions the PSO holds",
    description=(
        "For any report of your provider, submitted or not (`submitted` says which); the report id is the "
        "event id (DE2) of `POST /api/v1/submissions`. Another provider's report is a 404, as a missing one is."
    ),
)
def get_submission_state(request: HttpRequest, report_id: uuid.UUID) -> SubmissionStateOut:
    providers, _, _ = _caller(request)
    report = queries.get_provider_report(providers, report_id)
    versions = [SubmissionOut.model_validate(s) for s in queries.event_versions(report)]
    current = versions[0] if versions and versions[0].current else None
    return SubmissionStateOut(
        event_id=report.pk,
        pswp_status=PswpStatus(report.pswp_status),
        submitted=bool(versions),
        current=current,
        versions=versions,
        questions_awaiting_you=queries.questions_awaiting_provider(report),
    )


@router.get(
    "",
    url_name="submission-list",
    response=list[SubmissionListItemOut],
    summary="What the PSO holds of your events (current versions), each with its PSWP status",
)
@paginate(BoundedLimitOffset)
def list_submissions(request: HttpRequest) -> QuerySet[Submission]:
    providers, _, _ = _caller(request)
    return (
        queries.provider_submissions_with_pswp_status(providers)
        .only("event_id", "version", "current", "method", "submitted_at", "event_month")
        .order_by("-submitted_at", "-id")
    )
