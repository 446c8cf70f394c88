"""A health system reading an affiliate's identified report: the PSA_AFFILIATED disclosure log.

42 CFR 3.206(b)(4)(iii) permits disclosure among affiliated providers for patient safety
activities; the affiliate's member agreement (`system_may_view`) is its consent to it. Each
read is one row of the immutable disclosure log, as the submissions pages do for the PSO copy.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpso.audit.actor import Actor
from openpso.organizations.models import Organization
from openpso.organizations.queries import active_agreements
from openpso.pswp.actions import disclose
from openpso.pswp.bases import DisclosureRequest
from openpso.pswp.models import Disclosure
from openpso.pswp.records import ProviderRecord


def disclose_to_system(
    *,
    user: Actor,
    provider: Organization,
    reports: Sequence[ProviderRecord],
    purpose: str,
    via: str,
    agreement_ids: Sequence[int],
) -> Disclosure:
    """One PSA_AFFILIATED disclosure of `reports` to `user` of `provider`'s health system."""
    system = provider.parent
    request = DisclosureRequest(
        basis="PSA_AFFILIATED",
        provider_slug=provider.slug,
        recipient_name=str(getattr(user, "email", "") or user),
        recipient_organization=system.name if system else "",
        purpose=purpose,
        # The member agreement in force sets system_may_view: the affiliate chose this.
        conditions={"attested": True, "agreement_ids": sorted(agreement_ids), "via": via},
    )
    return disclose(provider=provider, reports=reports, actor=None, request=request)


def log_oversight_read(user: Actor, *, provider: Organization, record: ProviderRecord, via: str) -> None:
    """One disclosure per read of `provider`'s `record`, whichever channel served it.

    Called by `reporting.actions.record_read` inside the read's transaction: a read whose
    disclosure cannot be logged is not served."""
    agreements = active_agreements().filter(provider=provider, system_may_view=True).values_list("pk", flat=True)
    disclose_to_system(
        user=user,
        provider=provider,
        reports=[record],
        purpose="Health-system patient safety oversight of an affiliate's report",
        via=via,
        agreement_ids=list(agreements),
    )
