"""Installations from before AES-GCM: their keyring and `enc1` values still read, new values are
enc2, and `openpso keys rotate` leaves no enc1 value behind (docs/decisions/0015)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import models
from django.db.models.functions import Cast

from openpso.encryption import keyring, rotation
from openpso.encryption.fields import DecryptionError, decrypt, encrypt, parse
from openpso.encryption.tests.conftest import raw_row, report_pk_param
from openpso.encryption.tests.legacy import LEGACY_KEY_ID, rewrite_as_enc1, write_legacy_keyring
from openpso.reporting.models import EventReport

TEXTS = ["Wrong-site prep caught at time-out", "Pump programmed at 10x rate", "Fall from bed, no harm"]


def run(*args: str) -> str:
    out = StringIO()
    call_command("keys", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def every_stored_value() -> list[str]:
    """Every non-empty value of every encrypted column of every table, as stored."""
    found: list[str] = []
    for model, names in rotation.encrypted_fields():
        raw = {f"raw_{n}": Cast(n, output_field=models.TextField()) for n in names}
        for row in model._base_manager.annotate(**raw).values_list(*raw):
            found += [value for value in row if value]
    return found


@pytest.fixture
def legacy_reports(fresh_keys_dir, make_report):
    """Three reports (one edited: four history rows) all stored as enc1 under a Fernet key."""
    write_legacy_keyring(fresh_keys_dir)
    made = [make_report(narrative=text, location_detail=f"Unit {i}") for i, text in enumerate(TEXTS)]
    made[0].reporter_role = "Pharmacist"
    made[0].save()
    assert rewrite_as_enc1() == 16
    return made


def test_a_keyring_written_before_keys_named_their_algorithm_loads_them_as_fernet(fresh_keys_dir):
    write_legacy_keyring(fresh_keys_dir)
    ring = keyring.load_keyring()
    assert ring.active == LEGACY_KEY_ID
    assert ring.keys[LEGACY_KEY_ID].alg == keyring.FERNET


def test_enc1_values_written_before_still_decrypt_in_rows_and_history(legacy_reports):
    pk = report_pk_param(legacy_reports[0])
    for table in ["reporting_eventreport", "reporting_historicaleventreport"]:
        for (stored,) in raw_row(table, ["narrative"], "id", pk):
            assert stored.startswith(f"enc1:{LEGACY_KEY_ID}:")
    assert sorted(r.narrative for r in EventReport.objects.all()) == sorted(TEXTS)
    assert {h.reporter_role for h in legacy_reports[0].history.all()} == {"", "Pharmacist"}


def test_a_new_value_under_a_still_active_fernet_key_is_enc2(fresh_keys_dir, make_report):
    write_legacy_keyring(fresh_keys_dir)
    report = make_report(narrative=TEXTS[0])
    [(stored,)] = raw_row("reporting_eventreport", ["narrative"], "id", report_pk_param(report))
    assert stored.startswith(f"enc2:{LEGACY_KEY_ID}:")
    assert EventReport.objects.get().narrative == TEXTS[0]


def test_an_enc1_value_under_an_aes_key_fails_naming_the_key():
    ring = keyring.load_keyring()
    stored = f"enc1:{ring.active}:" + parse(encrypt("x")).body
    with pytest.raises(DecryptionError, match=f"{ring.active}.*not a Fernet key"):
        decrypt(stored)


def test_enc1_values_under_the_active_fernet_key_count_as_needing_rotation(legacy_reports):
    usage = rotation.key_usage()
    assert usage == {(LEGACY_KEY_ID, "enc1"): 16}
    assert rotation.stale_key_usage() == {LEGACY_KEY_ID: 16}
    assert rotation.needing_rotation(usage, active=LEGACY_KEY_ID) == 16
    out = run("status")
    assert f"  {LEGACY_KEY_ID}\t16  (active; 16 in the old enc1 format" in out
    assert f"{LEGACY_KEY_ID} (fernet)" in out
    assert "values to re-encrypt: 16  (run `openpso keys rotate`)" in out


def test_rotate_turns_every_enc1_value_into_enc2_under_a_new_aes_key(legacy_reports, fresh_keys_dir):
    out = run("rotate")
    ring = keyring.load_keyring()
    assert ring.active != LEGACY_KEY_ID
    assert ring.keys[ring.active].alg == keyring.AES_GCM
    assert "reporting_eventreport: 3 rows, 7 values re-encrypted" in out
    stored = every_stored_value()
    assert len(stored) == 16
    assert not [v for v in stored if v.startswith("enc1:")]
    assert all(v.startswith(f"enc2:{ring.active}:") for v in stored)
    assert rotation.key_usage() == {(ring.active, "enc2"): 16}
    assert "values to re-encrypt: 0\n" in run("status")
    # The keyring file now names each key's algorithm; the old one is kept until retired.
    on_disk = json.loads((fresh_keys_dir / keyring.KEYRING_FILE).read_text())["keys"]
    assert {k: v["alg"] for k, v in on_disk.items()} == {LEGACY_KEY_ID: "fernet", ring.active: "aes-256-gcm"}
    assert sorted(r.narrative for r in EventReport.objects.all()) == sorted(TEXTS)


def test_rotate_retire_then_drops_the_fernet_key_and_everything_still_reads(legacy_reports):
    out = run("rotate", "--retire")
    assert f"retired key: {LEGACY_KEY_ID}" in out
    ring = keyring.load_keyring()
    assert set(ring.keys) == {ring.active}
    assert sorted(r.narrative for r in EventReport.objects.all()) == sorted(TEXTS)
    assert {h.narrative for h in legacy_reports[0].history.all()} == {TEXTS[0]}


def test_resume_under_the_active_fernet_key_still_leaves_no_enc1_value(legacy_reports):
    result = rotation.reencrypt_all(batch_size=2)
    assert result.values == 16
    assert all(v.startswith(f"enc2:{LEGACY_KEY_ID}:") for v in every_stored_value())
    assert rotation.needing_rotation(rotation.key_usage(), active=LEGACY_KEY_ID) == 0


def test_a_mix_of_enc1_and_enc2_under_an_old_key_is_all_rotated(fresh_keys_dir, make_report):
    write_legacy_keyring(fresh_keys_dir)
    for text in TEXTS:
        make_report(narrative=text)
    rewritten = rewrite_as_enc1(every=2)
    assert 0 < rewritten < 6
    assert set(rotation.key_usage()) == {(LEGACY_KEY_ID, "enc1"), (LEGACY_KEY_ID, "enc2")}
    new = keyring.add_active_key().active
    rotation.reencrypt_all()
    assert rotation.key_usage() == {(new, "enc2"): 6}
