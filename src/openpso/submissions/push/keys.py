"""API keys a provider's own system uses to submit events: `opso_<prefix>_<secret>`.

The secret is 32 random bytes (256 bits) from `secrets`; only its sha256 is stored. A
password KDF (argon2) guards low-entropy secrets people choose; for a random 256-bit secret
a single sha256 is as strong and costs nothing per request (the same choice GitHub and
Stripe document for their tokens). The prefix finds the row; the digest is compared in
constant time. A key is scoped to one provider, can be revoked, and records when it was
last used.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.organizations.models import Organization
from openpso.submissions.events import SubmissionAction
from openpso.submissions.models import ProviderApiKey
from openpso.submissions.revoke import revoke

SCHEME = "opso"


@dataclass(frozen=True)
class IssuedKey:
    key: ProviderApiKey
    token: str  # shown once, never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_key(*, provider: Organization, name: str, actor: Actor | None) -> IssuedKey:
    """Make a key for `provider`; the returned token is the only copy of the secret."""
    name = name.strip()[:80] or "Provider system"
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        while True:
            prefix = secrets.token_hex(4)
            if not ProviderApiKey.objects.filter(prefix=prefix).exists():
                break
        key = ProviderApiKey.objects.create(
            provider=provider, name=name, prefix=prefix, digest=_digest(secret), created_by=user_row(actor)
        )
        record(
            actor=actor,
            action=SubmissionAction.API_KEY_ISSUED,
            object_type=object_type_of(key),
            object_id=key.pk,
            organization_id=provider.pk,
            purpose="administration",
            detail={"prefix": prefix},
        )
    return IssuedKey(key=key, token=f"{SCHEME}_{prefix}_{secret}")


def revoke_key(*, key: ProviderApiKey, actor: Actor | None) -> None:
    revoke(
        key,
        actor=actor,
        action=SubmissionAction.API_KEY_REVOKED,
        organization_id=key.provider_id,
        purpose="administration",
        detail={"prefix": key.prefix},
    )


def key_for_token(token: str) -> ProviderApiKey | None:
    """The live key this token names, or None (malformed, unknown, wrong secret or revoked)."""
    scheme, _, rest = token.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != SCHEME or not prefix or not secret or len(token) > 200:
        return None
    key = ProviderApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).select_related("provider").first()
    # Compare digests even when there is no key, so timing says nothing about which prefixes exist.
    expected = key.digest if key is not None else _digest("")
    if not hmac.compare_digest(expected, _digest(secret)) or key is None:
        return None
    ProviderApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key
