"""`/api/v1/release/export`: the PSO's release data as FHIR R5 NDJSON, by the Bulk Data pattern.

HL7 FHIR Bulk Data Access (IG 3.0.0, async pattern): the kick-off (POST, `Prefer: respond-async`)
answers 202 with `Content-Location`, the status URL; polling it answers 202 with `X-Progress` and
`Retry-After` while the background task runs, then 200 with the manifest (`transactionTime`,
`requiresAccessToken`, `output[{type, url, count}]`, `error`); DELETE cancels (202), after which
the status URL answers 404. For the PSO's staff only: anyone else gets 404, as for a job that
does not exist. Errors are OperationOutcomes naming the parameter or header and why.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router

from openpso.commonformats.fhir import OPERATION_OUTCOME_SCHEMA
from openpso.lake.exports import jobs
from openpso.lake.exports.models import ExportStatus
from openpso.organizations.queries import pso_staff_psos_for

router = Router(tags=["release"])
FHIR_JSON = "application/fhir+json"
NDJSON = "application/fhir+ndjson"
OUTPUT_FORMATS = {NDJSON, "application/ndjson", "ndjson"}  # Bulk Data: servers SHALL accept all three
RETRY_AFTER = "5"
_OUTCOME = OPERATION_OUTCOME_SCHEMA
_MANIFEST = {
    "type": "object",
    "required": ["transactionTime", "request", "requiresAccessToken", "output", "error"],
    "properties": {
        "transactionTime": {"type": "string"},
        "request": {"type": "string"},
        "requiresAccessToken": {"type": "boolean"},
        "output": {"type": "array", "items": {"type": "object"}},
        "error": {"type": "array"},
    },
}


def _outcome(status: int, expression: str, why: str, code: str = "invalid") -> HttpResponse:
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": why, "expression": [expression]}],
    }
    return HttpResponse(json.dumps(body), status=status, content_type=FHIR_JSON)


def _not_found() -> HttpResponse:
    return _outcome(404, "job_id", "no such export, or none you may see", code="not-found")


@router.post(
    "/export",
    url_name="release-export-kickoff",
    response={202: None},
    summary="Start a Bulk Data export of the PSO's release data (FHIR R5 AdverseEvent NDJSON)",
    description=(
        "For the PSO's analysts and administrators. Send `Prefer: respond-async`. `_since` (a date, or an "
        "instant whose date is taken) selects the events pooled or changed on or after it; `_type` may only be "
        "AdverseEvent; `_outputFormat` application/fhir+ndjson (or application/ndjson, ndjson); `pso` names the "
        "PSO when you are staff of more than one. The events go through the release profile in force "
        "(docs/nonid.md) and the export is recorded as a release. Answers 202 with `Content-Location`, the "
        "status URL to poll."
    ),
    openapi_extra={
        "parameters": [
            {
                "in": "header",
                "name": "Prefer",
                "required": True,
                "schema": {"type": "string", "const": "respond-async"},
            },
            {"in": "query", "name": "_since", "required": True, "schema": {"type": "string", "format": "date"}},
            {"in": "query", "name": "_type", "required": False, "schema": {"type": "string", "enum": ["AdverseEvent"]}},
            {
                "in": "query",
                "name": "_outputFormat",
                "required": False,
                "schema": {"type": "string", "enum": sorted(OUTPUT_FORMATS)},
            },
            {"in": "query", "name": "pso", "required": False, "schema": {"type": "string", "maxLength": 60}},
        ],
        "responses": {
            202: {
                "description": "Accepted: poll the URL in Content-Location",
                "headers": {"Content-Location": {"schema": {"type": "string"}}},
            },
            404: {
                "description": "You are not staff of a PSO (or of the PSO named)",
                "content": {FHIR_JSON: {"schema": _OUTCOME}},
            },
            422: {
                "description": "Refused: an OperationOutcome naming the parameter or header",
                "content": {FHIR_JSON: {"schema": _OUTCOME}},
            },
        },
    },
)
def kick_off(request: HttpRequest) -> HttpResponse:
    # The request's own shape first (the same answer for anyone), then whose PSO it is.
    if request.headers.get("Prefer", "").strip().lower() != "respond-async":
        return _outcome(422, "Prefer", "send the header 'Prefer: respond-async' (Bulk Data kick-off)")
    since = _since(request.GET.get("_since", ""))
    if since is None:
        return _outcome(422, "_since", "give the day the export starts from: YYYY-MM-DD or an instant")
    types = [t for t in request.GET.get("_type", "AdverseEvent").split(",") if t]
    if types != ["AdverseEvent"]:
        return _outcome(422, "_type", "only AdverseEvent is exported", code="not-supported")
    if request.GET.get("_outputFormat", NDJSON) not in OUTPUT_FORMATS:
        return _outcome(422, "_outputFormat", "only NDJSON (application/fhir+ndjson) is written", code="not-supported")
    psos = pso_staff_psos_for(request.user)
    slug = request.GET.get("pso", "")[:60]
    pso = psos.filter(slug=slug).first() if slug else psos.order_by("pk").first()
    if pso is None:
        return _outcome(404, "pso", "you are not staff of this PSO, or of any PSO", code="not-found")
    if not slug and psos.count() > 1:
        return _outcome(422, "pso", "you are staff of more than one PSO: name it (query parameter pso)")
    job = jobs.start(pso=pso, since=since, actor=request.user)
    response = HttpResponse(status=202)
    response["Content-Location"] = request.build_absolute_uri(reverse("api:release-export-status", args=[job.pk]))
    return response


@router.get(
    "/export/{job_id}",
    url_name="release-export-status",
    summary="The status of a Bulk Data export: 202 with X-Progress while it runs, then its manifest",
    openapi_extra={
        "responses": {
            200: {"description": "Done: the manifest", "content": {"application/json": {"schema": _MANIFEST}}},
            202: {
                "description": "Still running",
                "headers": {
                    "X-Progress": {"schema": {"type": "string"}},
                    "Retry-After": {"schema": {"type": "integer"}},
                },
            },
            404: {"description": "No such export, or none you may see", "content": {FHIR_JSON: {"schema": _OUTCOME}}},
            500: {
                "description": "The export failed: an OperationOutcome saying why",
                "content": {FHIR_JSON: {"schema": _OUTCOME}},
            },
        },
    },
)
def status(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = jobs.job_for(request.user, job_id)
    if job is None:
        return _not_found()
    if job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        response = HttpResponse(status=202)
        response["X-Progress"] = f"{job.progress}% ({job.status})"
        response["Retry-After"] = RETRY_AFTER
        return response
    if job.status == ExportStatus.FAILED:
        return _outcome(500, "export", job.error or "the export failed", code="exception")
    manifest = {
        "transactionTime": job.created_at.isoformat(),
        "request": request.build_absolute_uri(reverse("api:release-export-kickoff")) + f"?_since={job.since:%Y-%m-%d}",
        "requiresAccessToken": True,
        "output": [
            {
                "type": entry["type"],
                "url": request.build_absolute_uri(reverse("api:release-export-file", args=[job.pk, entry["name"]])),
                "count": entry["count"],
            }
            for entry in job.files
        ],
        "error": [],
    }
    return HttpResponse(json.dumps(manifest), content_type="application/json")


@router.delete(
    "/export/{job_id}",
    url_name="release-export-status",
    response={202: None},
    summary="Cancel a Bulk Data export (its files are removed; the status URL then answers 404)",
    openapi_extra={
        "responses": {
            202: {"description": "Cancelled"},
            404: {"description": "No such export, or none you may see", "content": {FHIR_JSON: {"schema": _OUTCOME}}},
        },
    },
)
def cancel(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = jobs.job_for(request.user, job_id)
    if job is None:
        return _not_found()
    jobs.cancel(job)
    return HttpResponse(status=202)


@router.get(
    "/export/{job_id}/{file_name}",
    url_name="release-export-file",
    summary="One NDJSON file of a finished Bulk Data export",
    openapi_extra={
        "responses": {
            200: {
                "description": "FHIR R5 AdverseEvents, one a line",
                "content": {NDJSON: {"schema": {"type": "string"}}},
            },
            404: {
                "description": "No such export or file, or none you may see",
                "content": {FHIR_JSON: {"schema": _OUTCOME}},
            },
        },
    },
)
def download(request: HttpRequest, job_id: uuid.UUID, file_name: str) -> HttpResponse | FileResponse:
    job = jobs.job_for(request.user, job_id)
    if job is None or job.status != ExportStatus.DONE or file_name not in {f["name"] for f in job.files}:
        return _not_found()
    path = jobs.folder(job) / jobs.NDJSON_NAME if file_name == jobs.NDJSON_NAME else None
    if path is None or not path.exists():
        return _not_found()
    return FileResponse(path.open("rb"), content_type=NDJSON, as_attachment=True, filename=file_name)


def _since(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if len(value) >= 10 else None
    except ValueError:
        return None
