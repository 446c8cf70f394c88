"""A small cast of organisations, people and reports shared by the suite (healthchecks' pattern).

Two PSO networks; in the first, two health systems. `p1` shares its reports with its
health system, `p1b` does not. Every report narrative and every foreign organisation
name carries a canary string, so a leak shows up as text in a response body.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from openpso.accounts.models import User
from openpso.organizations.models import MemberAgreement, Membership, Organization, OrgKind, Unit
from openpso.organizations.roles import MFA_EXEMPT_ROLES, Role
from openpso.reporting.models import EventReport

PASSWORD = "correct-horse-battery-9"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass
class Cast:
    orgs: dict[str, Organization] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    reports: dict[str, EventReport] = field(default_factory=dict)
    agreements: dict[str, MemberAgreement] = field(default_factory=dict)
    memberships: dict[str, Membership] = field(default_factory=dict)


def _org(cast: Cast, key: str, **fields: Any) -> Organization:
    org = Organization.objects.create(slug=f"t-{key}", **fields)
    cast.orgs[key] = org
    return org


def _person(cast: Cast, key: str, org: Organization, role: str, unit: Unit | None = None) -> User:
    user = User.objects.create_user(email=f"{key}@cast.test", password=PASSWORD, first_name=key.title())
    cast.users[key] = user
    cast.memberships[key] = Membership.objects.create(user=user, organization=org, role=role, unit=unit)
    if role not in MFA_EXEMPT_ROLES:
        TOTP.activate(user, TOTP_SECRET)
    return user


def _report(cast: Cast, key: str, provider: Organization, reporter: User | None, *, anonymous: bool = False) -> None:
    now = timezone.now()
    cast.reports[key] = EventReport.objects.create(
        provider=provider,
        unit=provider.units.first(),
        event_type="A3",
        categories=["A48"],
        discovered_at=now - dt.timedelta(hours=2),
        narrative=f"Patient slipped near the bed. CANARY-REPORT-{key}",
        harm="LA21150-0",
        anonymous=anonymous,
        reporter=reporter,
        reported_at=now,
        pswp_status_at=now,
    )


def build_cast() -> Cast:
    cast = Cast()
    pso = _org(cast, "pso1", name="Cast PSO One", kind=OrgKind.PSO)
    pso2 = _org(cast, "pso2", name="Other PSO CANARY-ORG-pso2", kind=OrgKind.PSO)
    sys1 = _org(cast, "sys1", name="Cast Health System", kind=OrgKind.HEALTH_SYSTEM, network=pso)
    sys2 = _org(cast, "sys2", name="Rival Health System CANARY-ORG-sys2", kind=OrgKind.HEALTH_SYSTEM, network=pso)
    hospital = {"kind": OrgKind.PROVIDER, "provider_type": "hospital", "bed_size_band": "100-199", "state": "PA"}
    p1 = _org(cast, "p1", name="Cast General Hospital", network=pso, parent=sys1, **hospital)
    p1b = _org(cast, "p1b", name="Cast Sister Hospital CANARY-ORG-p1b", network=pso, parent=sys1, **hospital)
    p2 = _org(cast, "p2", name="Rival Hospital CANARY-ORG-p2", network=pso, parent=sys2, **hospital)
    p3 = _org(cast, "p3", name="Far Hospital CANARY-ORG-p3", network=pso2, **hospital)
    for key, provider in {"p1": p1, "p1b": p1b, "p2": p2, "p3": p3}.items():
        cast.units[key] = Unit.objects.create(provider=provider, name=f"Ward {key.upper()}")
        cast.agreements[key] = MemberAgreement.objects.create(
            pso=provider.network or pso,
            provider=provider,
            effective_from=dt.date(2020, 1, 1),
            categories=["A48", "A54"],
            system_may_view=key != "p1b",
        )
    _person(cast, "reporter", p1, Role.REPORTER, unit=cast.units["p1"])
    _person(cast, "safety_manager", p1, Role.SAFETY_MANAGER)
    _person(cast, "pses_committee", p1, Role.PSES_COMMITTEE)
    _person(cast, "system_safety_officer", sys1, Role.SYSTEM_SAFETY_OFFICER)
    _person(cast, "pso_analyst", pso, Role.PSO_ANALYST)
    _person(cast, "pso_admin", pso, Role.PSO_ADMIN)
    _person(cast, "auditor", pso, Role.AUDITOR)
    _person(cast, "provider_auditor", p1, Role.AUDITOR)
    _person(cast, "reporter_p2", p2, Role.REPORTER)
    _person(cast, "manager_p2", p2, Role.SAFETY_MANAGER)
    _person(cast, "admin_pso2", pso2, Role.PSO_ADMIN)
    _report(cast, "r1", p1, cast.users["reporter"])
    _report(cast, "r1anon", p1, None, anonymous=True)
    _report(cast, "r1b", p1b, None, anonymous=True)
    _report(cast, "r2", p2, cast.users["reporter_p2"])
    _report(cast, "r3", p3, None, anonymous=True)
    return cast


# Role holders in the cast, by the name of the role they hold (plus foreign counterparts).
CAST_ROLES = [
    "reporter",
    "safety_manager",
    "pses_committee",
    "system_safety_officer",
    "pso_analyst",
    "pso_admin",
    "auditor",
    "provider_auditor",
    "manager_p2",
    "admin_pso2",
]
