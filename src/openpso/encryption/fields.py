"""`EncryptedTextField`: narratives and identifiers stored only as ciphertext (invariant 6).

Stored form: ``enc1:<key id>:<Fernet token>``. Fernet is AES-128-CBC with HMAC-SHA256,
so a tampered value fails to decrypt instead of yielding altered text. History tables
made by django-simple-history copy this field class, so they hold ciphertext too.
Encrypted values cannot be searched or indexed; de-identified copies live elsewhere.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import InvalidToken
from django.core.exceptions import FieldError, ValidationError
from django.db import models
from django.db.models.lookups import Exact

from openpso.encryption.keyring import Keyring, load_keyring

PREFIX = "enc1"


class DecryptionError(ValueError):
    pass


def encrypt(plaintext: str, *, ring: Keyring | None = None) -> str:
    ring = ring or load_keyring()
    token = ring.fernet(ring.active).encrypt(plaintext.encode("utf-8")).decode("ascii")
    return f"{PREFIX}:{ring.active}:{token}"


def _split(stored: str) -> tuple[str, str]:
    # Messages never quote the stored value: it may be plaintext written by mistake.
    prefix, sep, rest = stored.partition(":")
    key_id, sep2, token = rest.partition(":")
    if prefix != PREFIX or not sep or not sep2 or not key_id:
        raise DecryptionError("value is not OpenPSO ciphertext")
    return key_id, token


def key_id_of(stored: str) -> str:
    return _split(stored)[0]


def decrypt(stored: str, *, ring: Keyring | None = None) -> str:
    key_id, token = _split(stored)
    fernet = (ring or load_keyring()).fernet(key_id)  # KeyMissingError names the key
    try:
        return fernet.decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise DecryptionError(f"ciphertext under key {key_id!r} failed its integrity check") from None


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
