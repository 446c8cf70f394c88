"""Data-encryption keys, kept in OPENPSO_KEYS_DIR, apart from the database and SECRET_KEY.

The keyring is one JSON file, `keyring.json`, readable only by its owner:
``{"active": "<key id>", "keys": {"<key id>": {"alg": "aes-256-gcm", "key": "<base64url>"}}}``.
New keys are 256-bit AES-GCM keys (docs/decisions/0015-aead-field-encryption.md). Keys made
before that are Fernet keys: they are kept, and read, as ``{"alg": "fernet", "key": ...}``,
and a keyring written before the format named its algorithms (``"<key id>": "<Fernet key>"``)
still loads. Every ciphertext names the key that made it, so old keys keep decrypting until
`openpso keys rotate` has re-encrypted everything under the new active key (invariant 6).

Losing a key loses every value encrypted under it, so each write is atomic, durable
(file and directory fsynced) and serialised across processes by a lock file.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import secrets
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from openpso.lib.durable import fsync_dir

KEYRING_FILE = "keyring.json"
LOCK_FILE = ".keyring.lock"
AES_GCM = "aes-256-gcm"  # every key made since docs/decisions/0015-aead-field-encryption.md
FERNET = "fernet"  # keys made before it: still read, never generated
ALGORITHMS = (AES_GCM, FERNET)
# Key separation: an AES key derived from a still-active Fernet key is used for nothing else.
_FROM_FERNET = b"openpso field encryption: enc2 AES-256-GCM key from a Fernet key"
_lock = threading.Lock()
# Keyed by directory; the stamp (mtime, inode, size) notices a keyring rewritten by
# another process (e.g. `openpso keys rotate` while the web workers run).
# Keyed by the directory as a string: `load_keyring` runs for every encrypted value, and
# building and hashing Path objects there cost more than the AES-GCM itself.
_cache: dict[str, tuple[tuple[int, int, int], Keyring]] = {}


@dataclass(frozen=True)
class DataKey:
    """One key: its algorithm and its material as the keyring file holds it (base64url)."""

    alg: str
    material: str = field(repr=False)  # never in a traceback or a log line

    def aes_key(self) -> bytes:
        """The 256-bit AES-GCM key this entry encrypts `enc2` values with.

        A Fernet key that is still the active one (a keyring from before 0015, not yet
        rotated) gets an AES key derived from it with HKDF-SHA256, so new values are written
        without a clear timestamp from the moment the software is upgraded; `openpso keys
        rotate` then moves everything to a key generated for AES-GCM.
        """
        raw = base64.urlsafe_b64decode(self.material)
        if self.alg == AES_GCM:
            return raw
        return HKDF(algorithm=SHA256(), length=32, salt=None, info=_FROM_FERNET).derive(raw)


@dataclass(frozen=True)
class Keyring:
    active: str
    keys: dict[str, DataKey]
    # One cipher per key for this keyring's life: a changed file is a new Keyring (see
    # `load_keyring`), so a cached cipher never outlives its key. Building one per value cost
    # bulk imports a base64 decode (or an HKDF) and an object per encrypted field.
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, init=False, repr=False, compare=False)

    def key(self, key_id: str) -> DataKey:
        try:
            return self.keys[key_id]
        except KeyError:
            raise KeyMissingError(key_id) from None

    def aesgcm(self, key_id: str) -> AESGCM:
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            cipher = self._ciphers[key_id] = AESGCM(self.key(key_id).aes_key())
        return cipher

    def fernet(self, key_id: str) -> Fernet:
        """The Fernet cipher of a pre-0015 key, for reading `enc1` values only."""
        key = self.key(key_id)
        if key.alg != FERNET:
            raise WrongAlgorithmError(key_id, key.alg)
        return Fernet(key.material.encode())

    def is_fernet(self, key_id: str) -> bool:
        return self.key(key_id).alg == FERNET

    def to_json(self) -> dict[str, Any]:
        keys = {key_id: {"alg": key.alg, "key": key.material} for key_id, key in self.keys.items()}
        return {"active": self.active, "keys": keys}


class KeyMissingError(LookupError):
    def __init__(self, key_id: str) -> None:
        super().__init__(f"encryption key {key_id!r} is not in the keyring ({keys_dir()})")
        self.key_id = key_id


class WrongAlgorithmError(ValueError):
    def __init__(self, key_id: str, alg: str) -> None:
        super().__init__(f"encryption key {key_id!r} is an {alg} key, not a Fernet key")
        self.key_id = key_id


def keys_dir() -> Path:
    return Path(settings.KEYS_DIR)


def new_key_id() -> str:
    return "k" + secrets.token_hex(4)


def new_key() -> DataKey:
    material = base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode("ascii")
    return DataKey(alg=AES_GCM, material=material)


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
            json.dump(ring.to_json(), handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            os.link(tmp, target)  # atomic and refuses to replace: first creator wins
        else:
            os.replace(tmp, target)  # atomic: a crash never leaves a half-written keyring
        # Durable before any value is encrypted under the new key.
        fsync_dir(directory)
    finally:
        tmp.unlink(missing_ok=True)
    _cache.pop(str(directory), None)


def create_keyring(directory: Path | None = None) -> Keyring:
    directory = directory or keys_dir()
    key_id = new_key_id()
    ring = Keyring(active=key_id, keys={key_id: new_key()})
    try:
        _write(directory, ring, exclusive=True)
    except FileExistsError:
        raise ImproperlyConfigured(f"a keyring already exists in {directory}") from None
    return ring


def _data_key(entry: Any) -> DataKey:
    if isinstance(entry, str):
        return DataKey(alg=FERNET, material=entry)  # a keyring from before algorithms were named
    return DataKey(alg=str(entry["alg"]), material=str(entry["key"]))


def _check(path: Path, key_id: str, key: DataKey) -> None:
    """Fail at start-up, naming the key, rather than mid-request on a damaged file."""
    if key.alg not in ALGORITHMS:
        raise ImproperlyConfigured(f"{path}: key {key_id!r} has unknown algorithm {key.alg!r}")
    try:
        if key.alg == FERNET:
            Fernet(key.material.encode())
        elif len(base64.urlsafe_b64decode(key.material.encode())) != 32:
            raise ValueError("not 256 bits")
    except ValueError:
        name = "Fernet" if key.alg == FERNET else "AES-256"
        raise ImproperlyConfigured(f"{path}: key {key_id!r} is not a valid {name} key") from None


def read_keyring(path: Path) -> Keyring:
    """Parse one keyring file (this deployment's, or a copy kept with a backup)."""
    try:
        raw = json.loads(path.read_text())
        ring = Keyring(active=str(raw["active"]), keys={str(k): _data_key(v) for k, v in raw["keys"].items()})
    except (ValueError, KeyError, AttributeError, TypeError) as exc:
        raise ImproperlyConfigured(f"{path} is not a valid keyring: {exc}") from None
    if ring.active not in ring.keys:
        raise ImproperlyConfigured(f"{path}: active key {ring.active!r} is not in its keys")
    for key_id, key in ring.keys.items():
        _check(path, key_id, key)
    return ring


def load_keyring() -> Keyring:
    raw_dir = str(settings.KEYS_DIR)
    path = os.path.join(raw_dir, KEYRING_FILE)
    with _lock:
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            directory = Path(raw_dir)
            if getattr(settings, "PRODUCTION", False):
                raise ImproperlyConfigured(
                    f"no keyring in OPENPSO_KEYS_DIR={directory}; create one with `openpso keys init`"
                ) from None
            try:
                return create_keyring(directory)
            except ImproperlyConfigured:
                pass  # another process created it a moment ago: use theirs
            stat = os.stat(path)
        stamp = (stat.st_mtime_ns, stat.st_ino, stat.st_size)
        cached = _cache.get(raw_dir)
        if cached and cached[0] == stamp:
            return cached[1]
        ring = read_keyring(Path(path))
        _cache[raw_dir] = (stamp, ring)
        return ring


def add_active_key() -> Keyring:
    """Generate a new key and make it the one new ciphertext is written with."""
    directory = keys_dir()
    with _exclusive(directory):
        ring = load_keyring()
        key_id = new_key_id()
        updated = Keyring(active=key_id, keys={**ring.keys, key_id: new_key()})
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
