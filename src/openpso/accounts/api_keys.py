"""API keys an organisation's own system uses on `/api/v1`: `opso_<prefix>_<secret>`.

A key is scoped to one organisation and one role. It is backed by a *service account*: a `User`
that cannot sign in and holds exactly one `Membership` (that organisation, that role). Presenting
the key makes that account `request.user`, so every route's own tenancy-scoped queries
(`queries.py` in each app) treat the key exactly as a person holding the role
(docs/decisions/0020-api-keys.md).

The secret is 32 random bytes (256 bits) from `secrets`; only its sha256 is stored. A password
KDF guards low-entropy secrets people choose; for a random 256-bit secret one sha256 is as strong
and costs nothing per request (the choice GitHub and Stripe document for their tokens). The prefix
finds the row; the digest is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.accounts.events import AccountAction
from openpso.accounts.models import ApiKey, User
from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.organizations.models import Membership, Organization
from openpso.organizations.roles import ROLE_KINDS, Role

SCHEME = "opso"

# Roles a key may hold. Refused, as roles only a person should hold:
# - pses_committee: deliberations and analysis in the PSES are the committee members' own work
#   (42 CFR 3.20, "deliberations or analysis"); a machine reading every deliberation is a bulk
#   export of the most protected PSWP with no person answerable for it;
# - pso_admin: administers the PSO itself (members, agreements, disclosures, keys); a key holding
#   it could make further keys and act as the PSO's legal officer;
# - auditor: oversight reads are a named person's accountable review.
MACHINE_ROLES: tuple[str, ...] = (
    Role.REPORTER,
    Role.SAFETY_MANAGER,
    Role.SYSTEM_SAFETY_OFFICER,
    Role.PSO_ANALYST,
)


class RoleNotForKeys(ValueError):
    """The role cannot be held by a key, or not in this kind of organisation."""


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    token: str  # shown once, never stored


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def roles_for_keys(organization: Organization) -> list[str]:
    """The roles a key of `organization` may hold (in the order of `Role`)."""
    return [r for r in MACHINE_ROLES if organization.kind in ROLE_KINDS[r]]


def issue_key(*, organization: Organization, role: str, name: str, actor: Actor | None) -> IssuedKey:
    """Make a key (and its service account) for `organization` in `role`; the token returned is
    the only copy of the secret."""
    if role not in roles_for_keys(organization):
        raise RoleNotForKeys(f"role: a key of a {organization.get_kind_display()} cannot hold {role!r}")
    name = name.strip()[:80] or "Organisation system"
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        while True:
            prefix = secrets.token_hex(4)
            if not ApiKey.objects.filter(prefix=prefix).exists():
                break
        account = make_service_account(prefix=prefix, name=name)
        Membership.objects.create(user=account, organization=organization, role=role)
        key = ApiKey.objects.create(
            organization=organization,
            role=role,
            service_account=account,
            name=name,
            prefix=prefix,
            digest=digest(secret),
            created_by=user_row(actor),
        )
        record(
            actor=actor,
            action=AccountAction.API_KEY_ISSUED,
            object_type=object_type_of(key),
            object_id=key.pk,
            organization_id=organization.pk,
            purpose="administration",
            detail={"prefix": prefix, "role": role},
        )
    return IssuedKey(key=key, token=f"{SCHEME}_{prefix}_{secret}")


# `.invalid` (RFC 2606) can receive no mail, so no password reset reaches anyone either.
SERVICE_ACCOUNT_DOMAIN = "api-keys.invalid"
_SERVICE_ACCOUNT_EMAIL = re.compile(r"key-([0-9a-f]{1,12})@" + re.escape(SERVICE_ACCOUNT_DOMAIN))


def make_service_account(*, prefix: str, name: str) -> User:
    email = f"key-{prefix}@{SERVICE_ACCOUNT_DOMAIN}"
    account = User(
        email=email,
        username=email,
        first_name=f"API key {prefix}",
        last_name=f"({name})",
        is_service_account=True,
    )
    account.set_unusable_password()
    account.save()
    return account


def key_prefix_of(email: str) -> str | None:
    """The key prefix when `email` (e.g. an audit row's actor label) is a key's service account."""
    match = _SERVICE_ACCOUNT_EMAIL.fullmatch(email)
    return match.group(1) if match else None


def revoke_key(*, key: ApiKey, actor: Actor | None) -> None:
    """Stop the key now: stamped once, its service account deactivated, audited; twice is a no-op."""
    with transaction.atomic():
        if not ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
            return
        User.objects.filter(pk=key.service_account_id).update(is_active=False)
        record(
            actor=actor,
            action=AccountAction.API_KEY_REVOKED,
            object_type=object_type_of(key),
            object_id=key.pk,
            organization_id=key.organization_id,
            purpose="administration",
            detail={"prefix": key.prefix, "role": key.role},
        )


def key_for_token(token: str) -> ApiKey | None:
    """The live key this token names, or None (malformed, unknown, wrong secret or revoked)."""
    scheme, _, rest = token.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != SCHEME or not prefix or not secret or len(token) > 200:
        return None
    key = (
        ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True, service_account__is_active=True)
        .select_related("service_account", "organization")
        .first()
    )
    # Compare digests even when there is no key, so timing says nothing about which prefixes exist.
    expected = key.digest if key is not None else digest("")
    if not hmac.compare_digest(expected, digest(secret)) or key is None:
        return None
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


def keys_of(organization: Organization) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(organization=organization).select_related("created_by").order_by("-created_at")
