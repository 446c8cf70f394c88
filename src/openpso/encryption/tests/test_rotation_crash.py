"""`openpso keys rotate` killed with SIGKILL mid-way, then run again, leaves exactly what an
uninterrupted rotation leaves (issue 13 item 10, key rotation; invariant 6).

Each installation is a file SQLite database and a keys dir, used by real `openpso` processes.
One seeded installation (an old one: a Fernet keyring, enc1 and enc2 values, live and history
rows, an audit chain) is copied twice: the reference is rotated once; the other is rotated
with each batch held open (PAUSE_ENV) and killed after its first committed batch, then
rotated again with `--resume`. Both must then hold the same rows, every encrypted value the
same plaintext, enc2 under their active key only, and an intact audit chain.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpso.accounts.mfa_secrets import map_secrets
from openpso.encryption import keyring, rotation
from openpso.encryption.fields import decrypt, parse
from openpso.encryption.tests.legacy import write_legacy_keyring

REPORTS = 30
BATCH = "5"
_SEED = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpso.settings")
import django
django.setup()
from openpso.encryption.tests.legacy import seed_legacy_installation
print(seed_legacy_installation(int(sys.argv[1])))
"""


@dataclass
class Site:
    """One installation: its data dir (SQLite file) and keys dir."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "data" / "openpso.sqlite3"

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # SQLite, on either suite
        env.update(
            OPENPSO_DATA_DIR=str(self.root / "data"),
            OPENPSO_KEYS_DIR=str(self.keys),
            DJANGO_SETTINGS_MODULE="openpso.settings",
            PYTHONUNBUFFERED="1",
            **extra,
        )
        return env

    def run(self, *argv: str) -> str:
        done = subprocess.run(argv, env=self.env(), capture_output=True, text=True, timeout=300, check=False)  # noqa: S603 - our own commands
        assert done.returncode == 0, f"{argv[2:]} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def openpso(self, *args: str) -> str:
        return self.run(sys.executable, "-m", "openpso.cli", *args)

    def copy(self, root: Path) -> Site:
        shutil.copytree(self.root, root)
        return Site(root)

    def ring(self) -> keyring.Keyring:
        return keyring.read_keyring(self.keys / keyring.KEYRING_FILE)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(self.database)) as conn:
            return conn.execute(sql).fetchall()


def _encrypted_columns() -> dict[str, set[str]]:
    return {
        model._meta.db_table: {model._meta.get_field(name).column for name in names}  # type: ignore[misc]
        for model, names in rotation.encrypted_fields()
    }


def _mfa_plaintext(kind: str, data: str, ring: Any, stored_under: set[tuple[str, str]]) -> dict[str, Any]:
    """An authenticator's JSON data with its second-factor secrets decrypted (rotated too)."""

    def opened(stored: str) -> str:
        value = parse(stored)
        stored_under.add((value.version, value.key_id))
        return decrypt(stored, ring=ring)

    return map_secrets(kind, json.loads(data), opened)


def state(site: Site) -> tuple[dict[str, list[tuple[Any, ...]]], set[tuple[str, str]]]:
    """Every row of every table, encrypted values replaced by their plaintext; and the
    (format, key id) pairs the encrypted values are stored under."""
    ring, encrypted = site.ring(), _encrypted_columns()
    tables = [name for (name,) in site.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    rows: dict[str, list[tuple[Any, ...]]] = {}
    stored_under: set[tuple[str, str]] = set()
    with contextlib.closing(sqlite3.connect(site.database)) as conn:
        for table in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')  # noqa: S608 - names from sqlite_master
            columns = [c[0] for c in cursor.description]
            found = []
            for row in cursor:
                values = list(row)
                for i, column in enumerate(columns):
                    if column in encrypted.get(table, ()) and values[i]:
                        value = parse(values[i])
                        stored_under.add((value.version, value.key_id))
                        values[i] = decrypt(values[i], ring=ring)
                    elif (table, column) == ("mfa_authenticator", "data"):
                        values[i] = _mfa_plaintext(values[columns.index("type")], values[i], ring, stored_under)
                found.append(tuple(values))
            rows[table] = found
    return rows, stored_under


def kill_after_first_batch(site: Site, *args: str) -> list[str]:
    """Start `openpso ARGS` with each batch held open, SIGKILL it once a batch has committed."""
    process = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "openpso.cli", *args],
        env=site.env(**{rotation.PAUSE_ENV: "0.3"}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 120
    try:
        for line in process.stdout:
            lines.append(line)
            if "rows so far" in line:
                process.send_signal(signal.SIGKILL)
                break
            assert time.monotonic() < deadline, "no batch committed in time"
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL, f"ended by itself ({process.returncode}):\n{''.join(lines)}"
    return lines


def test_a_rotation_killed_mid_way_and_resumed_ends_as_an_uninterrupted_one(tmp_path: Path) -> None:
    seeded = Site(tmp_path / "seeded")
    seeded.openpso("migrate", "--no-input", "-v", "0")
    old = write_legacy_keyring(seeded.keys)
    enc1_values = int(seeded.run(sys.executable, "-c", _SEED, str(REPORTS)).strip())
    before, stored_before = state(seeded)
    assert enc1_values > REPORTS  # every other row of live and history tables
    assert stored_before == {("enc1", old), ("enc2", old)}
    reference, crashed = seeded.copy(tmp_path / "reference"), seeded.copy(tmp_path / "crashed")

    reference.openpso("keys", "rotate", "--batch-size", BATCH)

    kill_after_first_batch(crashed, "keys", "-v", "2", "rotate", "--batch-size", BATCH)
    new = crashed.ring().active
    assert new != old
    # Killed mid-way: some values are under the new key already, others still under the old.
    _, midway = state(crashed)
    assert ("enc2", new) in midway
    assert midway & {("enc1", old), ("enc2", old)}
    crashed.openpso("keys", "rotate", "--resume", "--batch-size", BATCH)

    for site in (reference, crashed):
        after, stored_after = state(site)
        assert after == before  # same rows, same columns, every value the same plaintext
        assert stored_after == {("enc2", site.ring().active)}
        assert site.openpso("audit", "verify").startswith("audit chain intact")
        assert "values to re-encrypt: 0\n" in site.openpso("keys", "status")
    assert state(reference)[0] == state(crashed)[0]
