"""Small helpers shared by the submission tests."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

from django.test import Client
from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.pswp.models import PswpTransition
from openpso.reporting.actions import file_report
from openpso.reporting.models import EventReport
from openpso.reporting.schemas import ReportIn
from openpso.submissions.models import Submission

URL = "/api/v1/submissions"


def file(user: Any, provider_slug: str = "t-p1", **overrides: Any) -> EventReport:
    body = {
        "provider": provider_slug,
        "event_type": "A3",
        "categories": ["A48"],
        "discovered_at": timezone.now() - dt.timedelta(hours=3),
        "narrative": "Fell near the bed. SECRET-NARRATIVE",
        "location_detail": "Room 12 SECRET-LOCATION",
        "reporter_role": "Registered nurse SECRET-ROLE",
        "harm": "LA21150-0",
        "patient_age_years": 81,
        "patient_sex": "M",
        # The Fall module's required questions (DE21 A48), so the event is complete for the PSO.
        "answers": {"Fall/assisted": "OPSO-FALL-UNASSISTED", "Fall/injury": "A18"},
    }
    body.update(overrides)
    report, _ = file_report(user=user, data=ReportIn.model_validate(body))
    return report


def post(client: Client, events: list[Any], *, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(URL, data=json.dumps({"events": events}), content_type="application/json", headers=headers)


def pso_state() -> dict[str, Any]:
    """What the PSO and the ledger hold, without ids and times: two runs compare equal."""
    submissions = sorted((str(s.event_id), s.version, s.current, s.method) for s in Submission.objects.all())
    ledger = sorted((t.object_id, t.from_status, t.to_status) for t in PswpTransition.objects.all())
    reports = sorted((str(pk), status) for pk, status in EventReport.objects.values_list("pk", "pswp_status"))
    audit = Counter(AuditEvent.objects.values_list("action", flat=True))
    return {"submissions": submissions, "ledger": ledger, "reports": reports, "audit": dict(audit)}
