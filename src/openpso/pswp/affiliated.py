"""A health system reading an affiliate's identified report: the PSA_AFFILIATED disclosure log.

42 CFR 3.206(b)(4)(iii) permits disclosure among affiliated providers for patient safety
activities; the affiliate's member agreement (`system_may_view`) is its consent to it. Each
read is one row of the immutable disclosure log, as the submissions pages do for the PSO copy.
"""

from __future__ import annotations

from typing import Any

from openpso.organizations.queries import active_agreements
from openpso.pswp.actions import disclose
from openpso.pswp.bases import DisclosureRequest
from openpso.reporting.models import EventReport


def log_oversight_read(user: Any, report: EventReport) -> None:
    provider = report.provider
    system = provider.parent
    agreements = list(active_agreements().filter(provider=provider, system_may_view=True).values_list("pk", flat=True))
    request = DisclosureRequest(
        basis="PSA_AFFILIATED",
        provider_slug=provider.slug,
        recipient_name=str(getattr(user, "email", "") or user),
        recipient_organization=system.name if system else "",
        purpose="Health-system patient safety oversight of an affiliate's report",
        conditions={"attested": True, "agreement_ids": sorted(agreements), "via": "reporting.detail"},
    )
    disclose(provider=provider, reports=[report], actor=None, request=request)
