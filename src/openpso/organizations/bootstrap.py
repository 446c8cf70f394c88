"""The first PSO and its first administrator, in an empty database (`openpso bootstrap`).

No page can create them: every page needs a signed-in person with a role, and roles are
granted by an administrator. The operator runs this once after `migrate`; it refuses once
any PSO administrator exists, so it cannot be used later to slip in a second, unaudited
route to the highest role. The new administrator gets no password: the command returns a
one-time link to set one (allauth's password-reset link, valid for PASSWORD_RESET_TIMEOUT),
and the sign-in that follows makes them set up two-factor authentication like every role
but the reporter.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.urls import reverse

from openpso.organizations.actions import grant_role, save_audited
from openpso.organizations.events import OrganizationAction
from openpso.organizations.models import Membership, Organization, OrgKind
from openpso.organizations.roles import Role


class BootstrapRefused(Exception):
    """Why nothing was created, naming the field where one is at fault."""


@dataclass(frozen=True)
class Bootstrapped:
    pso: Organization
    membership: Membership
    set_password_path: str  # relative: the operator knows the address the site is served on


def bootstrap_pso(*, slug: str, name: str, admin_email: str) -> Bootstrapped:
    """Create the PSO and grant `admin_email` the PSO administrator role, both audited."""
    _check(slug=slug, name=name, admin_email=admin_email)
    with transaction.atomic():
        if Membership.objects.select_for_update().filter(role=Role.PSO_ADMIN).exists():
            raise BootstrapRefused(
                "a PSO administrator already exists: roles are granted on the organisation pages, not by this command"
            )
        if Organization.objects.filter(slug=slug).exists():
            raise BootstrapRefused(f"--slug: an organisation {slug!r} already exists")
        pso = Organization(slug=slug, name=name.strip(), kind=OrgKind.PSO)
        # The system acts (actor None): there is no one yet to act as.
        save_audited(actor=None, obj=pso, organization=pso, action=OrganizationAction.BOOTSTRAPPED)
        membership = grant_role(actor=None, organization=pso, email=admin_email.strip(), role=Role.PSO_ADMIN)
    user = membership.user
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    return Bootstrapped(pso=pso, membership=membership, set_password_path=path.replace("UID-KEY", key))


def _check(*, slug: str, name: str, admin_email: str) -> None:
    try:
        validate_slug(slug)
    except ValidationError:
        raise BootstrapRefused("--slug: letters, digits, hyphens and underscores only") from None
    if not name.strip():
        raise BootstrapRefused("--name: the PSO's name is needed (as listed by AHRQ)")
    try:
        validate_email(admin_email.strip())
    except ValidationError:
        raise BootstrapRefused("--admin-email: not an e-mail address") from None
