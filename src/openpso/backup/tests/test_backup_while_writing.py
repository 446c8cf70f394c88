"""A backup taken while the application writes is one moment: restored, it matches its own
manifest exactly (counts, audit chain), though rows kept arriving before and after it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from openpso.backup.manifest import Manifest
from openpso.reporting.models import EventReport

from .conftest import Fresh
from .test_restore_drill import back_up

pytestmark = pytest.mark.django_db(transaction=True)

# Appends audit events (each a transaction that also moves the chain head) until told to stop.
WRITER = """
import os
from openpso.audit.trail import record
n = 0
while not os.path.exists(os.environ["DRILL_STOP"]) or n < 5:
    record(actor=None, action="drill.written", object_type="drill", object_id=n)
    n += 1
    if n == 5:
        print("writing", flush=True)
print(n, flush=True)
"""


def audit_count(live: Fresh) -> int:
    out = live.openpso("audit", "verify")
    assert out.returncode == 0, out.stderr
    return int(out.stdout.split()[3])


def test_a_backup_taken_while_audit_events_are_written_restores_to_exactly_its_manifest(
    filed: list[EventReport], tmp_path: Path, make_fresh: Callable[[str], Fresh]
) -> None:
    backup, keys, _ = back_up(tmp_path)
    live = make_fresh("live")  # a running installation on a real file or server database
    assert live.openpso("restore", str(backup), "--keys-from", str(keys)).returncode == 0
    before = audit_count(live)
    stop = tmp_path / "stop-writing"
    writer = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "openpso.cli", "shell", "--no-imports", "-c", WRITER],
        env={**live.env, "DRILL_STOP": str(stop)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "writing"
        taken = live.openpso("backup", str(tmp_path / "during"), "--keys-to", str(tmp_path / "during-keys"))
    finally:
        stop.touch()
        written, _ = writer.communicate(timeout=120)
    assert taken.returncode == 0, taken.stderr
    after = audit_count(live)
    manifest = Manifest.read(tmp_path / "during")
    # Every event the writer appended, and the one saying the backup was made.
    assert before < manifest.audit.events < after == before + int(written.split()[-1]) + 1

    copy = make_fresh("copy")
    restored = copy.openpso("restore", str(tmp_path / "during"), "--keys-from", str(tmp_path / "during-keys"))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "restore verified" in restored.stdout
    assert f"audit chain intact: {manifest.audit.events} events" in restored.stdout
