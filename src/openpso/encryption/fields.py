"""`EncryptedTextField`: narratives and identifiers stored only as ciphertext (invariant 6).

Stored form: ``enc1:<key id>:<Fernet token>``. Fernet is AES-128-CBC with HMAC-SHA256,
so a tampered value fails to decrypt instead of yielding altered text. History tables
made by django-simple-history copy this field class, so they hold ciphertext too.
Encrypted values cannot be searched or indexed; de-identified copies live elsewhere.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken
from django.db import models

from openpso.encryption.keyring import load_keyring

PREFIX = "enc1"


class DecryptionError(ValueError):
    pass


def encrypt(plaintext: str) -> str:
    ring = load_keyring()
    token = ring.fernet(ring.active).encrypt(plaintext.encode("utf-8")).decode("ascii")
    return f"{PREFIX}:{ring.active}:{token}"


def key_id_of(stored: str) -> str:
    prefix, key_id, _ = stored.split(":", 2)
    if prefix != PREFIX:
        raise DecryptionError("value is not OpenPSO ciphertext")
    return key_id


def decrypt(stored: str) -> str:
    try:
        prefix, key_id, token = stored.split(":", 2)
    except ValueError:
        raise DecryptionError("value is not OpenPSO ciphertext") from None
    if prefix != PREFIX:
        raise DecryptionError("value is not OpenPSO ciphertext")
    try:
        return load_keyring().fernet(key_id).decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise DecryptionError(f"ciphertext under key {key_id!r} failed its integrity check") from None


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text field whose database column only ever holds ciphertext."""

    description = "Text encrypted at rest"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            # An empty field says nothing; keeping it empty keeps "blank" queries working.
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"isnull", "exact"}:
            return None  # contains/startswith on ciphertext would silently match nothing
        return super().get_lookup(lookup_name)
