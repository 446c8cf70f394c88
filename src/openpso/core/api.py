"""The versioned JSON API, `/api/v1/`, with its OpenAPI document at `/api/v1/openapi.json`."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import django_auth

from openpso.reporting.api import router as reports_router

api = NinjaAPI(
    title="OpenPSO API",
    version="1",
    description=(
        "Patient safety event reporting and PSO services. Authenticate with a signed-in "
        "session (CSRF token required for writes). Errors are JSON with `detail` naming each "
        "field and the reason."
    ),
    auth=django_auth,
    docs_url=None,
    urls_namespace="api",
)
api.add_router("/reports", reports_router)
