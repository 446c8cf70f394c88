"""Copying the lake and the keys into a backup and back, never anything half-written.

Dotfiles are left out everywhere: they are locks (`.refresh.lock`, `.keyring.lock`) and the
temporary names files are written under before `os.replace` moves them into place.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from openpso.lib.durable import fsync_dir

Say = Callable[[str], None]
# File names, not secrets: development's SECRET_KEY beside the data (settings._secret_key), and
# the name it gets among the backed-up keys.
SECRET_KEY_FILE = ".secret_key"  # noqa: S105
SECRET_KEY_COPY = "secret_key"  # noqa: S105
_EVERY = 200  # files between two progress lines


def visible_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not path.is_symlink() and not any(part.startswith(".") for part in relative.parts):
            found.append(path)
    return found


def copy_file(source: Path, target: Path) -> None:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)
    with target.open("rb+") as handle:
        os.fsync(handle.fileno())


def copy_tree(source: Path, target: Path, *, label: str, say: Say) -> list[Path]:
    """Copy every visible file under `source` to `target`; return the copies."""
    files = visible_files(source)
    copies = []
    for done, path in enumerate(files, start=1):
        copy = target / path.relative_to(source)
        copy_file(path, copy)
        copies.append(copy)
        if done % _EVERY == 0:
            say(f"  {label}: {done}/{len(files)} files")
    for folder in {copy.parent for copy in copies}:
        fsync_dir(folder)
    return copies


def install_file(source: Path, target: Path) -> None:
    """Copy under a temporary name and rename: a reader sees the old file or the whole new one."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.restoring")
    try:
        copy_file(source, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(target.parent)


def key_sources() -> dict[str, Path]:
    """The secrets the data needs, by the name they get in the keys backup: the keyring and the
    pseudonym key from OPENPSO_KEYS_DIR, and development's SECRET_KEY file (anonymous receipt
    codes are looked up by an HMAC keyed from SECRET_KEY, reporting/channel/receipts.py)."""
    keys = Path(settings.KEYS_DIR)
    sources = {path.name: path for path in visible_files(keys) if path.parent == keys}
    secret = Path(settings.DATA_DIR) / SECRET_KEY_FILE
    if secret.is_file():
        sources[SECRET_KEY_COPY] = secret
    return sources


def key_destination(name: str) -> Path:
    if name == SECRET_KEY_COPY:
        return Path(settings.DATA_DIR) / SECRET_KEY_FILE
    return Path(settings.KEYS_DIR) / name
