"""`seed_compliance(pso)`: a small, synthetic register for the demo network.

Called by the demo seeding (it does not edit the demo's files itself). Idempotent: a PSO that
already has a listing gets nothing. The register it leaves shows each level: the listing is
due for renewal (amber), two or more providers have contracts (green), one relationship
disclosure is pending (amber) and the yearly security assessment is current (green).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from openpso.compliance.actions import save_entry
from openpso.compliance.models import Listing, RelationshipDisclosure, RelationshipKind, SecurityAssessment
from openpso.compliance.queries import network_providers
from openpso.compliance.register import LISTING_YEARS, add_months, add_years
from openpso.organizations.models import Organization


def seed_compliance(pso: Organization, *, today: dt.date | None = None) -> bool:
    """Write the demo register for `pso`; False when it already had a listing."""
    today = today or timezone.localdate()
    with transaction.atomic():
        if Listing.objects.select_for_update().filter(pso=pso).exists():
            return False
        expires = today + dt.timedelta(days=75)
        listing = Listing(
            pso=pso, ahrq_number="P0999", initial_listing_date=add_years(expires, -LISTING_YEARS), expires_on=expires
        )
        save_entry(actor=None, entry=listing)
        providers = list(network_providers(pso).order_by("name")[:2])
        if len(providers) == 2:
            first, second = providers
            began = add_months(today, -14)
            save_entry(
                actor=None,
                entry=RelationshipDisclosure(
                    pso=pso,
                    provider=first,
                    kind=RelationshipKind.CONTRACTUAL,
                    description="The PSO also runs this provider's safety-culture survey under a separate contract.",
                    began_on=began,
                    disclosed_on=began + dt.timedelta(days=20),
                    submitted_on=began + dt.timedelta(days=30),
                ),
            )
            save_entry(
                actor=None,
                entry=RelationshipDisclosure(
                    pso=pso,
                    provider=second,
                    kind=RelationshipKind.FINANCIAL,
                    description="The provider's foundation funds one of the PSO's learning collaboratives.",
                    began_on=today.replace(day=1),
                ),
            )
        performed = add_months(today, -5)
        save_entry(
            actor=None,
            entry=SecurityAssessment(
                pso=pso,
                performed_on=performed,
                scope="OpenPSO servers, backups and key storage; workforce access; the contractor hosting backups.",
                assessor="Internal security team with an external reviewer (synthetic)",
                result="Controls effective; two findings (stale accounts, backup-restore test overdue) corrected.",
                next_due=add_years(performed, 1),
            ),
        )
    return True
