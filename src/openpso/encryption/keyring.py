"""Data-encryption keys, kept in OPENPSO_KEYS_DIR, apart from the database and SECRET_KEY.

The keyring is one JSON file, `keyring.json`, readable only by its owner:
``{"active": "<key id>", "keys": {"<key id>": "<Fernet key>", ...}}``. Every ciphertext
names the key that made it, so old keys keep decrypting until `openpso keys rotate` has
re-encrypted everything under the new active key (invariant 6).

Losing a key loses every value encrypted under it, so each write is atomic, durable
(file and directory fsynced) and serialised across processes by a lock file.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEYRING_FILE = "keyring.json"
LOCK_FILE = ".keyring.lock"
_lock = threading.Lock()
# Keyed by directory; the stamp (mtime, inode, size) notices a keyring rewritten by
# another process (e.g. `openpso keys rotate` while the web workers run).
_cache: dict[Path, tuple[tuple[int, int, int], Keyring]] = {}


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


@contextlib.contextmanager
def _exclusive(directory: Path) -> Iterator[None]:
    """Serialise keyring changes across processes: two concurrent rotations must not
    each add a key and have the second write drop the first one's key."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write(directory: Path, ring: Keyring, *, exclusive: bool = False) -> None:
    """Write the keyring atomically; with `exclusive`, fail if one already exists."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    target = directory / KEYRING_FILE
    # A unique temporary name: concurrent writers never interleave in one file.
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=KEYRING_FILE + ".", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"active": ring.active, "keys": ring.keys}, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            os.link(tmp, target)  # atomic and refuses to replace: first creator wins
        else:
            os.replace(tmp, target)  # atomic: a crash never leaves a half-written keyring
        # Durable before any value is encrypted under the new key.
        _fsync_dir(directory)
    finally:
        tmp.unlink(missing_ok=True)
    _cache.pop(directory, None)


def create_keyring(directory: Path | None = None) -> Keyring:
    directory = directory or keys_dir()
    key_id = new_key_id()
    ring = Keyring(active=key_id, keys={key_id: Fernet.generate_key().decode()})
    try:
        _write(directory, ring, exclusive=True)
    except FileExistsError:
        raise ImproperlyConfigured(f"a keyring already exists in {directory}") from None
    return ring


def _read(path: Path) -> Keyring:
    try:
        raw = json.loads(path.read_text())
        ring = Keyring(active=str(raw["active"]), keys={str(k): str(v) for k, v in raw["keys"].items()})
    except (ValueError, KeyError, AttributeError, TypeError) as exc:
        raise ImproperlyConfigured(f"{path} is not a valid keyring: {exc}") from None
    if ring.active not in ring.keys:
        raise ImproperlyConfigured(f"{path}: active key {ring.active!r} is not in its keys")
    for key_id in ring.keys:
        try:
            ring.fernet(key_id)
        except ValueError:
            # Checked here so a damaged file fails at start-up, naming the key, not mid-request.
            raise ImproperlyConfigured(f"{path}: key {key_id!r} is not a valid Fernet key") from None
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
            try:
                return create_keyring(directory)
            except ImproperlyConfigured:
                pass  # another process created it a moment ago: use theirs
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_ino, stat.st_size)
        cached = _cache.get(directory)
        if cached and cached[0] == stamp:
            return cached[1]
        ring = _read(path)
        _cache[directory] = (stamp, ring)
        return ring


def add_active_key() -> Keyring:
    """Generate a new key and make it the one new ciphertext is written with."""
    directory = keys_dir()
    with _exclusive(directory):
        ring = load_keyring()
        key_id = new_key_id()
        updated = Keyring(active=key_id, keys={**ring.keys, key_id: Fernet.generate_key().decode()})
        _write(directory, updated)
    return updated


def remove_key(key_id: str) -> Keyring:
    directory = keys_dir()
    with _exclusive(directory):
        ring = load_keyring()
        if key_id == ring.active:
            raise ValueError("the active key cannot be removed")
        if key_id not in ring.keys:
            raise KeyMissingError(key_id)
        updated = Keyring(active=ring.active, keys={k: v for k, v in ring.keys.items() if k != key_id})
        _write(directory, updated)
    return updated
