"""Data as an OpenPSO from before AES-GCM left it (docs/decisions/0015-aead-field-encryption.md):
a keyring whose keys are bare Fernet keys, and `enc1:` Fernet tokens in the encrypted columns.

Production code never writes either any more, so the tests that prove they are still read
and migrated make them here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast

from openpso.encryption import keyring, rotation
from openpso.encryption.fields import decrypt

LEGACY_KEY_ID = "klegacy1"


def write_legacy_keyring(directory: Path) -> str:
    """The keyring file as it was written before keys named their algorithm; its key id."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    path = directory / keyring.KEYRING_FILE
    data = {"active": LEGACY_KEY_ID, "keys": {LEGACY_KEY_ID: Fernet.generate_key().decode()}}
    path.write_text(json.dumps(data, indent=2))
    os.chmod(path, 0o600)
    keyring._cache.clear()
    return LEGACY_KEY_ID


def enc1(plaintext: str, *, ring: keyring.Keyring, key_id: str = LEGACY_KEY_ID) -> str:
    """A value in the old format: Fernet token, creation time in clear."""
    return f"enc1:{key_id}:{ring.fernet(key_id).encrypt(plaintext.encode()).decode()}"


def rewrite_as_enc1(*, every: int = 1) -> int:
    """Turn the stored values of every `every`-th row of every encrypted table into enc1
    (under the legacy key), as an old installation would hold them; how many were rewritten."""
    ring = keyring.load_keyring()
    rewritten = 0
    for model, names in rotation.encrypted_fields():
        raw = {f"raw_{n}": Cast(n, output_field=models.TextField()) for n in names}
        qs = model._base_manager.annotate(**raw).order_by("pk")
        for index, (pk, *stored) in enumerate(qs.values_list("pk", *raw)):
            if index % every:
                continue
            changes = {
                name: Value(enc1(decrypt(value, ring=ring), ring=ring), output_field=models.TextField())
                for name, value in zip(names, stored, strict=True)
                if value
            }
            if changes:
                model._base_manager.filter(pk=pk).update(**changes)
                rewritten += len(changes)
    return rewritten


def seed_legacy_installation(reports: int) -> int:
    """Inside an installation whose keyring is `write_legacy_keyring`'s: the test cast, `reports`
    more reports filed as a reporter would (audited), then every other row's values rewritten
    as enc1, the rest left enc2 under the same Fernet key. Returns the enc1 values written."""
    import datetime as dt

    from django.utils import timezone

    from openpso.reporting.actions import file_report
    from openpso.reporting.schemas import ReportIn
    from openpso.testing.cast import build_cast

    cast = build_cast()
    for i in range(reports):
        body = {
            "provider": cast.orgs["p1"].slug,
            "event_type": "A3",
            "categories": ["A48"],
            "discovered_at": timezone.now() - dt.timedelta(hours=3 + i),
            "narrative": f"Fell near the bed, report {i}.",
            "location_detail": f"Room {i}",
            "reporter_role": "Registered nurse",
            "harm": "LA21150-0",
            "answers": {"Fall/assisted": "OPSO-FALL-UNASSISTED", "Fall/injury": "A18"},
        }
        file_report(user=cast.users["reporter"], data=ReportIn.model_validate(body))
    return rewrite_as_enc1(every=2)
