"""`EncryptedTextField`: narratives and identifiers stored only as ciphertext (invariant 6).

Stored form: ``enc2:<key id>:<base64url(nonce || ciphertext || tag)>`` — AES-256-GCM with a
random 96-bit nonce, the format version and key id bound as associated data, so a tampered
or relabelled value fails to decrypt instead of yielding altered text. Nothing else is in
it: no time (docs/decisions/0015-aead-field-encryption.md; the `enc1` Fernet tokens written
before carried the second they were made in clear, and are still read until `openpso keys
rotate` has replaced them). History tables made by django-simple-history copy this field
class, so they hold ciphertext too. Encrypted values cannot be searched or indexed;
de-identified copies live elsewhere.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.fernet import InvalidToken
from django.core.exceptions import FieldError, ValidationError
from django.db import models
from django.db.models.lookups import Exact

from openpso.encryption.keyring import Keyring, WrongAlgorithmError, load_keyring

PREFIX = "enc2"  # AES-256-GCM: every value written
LEGACY_PREFIX = "enc1"  # Fernet, read only: its token holds its creation time in clear
FORMATS = (PREFIX, LEGACY_PREFIX)
NONCE_BYTES = 12  # 96 bits, random per value (NIST SP 800-38D 8.2.2)
TAG_BYTES = 16


class DecryptionError(ValueError):
    pass


@dataclass(frozen=True)
class StoredValue:
    """A stored value split into its parts; `body` is still encoded."""

    version: str
    key_id: str
    body: str

    def sealed(self) -> bytes:
        """The decoded body: for enc2, nonce || ciphertext || tag and nothing else."""
        try:
            return base64.urlsafe_b64decode(self.body + "=" * (-len(self.body) % 4))
        except (binascii.Error, ValueError):
            raise DecryptionError(f"ciphertext under key {self.key_id!r} is not base64") from None


def associated_data(key_id: str) -> bytes:
    """What a GCM tag binds besides the text: the format and the key id, nothing row-specific,
    since history rows copy values and rotation rewrites them in place (0015)."""
    return f"{PREFIX}:{key_id}".encode("ascii")


def encrypt(plaintext: str, *, ring: Keyring | None = None) -> str:
    ring = ring or load_keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.aesgcm(ring.active).encrypt(nonce, plaintext.encode("utf-8"), associated_data(ring.active))
    body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
    return f"{PREFIX}:{ring.active}:{body}"


def parse(stored: str) -> StoredValue:
    # Messages never quote the stored value: it may be plaintext written by mistake.
    version, sep, rest = stored.partition(":")
    key_id, sep2, body = rest.partition(":")
    if version not in FORMATS or not sep or not sep2 or not key_id or not body:
        raise DecryptionError("value is not OpenPSO ciphertext")
    return StoredValue(version, key_id, body)


def key_id_of(stored: str) -> str:
    return parse(stored).key_id


def decrypt(stored: str, *, ring: Keyring | None = None) -> str:
    value = parse(stored)
    ring = ring or load_keyring()
    failed = DecryptionError(f"ciphertext under key {value.key_id!r} failed its integrity check")
    if value.version == LEGACY_PREFIX:
        try:
            fernet = ring.fernet(value.key_id)  # KeyMissingError names the key
        except WrongAlgorithmError as exc:
            raise DecryptionError(str(exc)) from None
        try:
            return fernet.decrypt(value.body.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise failed from None
    cipher = ring.aesgcm(value.key_id)  # KeyMissingError names the key
    sealed = value.sealed()
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise failed
    try:
        plain = cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated_data(value.key_id))
        return plain.decode("utf-8")
    except (InvalidTag, UnicodeError):
        raise failed from None


class EncryptedExact(Exact):  # type: ignore[type-arg]
    """`field=""` only: equality with anything else would compare against a freshly
    randomised ciphertext and silently match nothing."""

    def get_prep_lookup(self) -> Any:
        if self.rhs != "":
            raise FieldError(
                f"{self.lhs.output_field.name}: encrypted fields can only be compared with '' "
                "(ciphertext is randomised, so equality with a value never matches)"
            )
        return super().get_prep_lookup()


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
        # contains/startswith/in on ciphertext would silently match nothing; returning
        # None makes Django raise FieldError("Unsupported lookup ...") instead.
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None  # lower/unaccent/trigram on ciphertext are meaningless too


class EncryptedJSONField(EncryptedTextField):
    """JSON (a dict of form answers, say) stored as one encrypted text value.

    Python-side values are dicts/lists; the column holds ciphertext of their canonical JSON,
    so key rotation treats it like any other encrypted text.
    """

    description = "JSON encrypted at rest"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        if text is None or text == "":
            return self.get_default()
        return json.loads(text)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value:
            try:
                return json.loads(value)
            except ValueError:
                raise ValidationError("not valid JSON", code="invalid") from None
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if value in ({}, []):
            return ""  # as with text: an empty value says nothing, so it is stored empty
        # Straight to encrypt(): TextField's own preparation would run to_python on the JSON.
        return encrypt(json.dumps(value, sort_keys=True, separators=(",", ":")))

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), sort_keys=True)
