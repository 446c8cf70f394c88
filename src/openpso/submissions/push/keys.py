"""The provider's API keys, as its key page and the tests make them: `accounts.api_keys` keys of a
provider, in the safety manager's role by default (the role submitting requires,
`queries.submitting_providers_for`). Keys made before keys had roles (`ProviderApiKey`) were
moved to `accounts.ApiKey` in that role by migration submissions 0003, with their prefix and digest, so
their tokens still work (docs/decisions/0020-api-keys.md)."""

from __future__ import annotations

from openpso.accounts.api_keys import IssuedKey, key_for_token, keys_of, roles_for_keys
from openpso.accounts.api_keys import issue_key as issue_org_key
from openpso.accounts.api_keys import revoke_key as revoke_key
from openpso.audit.actor import Actor
from openpso.organizations.models import Organization
from openpso.organizations.roles import Role

__all__ = ["IssuedKey", "issue_key", "issue_org_key", "key_for_token", "keys_of", "revoke_key", "roles_for_keys"]


def issue_key(*, provider: Organization, name: str, actor: Actor | None, role: str = Role.SAFETY_MANAGER) -> IssuedKey:
    """A key of `provider` in `role`; the returned token is the only copy of the secret."""
    return issue_org_key(organization=provider, role=role, name=name, actor=actor)
