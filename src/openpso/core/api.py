"""The versioned JSON API, `/api/v1/`, with its OpenAPI document at `/api/v1/openapi.json`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from openpso.core.forms_api import router as forms_router
from openpso.lib.api_auth import NotAuthenticated, session_auth
from openpso.reporting.api import router as reports_router
from openpso.reporting.errors import field_errors_from_list
from openpso.submissions.api import router as submissions_router

api = NinjaAPI(
    title="OpenPSO API",
    version="1",
    description=(
        "Patient safety event reporting and PSO services. Authenticate with a signed-in "
        "session (CSRF token required for writes) or, on /submissions, a provider API key "
        "(`Authorization: Bearer opso_…`). Errors are JSON with `detail` saying why and, for "
        "bad input, `errors` naming each field with a stable code and the reason."
    ),
    auth=session_auth,
    docs_url=None,
    urls_namespace="api",
)
api.add_router("/reports", reports_router)
api.add_router("/forms", forms_router)
api.add_router("/submissions", submissions_router)


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
