"""The second-factor secrets django-allauth keeps inside `mfa_authenticator.data`, as ciphertext.

allauth stores a TOTP authenticator's shared secret (`data["secret"]`) and the recovery codes'
seed (`data["seed"]`, or the codes themselves, `data["migrated_codes"]`, for codes carried
over from an older library) through its adapter's encrypt()/decrypt(), which do nothing unless
overridden: a copy of the database was enough to mint valid codes. `MfaAdapter` seals them
with the field encryption (AES-256-GCM, keys in the keyring, apart from SECRET_KEY and the
database), and decrypts strictly: a clear value is an error, not a secret. Rows written before
are sealed by the accounts migration 0002.

allauth's JSON column is not an EncryptedTextField, so `openpso keys rotate` would not find
these values by walking the models; `MfaSecretStore` hands them to it (registered in
AccountsConfig.ready), so rotation re-encrypts them, `keys status` counts them and `keys
retire` refuses to drop a key they still need.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from django.apps import apps
from django.db import models, router, transaction

from openpso.encryption import fields
from openpso.encryption.keyring import KeyMissingError, Keyring
from openpso.encryption.rotation import NOT_CIPHERTEXT, Failure, TableCount

# Per authenticator type: the keys of `data` holding one secret, and those holding a list of them.
_SINGLE = {"totp": ("secret",), "recovery_codes": ("seed",)}
_LISTS = {"recovery_codes": ("migrated_codes",)}


def secret_values(kind: str, data: Mapping[str, Any]) -> list[str]:
    """Every secret an authenticator's data holds, as stored."""
    found = [data[k] for k in _SINGLE.get(kind, ()) if isinstance(data.get(k), str)]
    for k in _LISTS.get(kind, ()):
        found += [v for v in data.get(k) or () if isinstance(v, str)]
    return found


def map_secrets(kind: str, data: Mapping[str, Any], change: Callable[[str], str]) -> dict[str, Any]:
    """A copy of `data` with `change` applied to each secret; everything else (the used-code
    mask, allauth's own fields) is kept as is."""
    out = dict(data)
    for k in _SINGLE.get(kind, ()):
        if isinstance(out.get(k), str):
            out[k] = change(out[k])
    for k in _LISTS.get(kind, ()):
        if isinstance(out.get(k), list):
            out[k] = [change(v) if isinstance(v, str) else v for v in out[k]]
    return out


def is_ciphertext(stored: str) -> bool:
    try:
        fields.parse(stored)
    except fields.DecryptionError:
        return False
    return True


class MfaAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    """allauth's MFA adapter with its secrets sealed under the keyring (settings.MFA_ADAPTER)."""

    def encrypt(self, text: str) -> str:
        return fields.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        # Strict: a clear secret raises DecryptionError (migration 0002 sealed the old rows),
        # so a value written into the table by hand is never taken as a secret.
        return fields.decrypt(encrypted_text)


def _authenticators() -> type[models.Model]:
    return apps.get_model("mfa", "Authenticator")


class MfaSecretStore:
    """`openpso keys rotate`'s view of the secrets in `mfa_authenticator.data` (rotation.register_store)."""

    def __init__(self) -> None:
        self.table = _authenticators()._meta.db_table

    def reencrypt(self, ring: Keyring, *, batch_size: int) -> tuple[TableCount, list[Failure]]:
        model = _authenticators()
        using = router.db_for_write(model)
        active = f"{fields.PREFIX}:{ring.active}:"
        count, failures = TableCount(self.table), list[Failure]()
        after: Any = None
        while True:
            # One transaction per batch, rows held (PostgreSQL) so a code marked used meanwhile
            # is not overwritten with the old mask; a crash leaves every value readable.
            with transaction.atomic(using=using):
                qs = model._base_manager.using(using).order_by("pk")
                if after is not None:
                    qs = qs.filter(pk__gt=after)
                rows = list(qs.select_for_update().values_list("pk", "type", "data")[:batch_size])
                for pk, kind, data in rows:
                    fresh, changed, failed = self._reseal(ring, active, kind, data or {})
                    failures += [Failure(self.table, str(pk), f"data ({kind})", reason) for reason in failed]
                    if changed:
                        model._base_manager.using(using).filter(pk=pk).update(data=fresh)
                        count.rows += 1
                        count.values += changed
            if len(rows) < batch_size:
                return count, failures
            after = rows[-1][0]

    @staticmethod
    def _reseal(
        ring: Keyring, active: str, kind: str, data: Mapping[str, Any]
    ) -> tuple[dict[str, Any], int, list[str]]:
        """`data` with each secret not under the active key re-encrypted; how many; the failures' reasons."""
        changed, failed = 0, list[str]()

        def reseal(stored: str) -> str:
            nonlocal changed
            if stored.startswith(active):
                return stored
            try:
                value = fields.encrypt(fields.decrypt(stored, ring=ring), ring=ring)
            except (fields.DecryptionError, KeyMissingError) as exc:
                failed.append(str(exc))  # names keys, never the value
                return stored
            changed += 1
            return value

        return map_secrets(kind, data, reseal), changed, failed

    def usage(self, ring: Keyring) -> Counter[tuple[str, str]]:
        model = _authenticators()
        counts: Counter[tuple[str, str]] = Counter()
        rows = model._base_manager.using(router.db_for_read(model)).values_list("type", "data")
        for kind, data in rows.iterator(chunk_size=2000):
            for stored in secret_values(kind, data or {}):
                try:
                    value = fields.parse(stored)
                    counts[(value.key_id, value.version)] += 1
                except fields.DecryptionError:
                    counts[(NOT_CIPHERTEXT, "")] += 1
        return counts
