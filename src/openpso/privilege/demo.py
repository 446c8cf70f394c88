"""`seed_privilege(pso)`: the demo's PSO disclosure, subpoena and breach, reached through the
same actions a user takes. Idempotent: a PSO that already logged a disclosure gets nothing.

- the PSO's administrator logs a disclosure to a researcher (with its HIPAA accounting);
- a member's safety manager records a subpoena and answers it with the privilege asserted;
- the PSO records a breach touching that member's PSWP, which puts a notice on its register.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from openpso.audit.actor import Actor
from openpso.organizations.models import Membership, Organization, OrgKind
from openpso.organizations.roles import Role
from openpso.privilege import actions
from openpso.privilege.models import PsoDisclosure
from openpso.pswp.bases import DisclosureRequest


def _holder(org: Organization, role: str) -> Actor | None:
    membership = Membership.objects.filter(organization=org, role=role).select_related("user").first()
    return membership.user if membership else None


def seed_privilege(pso: Organization, *, today: dt.date | None = None) -> bool:
    """Write the demo entries for `pso`; False when it already has a disclosure logged."""
    # The actions refuse dates after the real today; a demo anchored later uses the real one.
    today = min(today or timezone.localdate(), timezone.localdate())
    # The member whose safety manager signed up first: the demo's own "manager" login.
    first = (
        Membership.objects.filter(
            role=Role.SAFETY_MANAGER, organization__network=pso, organization__kind=OrgKind.PROVIDER
        )
        .order_by("id")
        .select_related("organization")
        .first()
    )
    member = first.organization if first else None
    if member is None:
        return False
    with transaction.atomic():
        if PsoDisclosure.objects.select_for_update().filter(pso=pso).exists():
            return False
        admin, manager = _holder(pso, Role.PSO_ADMIN), _holder(member, Role.SAFETY_MANAGER)
        actions.log_pso_disclosure(
            pso=pso,
            actor=admin,
            provider=member,
            request=DisclosureRequest(
                basis="RESEARCH",
                provider_slug=member.slug,
                recipient_name="Dr Ada Example (synthetic)",
                recipient_organization="Example University School of Public Health",
                purpose="AHRQ-funded study of fall prevention in hospitals",
                conditions={
                    "reference": "AHRQ grant R18 HS000000 (synthetic)",
                    "contains_iihi": True,
                    "hipaa_reference": "Example University IRB waiver 2026-041 (synthetic)",
                    "irb_approved_on": (today - dt.timedelta(days=40)).isoformat(),
                    "identifies_patients": True,
                },
            ),
            recipient_kind="researcher",
            recipient_address="1 University Way, Example City",
            description="Fall events of the last year with the PSO's contributing-factor analysis",
            disclosed_on=today - dt.timedelta(days=20),
            patients=["DEMO-MRN-0001", "DEMO-MRN-0002"],
        )
        subpoena = actions.receive_subpoena(
            organization=member,
            actor=manager,
            kind="subpoena",
            requested_by="Plaintiff's counsel (synthetic)",
            forum="County Court of Common Pleas, case 26-CV-0000 (synthetic)",
            what_asked="All incident reports and analyses about a patient's fall",
            records_reached="The event report and its RCA² (PSWP); the medical record (not PSWP)",
            served_on=today - dt.timedelta(days=12),
            respond_by=today + dt.timedelta(days=18),
        )
        actions.assert_privilege(
            subpoena=subpoena,
            actor=manager,
            privilege_text=(
                "The event report and its analysis are patient safety work product, privileged and not "
                "subject to subpoena or discovery; the medical record is produced."
            ),
            privilege_cite=actions.DEFAULT_CITE,
            asserted_on=today - dt.timedelta(days=5),
        )
        actions.record_breach(
            organization=pso,
            actor=admin,
            kind="impermissible_disclosure",
            what="A member's monthly export was e-mailed to another member's safety manager, who deleted it.",
            occurred_on=today - dt.timedelta(days=9),
            discovered_on=today - dt.timedelta(days=8),
            who_affected="Patients and clinicians named in one month of one member's events",
            patients_affected=14,
            affected_providers=[member],
        )
    return True
