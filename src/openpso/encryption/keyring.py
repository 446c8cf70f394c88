"""Data-encryption keys, kept in OPENPSO_KEYS_DIR, apart from the database and SECRET_KEY.

The keyring is one JSON file, `keyring.json`, readable only by its owner:
``{"active": "<key id>", "keys": {"<key id>": "<Fernet key>", ...}}``. Every ciphertext
names the key that made it, so old keys keep decrypting until `openpso keys rotate` has
re-encrypted everything under the new active key (invariant 6).
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEYRING_FILE = "keyring.json"
_lock = threading.Lock()
_cache: dict[Path, tuple[float, Keyring]] = {}


@dataclass(frozen=True)
class Keyring:
    active: str
    keys: dict[str, str]

    def fernet(self, key_id: str) -> Fernet:
        try:
            return Fernet(self.keys[key_id].encode())
        except KeyError:
            raise KeyMissingError(key_id) from None


class KeyMissingError(LookupError):
    def __init__(self, key_id: str) -> None:
        super().__init__(f"encryption key {key_id!r} is not in the keyring ({keys_dir()})")
        self.key_id = key_id


def keys_dir() -> Path:
    return Path(settings.KEYS_DIR)


def new_key_id() -> str:
    return "k" + secrets.token_hex(4)


def _write(directory: Path, ring: Keyring) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    target = directory / KEYRING_FILE
    tmp = directory / (KEYRING_FILE + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"active": ring.active, "keys": ring.keys}, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)  # atomic: a crash never leaves a half-written keyring
    _cache.pop(directory, None)


def create_keyring(directory: Path | None = None) -> Keyring:
    directory = directory or keys_dir()
    if (directory / KEYRING_FILE).exists():
        raise ImproperlyConfigured(f"a keyring already exists in {directory}")
    key_id = new_key_id()
    ring = Keyring(active=key_id, keys={key_id: Fernet.generate_key().decode()})
    _write(directory, ring)
    return ring


def load_keyring() -> Keyring:
    directory = keys_dir()
    path = directory / KEYRING_FILE
    with _lock:
        if not path.exists():
            if getattr(settings, "PRODUCTION", False):
                raise ImproperlyConfigured(
                    f"no keyring in OPENPSO_KEYS_DIR={directory}; create one with `openpso keys init`"
                )
            return create_keyring(directory)
        mtime = path.stat().st_mtime
        cached = _cache.get(directory)
        if cached and cached[0] == mtime:
            return cached[1]
        try:
            raw = json.loads(path.read_text())
            ring = Keyring(active=str(raw["active"]), keys={str(k): str(v) for k, v in raw["keys"].items()})
        except (ValueError, KeyError, AttributeError) as exc:
            raise ImproperlyConfigured(f"{path} is not a valid keyring: {exc}") from None
        if ring.active not in ring.keys:
            raise ImproperlyConfigured(f"{path}: active key {ring.active!r} is not in its keys")
        _cache[directory] = (mtime, ring)
        return ring


def add_active_key() -> Keyring:
    """Generate a new key and make it the one new ciphertext is written with."""
    ring = load_keyring()
    key_id = new_key_id()
    updated = Keyring(active=key_id, keys={**ring.keys, key_id: Fernet.generate_key().decode()})
    _write(keys_dir(), updated)
    return updated


def remove_key(key_id: str) -> Keyring:
    ring = load_keyring()
    if key_id == ring.active:
        raise ValueError("the active key cannot be removed")
    if key_id not in ring.keys:
        raise KeyMissingError(key_id)
    updated = Keyring(active=ring.active, keys={k: v for k, v in ring.keys.items() if k != key_id})
    _write(keys_dir(), updated)
    return updated
