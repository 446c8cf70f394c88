from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from openpso.encryption import keyring, rotation
from openpso.reporting.models import EventReport


def run(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("keys", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_init_creates_a_keyring_and_prints_its_id_not_its_key(fresh_keys_dir):
    out = run("init")
    ring = keyring.load_keyring()
    assert str(fresh_keys_dir) in out
    assert f"active key: {ring.active}" in out
    assert ring.keys[ring.active].material not in out


def test_init_refuses_when_a_keyring_exists(fresh_keys_dir):
    run("init")
    with pytest.raises(CommandError, match="already exists"):
        run("init")


def test_status_without_a_keyring_is_an_error_and_creates_nothing(fresh_keys_dir):
    with pytest.raises(CommandError, match="keys init"):
        run("status")
    assert not fresh_keys_dir.exists()


def test_status_lists_keys_and_their_usage(make_report):
    make_report()
    ring = keyring.load_keyring()
    out = run("status")
    assert f"active key: {ring.active}" in out
    assert f"  {ring.active}\t2  (active)" in out


def test_rotate_reencrypts_and_prints_counts_per_table(make_report):
    make_report(narrative="Syringe swap in theatre")
    old = keyring.load_keyring().active
    out = run("rotate")
    new = keyring.load_keyring().active
    assert new != old
    assert f"new active key: {new}" in out
    assert "reporting_eventreport: 1 rows, 1 values re-encrypted" in out
    assert "reporting_historicaleventreport: 1 rows, 1 values re-encrypted" in out
    assert set(keyring.load_keyring().keys) == {old, new}
    assert rotation.stale_key_usage() == {new: 2}


def test_rotate_retire_removes_old_keys_once_unused(make_report):
    make_report(narrative="Syringe swap in theatre")
    old = keyring.load_keyring().active
    out = run("rotate", "--retire")
    ring = keyring.load_keyring()
    assert set(ring.keys) == {ring.active}
    assert f"retired key: {old}" in out
    assert EventReport.objects.get().narrative == "Syringe swap in theatre"


def test_retire_refuses_while_old_ciphertext_remains_and_succeeds_after(make_report, monkeypatch):
    make_report(narrative="Syringe swap in theatre")
    old = keyring.load_keyring().active
    # As if a process still on the old key wrote values after the re-encryption pass.
    real = rotation.reencrypt_all
    monkeypatch.setattr(
        rotation, "reencrypt_all", lambda **kw: rotation.RotationResult(active_key=keyring.load_keyring().active)
    )
    with pytest.raises(CommandError, match=f"refusing to retire keys still in use \\({old}: 2 values\\)"):
        run("rotate", "--retire")
    assert old in keyring.load_keyring().keys

    monkeypatch.setattr(rotation, "reencrypt_all", real)
    out = run("rotate", "--resume", "--retire")
    assert f"retired key: {old}" in out
    assert old not in keyring.load_keyring().keys
    assert EventReport.objects.get().narrative == "Syringe swap in theatre"


def test_rotate_fails_and_keeps_old_keys_when_a_value_cannot_be_reencrypted(make_report):
    from django.db import connection

    from openpso.encryption.tests.conftest import report_pk_param

    report = make_report()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reporting_eventreport SET narrative = %s WHERE id = %s", ["not ciphertext", report_pk_param(report)]
        )
    old = keyring.load_keyring().active
    with pytest.raises(CommandError, match="1 values could not be re-encrypted; old keys not retired"):
        run("rotate", "--retire")
    assert old in keyring.load_keyring().keys


def test_rotate_without_a_keyring_is_an_error(fresh_keys_dir):
    with pytest.raises(CommandError, match="keys init"):
        run("rotate")
