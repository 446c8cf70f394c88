"""A restore refuses, before writing anything, a damaged backup, missing or foreign keys and
targets that already hold data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from openpso.backup.manifest import MANIFEST
from openpso.reporting.models import EventReport

from .conftest import Fresh
from .test_restore_drill import back_up

pytestmark = pytest.mark.django_db(transaction=True)


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_restore_of_a_backup_with_a_damaged_lake_file_is_refused_naming_the_file(
    filed: list[EventReport], tmp_path: Path, fresh: Fresh
) -> None:
    backup, keys, _ = back_up(tmp_path)
    damaged = sorted((backup / "lake").rglob("*.parquet"))[0]
    damage(damaged)
    restored = fresh.openpso("restore", str(backup), "--keys-from", str(keys))
    assert restored.returncode != 0
    assert f"{damaged}: sha256 differs from the manifest" in restored.stderr
    assert "nothing was restored" in restored.stderr
    assert not (fresh.data_dir / "lake").exists()
    assert not (fresh.keys_dir / "keyring.json").exists()


def test_a_restore_of_a_backup_with_a_damaged_database_file_is_refused_naming_the_file(
    filed: list[EventReport], tmp_path: Path
) -> None:
    backup, keys, _ = back_up(tmp_path)
    database = backup / json.loads((backup / MANIFEST).read_text())["database_file"]
    damage(database)
    with pytest.raises(CommandError, match=f"{database}: sha256 differs from the manifest"):
        call_command("restore", str(backup), "--keys-from", str(keys))


def test_a_restore_without_the_keys_says_they_were_written_apart_and_restores_nothing(
    filed: list[EventReport], tmp_path: Path
) -> None:
    backup, _, _ = back_up(tmp_path)
    with (
        override_settings(KEYS_DIR=tmp_path / "empty-keys"),
        pytest.raises(CommandError, match=r"no keys: this backup's keys \(keyring.json, pseudonym.key\)"),
    ):
        call_command("restore", str(backup))


def test_a_restore_with_another_installation_s_keys_is_refused_naming_the_key_file(
    filed: list[EventReport], tmp_path: Path
) -> None:
    backup, keys, _ = back_up(tmp_path)
    damage(keys / "keyring.json")
    with pytest.raises(CommandError, match=r"(?s)not this backup's keys.*keyring.json: sha256 differs"):
        call_command("restore", str(backup), "--keys-from", str(keys))


def test_a_restore_over_an_installation_that_holds_data_is_refused_unless_forced(
    filed: list[EventReport], tmp_path: Path, fresh: Fresh
) -> None:
    backup, keys, _ = back_up(tmp_path)
    assert fresh.openpso("restore", str(backup), "--keys-from", str(keys)).returncode == 0
    again = fresh.openpso("restore", str(backup), "--keys-from", str(keys))
    assert again.returncode != 0
    assert "refused, the targets are not empty (--force replaces them)" in again.stderr
    assert "has tables" in again.stderr
    assert "holds files" in again.stderr
    forced = fresh.openpso("restore", str(backup), "--keys-from", str(keys), "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "restore verified" in forced.stdout


def test_a_backup_into_a_folder_that_holds_files_is_refused(filed: list[EventReport], tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / MANIFEST).write_text("{}")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", str(tmp_path / "old"), "--without-keys")
