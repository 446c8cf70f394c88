"""A PSO of our own for the register's tests, with providers and agreements on chosen dates."""

from __future__ import annotations

import datetime as dt

from openpso.compliance.models import Listing
from openpso.organizations.models import MemberAgreement, Organization, OrgKind

LISTED = dt.date(2024, 3, 15)  # periods: 2024-03-15..2026-03-14, 2026-03-15..2028-03-14, …


def make_pso(slug: str = "reg-pso", *, listed: dt.date | None = LISTED) -> Organization:
    pso = Organization.objects.create(slug=slug, name=f"PSO {slug}", kind=OrgKind.PSO)
    if listed is not None:
        Listing.objects.create(pso=pso, initial_listing_date=listed, expires_on=listed.replace(year=listed.year + 3))
    return pso


def contract(pso: Organization, name: str, start: dt.date, end: dt.date | None = None) -> MemberAgreement:
    provider = Organization.objects.filter(slug=f"{pso.slug}-{name}").first() or Organization.objects.create(
        slug=f"{pso.slug}-{name}", name=name, kind=OrgKind.PROVIDER, provider_type="hospital", network=pso
    )
    return MemberAgreement.objects.create(pso=pso, provider=provider, effective_from=start, effective_to=end)
