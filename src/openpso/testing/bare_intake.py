"""The load benchmark's baseline: a bare Django view inserting the same EventReport row.

`benchmarks/bench_load.py` measures intake (`POST /api/v1/reports`, the web form) against this
view in the same run. It skips on purpose everything intake adds to the row — the schema and
Common Formats checks, the PSWP ledger entry, the audit event, the idempotency key, the
after-filing flow, the response body — so that the ratio shows what those cost. What the model
itself does on save stays, because that is the row: the encrypted fields and the history row.
It goes through the same middleware (session, CSRF, sign-in) as the API, with the same body.

Routed only by `openpso.testing.load_settings` (this module is its URLconf); `openpso.urls`
never includes it, and a test checks that.
"""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from openpso.organizations.models import Organization
from openpso.pswp.status import PswpStatus
from openpso.reporting.models import EventReport
from openpso.urls import urlpatterns as openpso_urlpatterns

BARE_INTAKE_PATH = "bench/bare-intake"


@require_POST
def bare_insert(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "sign in first"}, status=401)
    data = json.loads(request.body)
    provider = Organization.objects.only("pk").get(slug=data["provider"])
    now = timezone.now()
    report = EventReport(
        provider=provider,
        unit_id=data.get("unit"),
        event_type=data["event_type"],
        categories=data["categories"],
        discovered_at=dt.datetime.fromisoformat(data["discovered_at"]),
        narrative=data["narrative"],
        harm=data.get("harm", ""),
        patient_age_years=data.get("patient_age_years"),
        patient_sex=data.get("patient_sex", ""),
        reporter=request.user,
        reported_at=now,
        pswp_status=PswpStatus.CANDIDATE,
        pswp_status_at=now,
    )
    report.save(force_insert=True)
    return JsonResponse({"id": str(report.pk)}, status=201)


urlpatterns = [*openpso_urlpatterns, path(BARE_INTAKE_PATH, bare_insert, name="bench-bare-intake")]
