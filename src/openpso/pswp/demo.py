"""`seed_obligations(pso)`: the demo's state reporting obligation met from original records
(docs/decisions/0009-pswp-ledger-and-pses.md), reached through the same actions a user takes.
Idempotent: a member that already has an external report gets nothing.

- the first member's safety manager adds a PSES policy version that names what the provider
  collects outside the PSES (the quality department's own log), so intake can record such
  information as not PSWP from the start;
- the same safety manager meets a state adverse-event reporting obligation with facts typed
  from the (synthetic) medical record, naming it; nothing comes from an event report.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from openpso.organizations.models import Membership, Organization, OrgKind, Unit
from openpso.organizations.roles import Role
from openpso.pswp.actions import OriginalFacts, add_policy_version, build_external_report
from openpso.pswp.models import ExternalReport, Obligation


def seed_obligations(pso: Organization, *, today: dt.date | None = None) -> bool:
    """Write the demo policy version and external report; False when already there."""
    today = min(today or timezone.localdate(), timezone.localdate())
    # The member whose safety manager signed up first: the demo's own "manager" login.
    first = (
        Membership.objects.filter(
            role=Role.SAFETY_MANAGER, organization__network=pso, organization__kind=OrgKind.PROVIDER
        )
        .order_by("id")
        .select_related("organization", "user")
        .first()
    )
    if first is None:
        return False
    member, manager = first.organization, first.user
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=member.pk)
        if ExternalReport.objects.filter(provider=member).exists():
            return False
        add_policy_version(
            provider=member,
            actor=manager,
            effective_from=today - dt.timedelta(days=365),
            what_enters="Every event report filed on OpenPSO's report form enters the PSES at filing, for reporting "
            "to the PSO.",
            who_may_see="The patient safety manager and the PSES committee.",
            when_reported="Monthly, as the member agreement with the PSO says.",
            non_pses_purposes="Quality department incident log\nInfection-control surveillance log",
        )
        build_external_report(
            provider=member,
            actor=manager,
            obligation=Obligation.STATE,
            obligation_detail="State patient safety authority (synthetic)",
            due_on=today + dt.timedelta(days=7),
            source="Medical record DEMO-MRN-000123 (synthetic): nursing note and radiology report",
            facts=OriginalFacts(
                agency_category="Serious event: fall with injury",
                event_description="Patient found on the floor beside the bed at night; right hip pain.",
                discovered_at=dt.datetime.combine(
                    today - dt.timedelta(days=2), dt.time(3, 10), tzinfo=timezone.get_current_timezone()
                ),
                unit=Unit.objects.filter(provider=member, active=True).order_by("id").first(),
                outcome="Right hip fracture on X-ray; surgical repair planned.",
                patient_age_years=84,
                patient_sex="F",
            ),
        )
    return True
