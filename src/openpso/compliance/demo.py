"""`seed_compliance(pso)`: a small, synthetic register for the demo network.

Called by the demo seeding (it does not edit the demo's files itself). Idempotent: a PSO that
already has a listing gets nothing. The register it leaves shows each level: the listing is
due for renewal (amber), two or more providers have contracts (green), one relationship
disclosure is pending (amber), the yearly security assessment is current (green), every member
in force and the backup contractor have a current business associate agreement (green), one
person's security training falls due within the month (amber) and the written policies are within
review (green). No delisting runbook is seeded: the demo PSO is listed, and a delisting on record
would be a false statement about it; the runbook's tests open one through the same form.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from openpso.compliance.actions import save_entry
from openpso.compliance.models import (
    BusinessAssociateAgreement,
    Listing,
    RelationshipDisclosure,
    RelationshipKind,
    SecurityAssessment,
    SecurityPolicy,
    TrainingRecord,
)
from openpso.compliance.queries import member_providers, network_providers
from openpso.compliance.register import LISTING_YEARS, add_years
from openpso.lib.months import add_months
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
        _seed_security_records(pso, today)
    return True


def _seed_security_records(pso: Organization, today: dt.date) -> None:
    signed = add_months(today, -20)
    for provider in member_providers(pso, today):
        baa = BusinessAssociateAgreement(
            pso=pso,
            counterparty=provider.name,
            provider=provider,
            signed_on=signed,
            scope="PHI in event reports the member sends to the PSO for patient safety activities.",
            review_on=add_years(signed, 3),
        )
        save_entry(actor=None, entry=baa)
    contractor = BusinessAssociateAgreement(
        pso=pso,
        counterparty="Offsite Backup Co. (synthetic)",
        signed_on=add_months(today, -8),
        scope="Encrypted backups of the PSO's database (subcontractor business associate).",
        review_on=add_years(add_months(today, -8), 2),
    )
    save_entry(actor=None, entry=contractor)
    trainings = (
        ("A. Analyst (synthetic)", "PSO analyst", add_months(today, -4)),
        ("B. Administrator (synthetic)", "PSO administrator", add_years(today, -1) + dt.timedelta(days=20)),
    )
    for person, role, completed in trainings:
        course = "Patient Safety Act, Patient Safety Rule and the PSO's confidentiality and security policies"
        record = TrainingRecord(
            pso=pso, person=person, role=role, course=course, completed_on=completed, due_again=add_years(completed, 1)
        )
        save_entry(actor=None, entry=record)
    for title, version, adopted in (
        ("PSWP confidentiality and security policy", "3.1", add_months(today, -6)),
        ("Access control and audit policy", "2.0", add_months(today, -2)),
    ):
        policy = SecurityPolicy(
            pso=pso, title=title, version=version, adopted_on=adopted, next_review=add_years(adopted, 1)
        )
        save_entry(actor=None, entry=policy)
