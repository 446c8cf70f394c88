"""The backup's manifest: what a backup holds, so a restore can prove it got all of it back.

`manifest.json` sits at the top of the backup folder and is written last (a folder without one
is an unfinished backup). It records the sha256 of every file, the row count of every table,
the audit chain's head, the migrations applied and the app version; the key files are listed by
sha256 only, because they are stored apart (invariant 6: a data backup holds only ciphertext).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from openpso.lib.durable import fsync_dir

MANIFEST = "manifest.json"
FORMAT = "openpso-backup/1"
KEYS_MANIFEST = "keys-manifest.json"
KEYS_FORMAT = "openpso-backup-keys/1"
_CHUNK = 1 << 20


class ManifestError(ValueError):
    """The backup folder has no usable manifest."""


@dataclass(frozen=True)
class AuditHead:
    events: int  # rows in the audit table
    head_seq: int  # the row the chain head names
    head_hash: str  # that row's hash: equal heads mean equal chains


@dataclass
class Manifest:
    created_at: str
    app_version: str
    vendor: str  # "sqlite" or "postgresql"
    database_file: str  # relative to the backup folder
    tables: dict[str, int]
    audit: AuditHead
    migrations: dict[str, list[str]]
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256
    keys: dict[str, str] | None = None  # key file name -> sha256; None: taken without keys
    format: str = FORMAT

    def as_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        if not path.is_file():
            raise ManifestError(f"{path} not found: not an OpenPSO backup, or the backup did not finish")
        try:
            raw: dict[str, Any] = json.loads(path.read_text())
            if raw.get("format") != FORMAT:
                raise ManifestError(f"{path}: format {raw.get('format')!r} is not {FORMAT!r}")
            raw["audit"] = AuditHead(**raw["audit"])
            return cls(**raw)
        except (ValueError, TypeError, KeyError) as exc:
            if isinstance(exc, ManifestError):
                raise
            raise ManifestError(f"{path} is not a valid manifest: {exc}") from None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_atomically(path: Path, text: str, *, mode: int = 0o600) -> None:
    """Write, fsync and rename, so a crash never leaves a half-written manifest that looks whole."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def mismatched(folder: Path, expected: dict[str, str]) -> list[str]:
    """Every listed file that is missing or whose sha256 differs, each with the reason."""
    problems = []
    for name, digest in sorted(expected.items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif sha256_of(path) != digest:
            problems.append(f"{path}: sha256 differs from the manifest (damaged or altered)")
    return problems
