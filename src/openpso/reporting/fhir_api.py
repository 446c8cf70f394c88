"""`/api/v1/fhir/AdverseEvent`: reports in and out as FHIR R4 AdverseEvents (docs/interchange.md).

The answers are FHIR's own media type and shapes (the resource, a transaction-response Bundle,
an OperationOutcome naming each element by FHIRPath), so this router writes its responses
itself and documents them in `openapi_extra`.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Router

from openpso import flows
from openpso.audit.actor import Actor
from openpso.commonformats.fhir import OPERATION_OUTCOME_SCHEMA
from openpso.organizations.models import Organization
from openpso.organizations.queries import reporting_providers_for
from openpso.reporting import actions, queries
from openpso.reporting.adverse_event import (
    ADVERSE_EVENT_FORMAT,
    AdverseEventInvalid,
    Imported,
    Issue,
    entries,
    issues_from,
    operation_outcome,
    report_from_adverse_event,
)
from openpso.reporting.adverse_event_actions import flag_unmapped_codes
from openpso.reporting.adverse_event_out import adverse_event
from openpso.reporting.errors import IdempotencyConflict, ReportInvalid
from openpso.reporting.models import EventReport

router = Router(tags=["fhir"])
FHIR_JSON = "application/fhir+json"
# Names this channel in a PSA_AFFILIATED disclosure's conditions (actions.record_read).
READ_VIA_FHIR = "api.fhir.adverse-event"
BUNDLE_TYPES = {"transaction", "batch"}

_RESOURCE = {"type": "object", "required": ["resourceType"], "properties": {"resourceType": {"type": "string"}}}
_OUTCOME = OPERATION_OUTCOME_SCHEMA


def _fhir(schema: dict[str, Any] = _RESOURCE) -> dict[str, Any]:
    return {"content": {FHIR_JSON: {"schema": schema}}}


def _answer(status: int, body: dict[str, Any], **headers: str) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type=FHIR_JSON)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _refused(issues: list[Issue]) -> HttpResponse:
    return _answer(422, operation_outcome(issues))


@router.post(
    "/AdverseEvent",
    url_name="fhir-adverse-event-create",
    summary="File event reports from FHIR R4 AdverseEvents",
    description=(
        "The body is an R4 AdverseEvent, or a transaction or batch Bundle of them (all or nothing: either "
        "every entry is filed or none). `actuality` actual is an incident, potential with a subject a near "
        "miss, potential without one an unsafe condition; the patient is a contained Patient with an age "
        "and a gender; SNOMED CT `event` and R4 `category` codes map to Common Formats categories through "
        "a versioned table (docs/interchange.md), and a code it lacks makes the category Other, keeping the "
        "coding and flagging the report. The same `identifier` (system + value) sent again returns the first "
        "report (200). Errors: 422 with an OperationOutcome whose issues name each element by FHIRPath."
    ),
    openapi_extra={
        "parameters": [
            {
                "in": "query",
                "name": "provider",
                "required": True,
                "description": "Slug of the provider the events happened at",
                "schema": {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$", "maxLength": 60},
            }
        ],
        "requestBody": {
            "content": {FHIR_JSON: {"schema": _RESOURCE}, "application/json": {"schema": _RESOURCE}},
            "required": True,
        },
        "responses": {
            200: {"description": "Already filed: the report as an AdverseEvent, or a response Bundle", **_fhir()},
            201: {"description": "Filed: the report as an AdverseEvent, or a response Bundle", **_fhir()},
            422: {"description": "Refused, nothing saved: an OperationOutcome", **_fhir(_OUTCOME)},
        },
    },
)
def create_adverse_events(request: HttpRequest) -> HttpResponse:
    provider = reporting_providers_for(request.user).filter(slug=request.GET.get("provider", "")[:60]).first()
    if provider is None:
        return _refused([Issue("provider", "security", "you cannot report for this provider (query parameter)")])
    try:
        document = json.loads(request.body or b"null")
    except ValueError:
        return _refused([Issue("AdverseEvent", "structure", "the body is not JSON")])
    if isinstance(document, dict) and document.get("resourceType") == "Bundle":
        if not isinstance(document.get("type"), str) or document["type"] not in BUNDLE_TYPES:
            return _refused([Issue("Bundle.type", "not-supported", "send a transaction or batch Bundle")])
    elif not isinstance(document, dict) or document.get("resourceType") != "AdverseEvent":
        return _refused([Issue("AdverseEvent", "not-supported", "send an AdverseEvent or a Bundle of them")])
    ready: list[Imported] = []
    issues: list[Issue] = []
    for path, resource in entries(document):
        try:
            ready.append(report_from_adverse_event(resource, provider=provider, path=path))
        except AdverseEventInvalid as exc:
            issues += exc.issues
    if not ready and not issues:
        issues.append(Issue("Bundle.entry", "required", "the Bundle has no entries"))
    if issues:
        return _refused(issues)
    try:
        with transaction.atomic():
            filed = [_file(request.user, provider, imported) for imported in ready]
    except AdverseEventInvalid as exc:
        return _refused(exc.issues)
    created = any(new for _, new in filed)
    if document["resourceType"] == "AdverseEvent":
        report, new = filed[0]
        location = f"/api/v1/fhir/AdverseEvent/{report.pk}"
        return _answer(201 if new else 200, adverse_event(report), Location=location)
    bundle = {
        "resourceType": "Bundle",
        "type": f"{document['type']}-response",
        "entry": [
            {
                "response": {
                    "status": "201 Created" if new else "200 OK",
                    "location": f"AdverseEvent/{report.pk}",
                }
            }
            for report, new in filed
        ],
    }
    return _answer(201 if created else 200, bundle)


def _file(user: Actor, provider: Organization, imported: Imported) -> tuple[EventReport, bool]:
    try:
        report, created = actions.import_report(
            actor=user,
            provider=provider,
            data=imported.data,
            source_key=imported.source_key,
            source_format=ADVERSE_EVENT_FORMAT,
        )
    except ReportInvalid as exc:
        raise AdverseEventInvalid(issues_from(exc.errors)) from None
    except IdempotencyConflict:
        message = "this identifier was sent before with a different event: send a new identifier or the same event"
        raise AdverseEventInvalid([Issue("AdverseEvent.identifier", "duplicate", message)]) from None
    if created:
        flows.report_filed(report.pk)
        flag_unmapped_codes(actor=user, report=report, codes=imported.unmapped)
    return report, created


@router.get(
    "/AdverseEvent/{report_id}",
    url_name="fhir-adverse-event-read",
    summary="One report as a FHIR R4 AdverseEvent (the read is recorded in the audit trail)",
    description=(
        "Reads are audited as GET /api/v1/reports/{report_id} reads are. The resource re-imports to the "
        "same report through POST /api/v1/fhir/AdverseEvent (docs/interchange.md says what it carries)."
    ),
    openapi_extra={"responses": {200: {"description": "The report as an AdverseEvent", **_fhir()}}},
)
def read_adverse_event(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    report = queries.get_report_for_user(request.user, report_id)
    actions.record_read(user=request.user, report=report, via=READ_VIA_FHIR)
    return _answer(200, adverse_event(report))
