"""Demo users: one login per role, report authors per provider, and their TOTP secrets.

Every role but the frontline reporter must use TOTP (roles.MFA_EXEMPT_ROLES, 42 CFR
3.106). Demo secrets are derived from the e-mail address so the printed login table and
`openpso demo-code` agree on every machine — acceptable only because these accounts are
synthetic; real secrets come from `allauth.mfa.totp.internal.auth.generate_totp_secret`.
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password

from openpso.accounts.models import User
from openpso.demo import names
from openpso.demo.network import (
    DEMO_EMS_AGENCY,
    DEMO_HOSPITAL,
    PROVIDERS,
    PSO_NAME,
    BuiltNetwork,
    ProviderSpec,
    units_for,
)
from openpso.organizations.models import Membership
from openpso.organizations.roles import MFA_EXEMPT_ROLES, Role

DEMO_DOMAIN = "demo.openpso.test"
# Shared by every demo account; 12+ characters and not in Django's common-password list.
DEMO_PASSWORD = "Keystone-Safety-Demo-26"  # noqa: S105 - a published demo password, by design
AUTHORS_PER_PROVIDER = 3
TOTP_ISSUER = "OpenPSO"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    totp_secret: str | None
    organization: str
    first_name: str = ""
    last_name: str = ""
    home_unit: str = ""


def is_demo_email(email: str) -> bool:
    return email.strip().lower().endswith("@" + DEMO_DOMAIN)


def totp_secret_for(email: str) -> str:
    """Base32 of the first 20 bytes of sha256("openpso-demo:" + e-mail): demo accounts only."""
    digest = hashlib.sha256(b"openpso-demo:" + email.strip().lower().encode()).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


def otpauth_uri(login: DemoLogin) -> str:
    """The provisioning URI an authenticator app reads (same shape allauth builds)."""
    if login.totp_secret is None:
        raise ValueError(f"{login.email} has no authenticator")
    params = urlencode({"secret": login.totp_secret, "issuer": TOTP_ISSUER}, quote_via=quote)
    return f"otpauth://totp/{quote(f'{TOTP_ISSUER}:{login.email}')}?{params}"


_HV_SYSTEM = DEMO_HOSPITAL.system or ""
# (local part, role, organisation name, first name, last name, home unit)
_ROLE_LOGINS = (
    ("reporter", Role.REPORTER, DEMO_HOSPITAL.name, "Rosalind", "Achterberg", "4 West Med-Surg"),
    ("manager", Role.SAFETY_MANAGER, DEMO_HOSPITAL.name, "Desmond", "Okonkwo", ""),
    ("committee", Role.PSES_COMMITTEE, DEMO_HOSPITAL.name, "Henrietta", "Lindqvist", ""),
    ("system", Role.SYSTEM_SAFETY_OFFICER, _HV_SYSTEM, "Casimir", "Ravenscroft", ""),
    ("analyst", Role.PSO_ANALYST, PSO_NAME, "Priscilla", "Nakashima", ""),
    ("admin", Role.PSO_ADMIN, PSO_NAME, "Leopold", "Fairbanks", ""),
    ("auditor", Role.AUDITOR, PSO_NAME, "Imelda", "Westergaard", ""),
    ("paramedic", Role.REPORTER, DEMO_EMS_AGENCY.name, "Gideon", "Halvorsen", "Medic 12"),
    ("ems-manager", Role.SAFETY_MANAGER, DEMO_EMS_AGENCY.name, "Marisol", "Esparza", ""),
)


def demo_logins() -> list[DemoLogin]:
    """The sign-in table for the demo, one row per role account (pure; no database)."""
    logins = []
    for local, role, org, first, last, unit in _ROLE_LOGINS:
        email = f"{local}@{DEMO_DOMAIN}"
        secret = None if role in MFA_EXEMPT_ROLES else totp_secret_for(email)
        logins.append(
            DemoLogin(
                role=str(role),
                email=email,
                password=DEMO_PASSWORD,
                totp_secret=secret,
                organization=org,
                first_name=first,
                last_name=last,
                home_unit=unit,
            )
        )
    return logins


def author_logins(spec: ProviderSpec, *, seed: int) -> list[DemoLogin]:
    """The frontline reporters a provider's demo reports are written by (deterministic)."""
    rng = random.Random(f"{seed}:authors:{spec.slug}")
    units = [name for name, kind in units_for(spec) if kind not in {"dispatch", "pharmacy"}]
    logins = []
    for n in range(1, AUTHORS_PER_PROVIDER + 1):
        first = rng.choice(rng.choice((names.FEMALE_FIRST, names.MALE_FIRST)))
        logins.append(
            DemoLogin(
                role=str(Role.REPORTER),
                email=f"{spec.slug}.{n}@{DEMO_DOMAIN}",
                password=DEMO_PASSWORD,
                totp_secret=None,
                organization=spec.name,
                first_name=first,
                last_name=rng.choice(names.LAST),
                home_unit=rng.choice(units),
            )
        )
    return logins


def safety_team_logins(spec: ProviderSpec, *, seed: int) -> list[DemoLogin]:
    """A safety manager for each provider whose safety team has no printed login: someone
    must triage its reports in the demo's history (`demo.history`). Not printed; TOTP like
    every PSES role."""
    if any(org == spec.name and role == Role.SAFETY_MANAGER for _, role, org, *_ in _ROLE_LOGINS):
        return []
    rng = random.Random(f"{seed}:safety:{spec.slug}")
    email = f"{spec.slug}.safety@{DEMO_DOMAIN}"
    return [
        DemoLogin(
            role=str(Role.SAFETY_MANAGER),
            email=email,
            password=DEMO_PASSWORD,
            totp_secret=totp_secret_for(email),
            organization=spec.name,
            first_name=rng.choice(rng.choice((names.FEMALE_FIRST, names.MALE_FIRST))),
            last_name=rng.choice(names.LAST),
        )
    ]


def create_demo_users(network: BuiltNetwork, *, seed: int) -> dict[str, list[User]]:
    """Create role and author accounts with memberships; return authors by provider slug."""
    # One Argon2 hash for everyone: hashing ~80 identical passwords one by one would cost
    # seconds of `make run` for no security gain on a published demo password.
    password = make_password(DEMO_PASSWORD)
    orgs = {org.name: org for org in (network.pso, *network.systems.values(), *network.providers.values())}
    rows = list(demo_logins())
    for spec in PROVIDERS:
        rows += author_logins(spec, seed=seed) + safety_team_logins(spec, seed=seed)
    users = User.objects.bulk_create(
        [
            User(
                email=row.email,
                username=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
                password=password,
            )
            for row in rows
        ]
    )
    users = list(User.objects.filter(email__in=[row.email for row in rows]))  # pks on every backend
    by_email = {user.email: user for user in users}
    memberships = []
    for row in rows:
        org = orgs[row.organization]
        unit = network.units.get(org.slug, {}).get(row.home_unit) if row.home_unit else None
        memberships.append(Membership(user=by_email[row.email], organization=org, role=row.role, unit=unit))
    Membership.objects.bulk_create(memberships)
    for row in rows:
        if row.totp_secret:
            TOTP.activate(by_email[row.email], row.totp_secret)
    authors: dict[str, list[User]] = {spec.slug: [] for spec in PROVIDERS}
    for row in rows:
        org = orgs[row.organization]
        if row.role == Role.REPORTER and org.slug in authors:
            authors[org.slug].append(by_email[row.email])
    return authors
