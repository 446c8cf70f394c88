"""The versioned JSON API, `/api/v1/`, with its OpenAPI document at `/api/v1/openapi.json`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import Throttled, ValidationError
from ninja.openapi.schema import OpenAPISchema

from openpso.accounts.api_auth import key_or_session
from openpso.core.forms_api import router as forms_router
from openpso.core.openapi import document_errors
from openpso.feedback.alerts.api import router as alerts_router
from openpso.feedback.reports.api import router as feedback_reports_router
from openpso.lake.exports.api import router as release_router
from openpso.lib.api_auth import NotAuthenticated
from openpso.lib.api_throttle import CallerRateThrottle, refusal_detail
from openpso.pses.rca.api import router as rca_actions_router
from openpso.pses.safety_events.api import router as safety_events_router
from openpso.reporting.api import router as reports_router
from openpso.reporting.errors import field_errors_from_list
from openpso.reporting.fhir_api import router as fhir_router
from openpso.submissions.inbox.api import router as questions_router
from openpso.submissions.push.api import router as submissions_router


class OpenPsoAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)  # every status each operation can answer (core/openapi.py)
        return schema


api = OpenPsoAPI(
    title="OpenPSO API",
    version="1",
    description=(
        "Patient safety event reporting and PSO services. Authenticate with an organisation's API key "
        "(`Authorization: Bearer opso_…`; no CSRF token), scoped to one organisation and one role: "
        "the key sees and does what a person in that role sees and does, and anything of another "
        "organisation answers 404. Without that header, a signed-in session (CSRF token required for "
        "writes). A bad, unknown or revoked key answers 401 with WWW-Authenticate. Errors are JSON "
        "with `detail` saying why and, for bad input, `errors` naming each field with a stable code and the reason."
    ),
    auth=key_or_session,  # accounts/api_auth.py: a key first, else the session
    throttle=[CallerRateThrottle()],  # per person and per API key, and per organisation's keys
    docs_url=None,
    urls_namespace="api",
)
api.add_router("/reports", reports_router)
api.add_router("/forms", forms_router)
api.add_router("/submissions", submissions_router)
api.add_router("/fhir", fhir_router)
api.add_router("/release", release_router)
api.add_router("/alerts", alerts_router)
api.add_router("/safety-events", safety_events_router)
api.add_router("/rca-actions", rca_actions_router)
api.add_router("/questions", questions_router)
api.add_router("/feedback-reports", feedback_reports_router)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with one entry per offending field, in the same shape as the service's errors."""
    errors = [e.model_dump() for e in field_errors_from_list(exc.errors)]
    return api.create_response(request, {"detail": "Invalid input.", "errors": errors}, status=422)


@api.exception_handler(NotAuthenticated)
def not_authenticated(request: HttpRequest, exc: NotAuthenticated) -> HttpResponse:
    """401 with the reason, and the challenge where the operation takes a key (RFC 9110 section 11.6.1)."""
    response = api.create_response(request, {"detail": exc.message}, status=401)
    if exc.challenge:
        response["WWW-Authenticate"] = exc.challenge
    return response


@api.exception_handler(RequestDataTooBig)
def body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """413 in JSON; Django's own answer is an HTML 400 that says nothing of the limit."""
    detail = f"The body is larger than the {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes the server accepts."
    return api.create_response(request, {"detail": detail}, status=413)


@api.exception_handler(Throttled)
def too_many_requests(request: HttpRequest, exc: Throttled) -> HttpResponse:
    """429 naming the limit (the caller's or its organisation's); ninja adds Retry-After (whole
    seconds) to this answer."""
    return api.create_response(request, {"detail": refusal_detail(request)}, status=429)
