"""Small helpers shared by the PSWP tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.pswp.ledger import AUDIT_ACTION
from openpso.pswp.models import PswpTransition
from openpso.reporting.actions import file_report
from openpso.reporting.models import EventReport
from openpso.reporting.schemas import ReportIn


def file(user: Any, provider_slug: str = "t-p1", *, anonymous: bool = False) -> EventReport:
    data = ReportIn.model_validate(
        {
            "provider": provider_slug,
            "event_type": "A3",
            "categories": ["A48"],
            "discovered_at": timezone.now() - dt.timedelta(hours=1),
            "narrative": "Fell near the bed. SECRET-NARRATIVE",
            "harm": "LA21150-0",
            "patient_age_years": 81,
            "patient_sex": "M",
            "anonymous": anonymous,
        }
    )
    report, _ = file_report(user=user, data=data)
    return report


def ledger_rows(report: EventReport) -> list[PswpTransition]:
    return list(PswpTransition.objects.filter(object_id=str(report.pk)).order_by("id"))


def ledger_audits(report: EventReport) -> int:
    return AuditEvent.objects.filter(object_id=str(report.pk), action=AUDIT_ACTION).count()
