"""`/api/v1/reports`: file, list and read event reports."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Header, Query, Router, Status
from ninja.pagination import paginate
from pydantic import field_validator

from openpso import flows
from openpso.commonformats.answers_display import answers_in_words, flat_rows
from openpso.lib.api_cursor import KeysetCursor
from openpso.organizations.queries import reporting_providers_for
from openpso.reporting import actions, queries
from openpso.reporting.errors import IdempotencyConflict, ReportInvalid
from openpso.reporting.fhir_import import report_from_response, source_key
from openpso.reporting.models import EventReport
from openpso.reporting.queries import apply_amendments, effective_answers
from openpso.reporting.schemas import AnswerOut, ErrorOut, FieldError, ReportIn, ReportOut, ReportSummaryOut

router = Router(tags=["reports"])
# A provider slug (Organization.slug is a SlugField).
SLUG = r"^[-a-zA-Z0-9_]+$"
# Names this channel in a PSA_AFFILIATED disclosure's conditions (actions.record_read).
READ_VIA_API = "api.reports.detail"


def _refused(errors: list[FieldError]) -> Status[ReportOut | ErrorOut]:
    return Status(422, ErrorOut(detail="The report was not saved.", errors=errors))


def report_out(report: EventReport, *, include_identifying: bool = False, just_filed: bool = False) -> ReportOut:
    """The report as the API shows it; identifying answers (names, dates of birth, record
    numbers) only with `include_identifying`, for the provider's own PSES (42 CFR 3.212).

    `just_filed`: the report was created by this request, so its answers are the reporter's
    with no amendment yet (amending is a later step by the safety team): no query for them."""
    answers = apply_amendments(report.answers or {}, ()) if just_filed else effective_answers(report)
    groups = answers_in_words(answers, report.modules, include_identifying=include_identifying)
    return ReportOut(
        id=report.pk,
        short_id=report.short_id,
        provider=report.provider.slug,
        unit=report.unit_id,
        event_type=report.event_type,
        categories=report.categories,
        discovered_at=report.discovered_at,
        reported_at=report.reported_at,
        narrative=report.narrative,
        location_detail=report.location_detail,
        patient_age_years=report.patient_age_years,
        patient_sex=report.patient_sex,
        harm=report.harm,
        anonymous=report.anonymous,
        pswp_status=report.pswp_status,
        modules=list(report.modules),
        answers=[
            AnswerOut(
                link_id=row.link_id,
                question=row.question,
                value=row.value,
                codes=list(row.codes),
                extension_codes=list(row.extension_codes),
            )
            for row in flat_rows(groups)
        ],
    )


@router.post(
    "",
    url_name="report-create",
    response={201: ReportOut, 200: ReportOut, 422: ErrorOut},
    summary="File an event report",
    description=(
        "Send an `Idempotency-Key` header (any unique string, e.g. a UUID) so that a retry after a "
        "lost response creates nothing new: the same key and body return the first report with "
        "status 200; the same key with a different body is refused with 422."
    ),
)
def create_report(
    request: HttpRequest,
    payload: ReportIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),  # type: ignore[type-arg]
) -> Status[ReportOut | ErrorOut]:
    try:
        report, created = actions.file_report(user=request.user, data=payload, idempotency_key=idempotency_key)
    except ReportInvalid as exc:
        return _refused(exc.errors)
    except IdempotencyConflict as exc:
        error = FieldError(field="Idempotency-Key", code="conflict", message=str(exc))
        return _refused([error])
    if created:
        flows.report_filed(report.pk)
    return Status(201 if created else 200, report_out(report, just_filed=created))


@router.post(
    "/fhir",
    url_name="report-create-fhir",
    response={201: ReportOut, 200: ReportOut, 422: ErrorOut},
    summary="File an event report from a FHIR QuestionnaireResponse",
    description=(
        "The body is a FHIR R4 QuestionnaireResponse answering a Common Formats form: HL7's HERF-1.2 or "
        "F8-1.2 rendering, the LOINC-coded Medication form (74080-3), or one of OpenPSO's exported "
        "Questionnaires (GET /api/v1/forms). Sending the same response again returns the first report "
        "(200). Unknown codes, wrong types or contradictory answers give 422 naming each item by its linkId."
    ),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/fhir+json": {"schema": {"type": "object"}},
                "application/json": {"schema": {"type": "object"}},
            },
            "required": True,
        }
    },
)
def create_report_from_fhir(
    request: HttpRequest,
    provider: str = Query(..., description="Slug of the provider the event happened at", pattern=SLUG, max_length=60),  # type: ignore[type-arg]
) -> Status[ReportOut | ErrorOut]:
    organization = reporting_providers_for(request.user).filter(slug=provider).first()
    if organization is None:
        error = FieldError(field="provider", code="unknown", message="you cannot report for this provider")
        return _refused([error])
    try:
        document = json.loads(request.body or b"null")
    except ValueError:
        document = None
    if not isinstance(document, dict):
        error = FieldError(field="body", code="invalid_json", message="the body must be a JSON QuestionnaireResponse")
        return _refused([error])
    try:
        data = report_from_response(document, provider=organization)
        report, created = actions.import_report(
            actor=request.user, provider=organization, data=data, source_key=source_key(organization, document)
        )
    except ReportInvalid as exc:
        return _refused(exc.errors)
    except IdempotencyConflict as exc:
        error = FieldError(field="id", code="conflict", message=f"{exc} (a changed resend of the same response)")
        return _refused([error])
    if created:
        flows.report_filed(report.pk)
    return Status(201 if created else 200, report_out(report))


_ISO_8601_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ReportPages(KeysetCursor):
    """The report list's pages, with `since` beside them (a paginated view's own query parameters
    cannot be resolved by ninja under postponed annotations, so the filter rides with the pages)."""

    class Input(KeysetCursor.Input):
        since: dt.datetime | None = Field(
            None, description="Only reports filed, amended or moved in the PSWP ledger at or after this time (ISO 8601)"
        )

        @field_validator("since", mode="before")
        @classmethod
        def iso_8601_only(cls, value: Any) -> Any:
            # pydantic reads a bare number as Unix seconds (`since=0.5` was 1970); the document says date-time.
            if isinstance(value, str) and not _ISO_8601_DATE.match(value.strip()):
                raise ValueError("must be an ISO 8601 date-time, e.g. 2026-03-14T09:00:00+00:00")
            return value


@router.get(
    "",
    url_name="report-list",
    response=list[ReportSummaryOut],
    summary="Reports you may read, newest first; `since` for those changed since a time",
    description=(
        "Pages by cursor: pass each page's `next_cursor` as `cursor` until it is null; rows filed "
        "between two pages never repeat or hide a row. `limit`/`offset` still work, in the same order. "
        "`since` keeps the reports filed, amended or moved in the PSWP ledger at or after that time "
        "(ISO 8601 with a zone): a system syncing its copy keeps the time it started its last walk."
    ),
)
@paginate(ReportPages, key="reported_at", salt="reports", pass_parameter="pages")  # noqa: S106  # not a password
def list_reports(request: HttpRequest, **kwargs: Any) -> QuerySet[EventReport]:
    reports = queries.reports_for(request.user)
    since = kwargs["pages"].since
    if since is not None:
        reports = queries.changed_since(reports, since)
    return reports.defer("narrative", "category_other", "location_detail", "reporter_role")


@router.get(
    "/{report_id}",
    url_name="report-detail",
    response={200: ReportOut, 404: ErrorOut},
    summary="One report (the read is recorded in the audit trail)",
    description=(
        "Every read is audited. A health-system safety officer reading an affiliate's report is "
        "also a PSA_AFFILIATED disclosure (42 CFR 3.206(b)(4)(iii)), logged exactly as the report page logs it."
    ),
)
def get_report(request: HttpRequest, report_id: uuid.UUID) -> ReportOut | HttpResponse:
    report = queries.get_report_for_user(request.user, report_id)
    purpose = actions.record_read(user=request.user, report=report, via=READ_VIA_API)
    return report_out(report, include_identifying=purpose == "pses.review")
