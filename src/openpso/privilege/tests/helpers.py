"""Small builders for the privilege tests: a request that satisfies a basis, and dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from openpso.pswp.bases import DisclosureRequest


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def request_for(basis: str, **conditions: Any) -> DisclosureRequest:
    return DisclosureRequest(
        basis=basis,
        provider_slug="",
        recipient_name="Dr Example",
        recipient_organization="Example University",
        purpose="Study of falls",
        onward_use_limit=conditions.pop("onward_use_limit", ""),
        conditions=conditions,
    )


# A complete, valid set of conditions for each basis a PSO may use (patients aside).
VALID: dict[str, dict[str, Any]] = {
    "RESEARCH": {"reference": "AHRQ grant R01-0000", "contains_iihi": False, "identifies_patients": False},
    "LAW_ENFORCEMENT": {"attested": True, "onward_use_limit": "law enforcement only", "identifies_patients": False},
    "PSA_CONTRACTOR": {
        "reference": "Contract C-12",
        "contract_signed_on": "2024-01-02",
        "onward_use_limit": "back to the PSO only",
    },
    "SECRETARY": {"reference": "OCR case 01-23"},
    "NONIDENTIFIABLE": {"reference": "nonid run 7", "attested": True},
    "PSA_PROVIDER_PSO": {},
    "BUSINESS_OPERATIONS": {"onward_use_limit": "no further disclosure"},
}
