"""Second-factor secrets are sealed under the keyring: the database alone mints no codes."""

from __future__ import annotations

import importlib
import json
from types import SimpleNamespace
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.apps import apps
from django.db import connection
from django.test import Client

from openpso.accounts.mfa_secrets import MfaAdapter
from openpso.encryption import fields, keyring, rotation
from openpso.testing.browser import current_totp_code
from openpso.testing.cast import PASSWORD, TOTP_SECRET

migration = importlib.import_module("openpso.accounts.migrations.0002_seal_mfa_secrets")


@pytest.fixture(autouse=True)
def fresh_keys_dir(settings: Any, tmp_path: Any) -> Any:
    """Each test gets its own keyring, so rotation here touches no other test's keys."""
    settings.KEYS_DIR = tmp_path / "keys"
    keyring._cache.clear()
    yield settings.KEYS_DIR
    keyring._cache.clear()


def raw_data(user_pk: Any, kind: str) -> str:
    """The stored JSON text of a user's authenticator, read past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE user_id = %s AND type = %s", [user_pk, kind])
        (value,) = cursor.fetchone()
    return value if isinstance(value, str) else json.dumps(value)


def sign_in_with_code(code: str, email: str = "safety_manager@cast.test") -> Client:
    client = Client()
    client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": code})
    return client


def test_the_stored_totp_row_holds_no_clear_secret(cast: Any) -> None:
    stored = raw_data(cast.users["safety_manager"].pk, Authenticator.Type.TOTP)
    assert TOTP_SECRET not in stored
    secret = json.loads(stored)["secret"]
    assert secret.startswith(f"{fields.PREFIX}:")
    assert fields.decrypt(secret) == TOTP_SECRET


def test_the_stored_recovery_codes_row_holds_no_clear_seed_or_code(cast: Any) -> None:
    user = cast.users["safety_manager"]
    codes = RecoveryCodes.activate(user).get_unused_codes()
    stored = raw_data(user.pk, Authenticator.Type.RECOVERY_CODES)
    seed = fields.decrypt(json.loads(stored)["seed"])
    assert seed not in stored
    assert not any(code in stored for code in codes)


def test_sign_in_with_totp_works_with_the_sealed_secret(cast: Any) -> None:
    client = sign_in_with_code(current_totp_code(TOTP_SECRET))
    assert client.get("/reports/").status_code == 200


def test_a_recovery_code_signs_in_once(cast: Any) -> None:
    codes = RecoveryCodes.activate(cast.users["safety_manager"]).get_unused_codes()
    assert sign_in_with_code(codes[0]).get("/reports/").status_code == 200
    assert sign_in_with_code(codes[0]).get("/reports/").status_code == 302  # used up
    assert sign_in_with_code(codes[1]).get("/reports/").status_code == 200


def test_a_clear_secret_is_refused_not_used() -> None:
    with pytest.raises(fields.DecryptionError):
        MfaAdapter().decrypt(TOTP_SECRET)


def _seal_existing() -> None:
    migration.seal(apps, SimpleNamespace(connection=connection))  # type: ignore[arg-type]


def test_the_migration_seals_clear_secrets_and_leaves_sealed_ones_alone(cast: Any) -> None:
    user = cast.users["safety_manager"]
    sealed_totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    other = cast.users["pso_analyst"]
    # Rows as allauth wrote them before MfaAdapter: everything in clear.
    Authenticator.objects.filter(user=other, type=Authenticator.Type.TOTP).update(data={"secret": TOTP_SECRET})
    Authenticator.objects.create(
        user=other,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "ab" * 40, "used_mask": 1, "migrated_codes": ["12345678", "87654321"]},
    )
    _seal_existing()
    totp = raw_data(other.pk, Authenticator.Type.TOTP)
    recovery = raw_data(other.pk, Authenticator.Type.RECOVERY_CODES)
    for clear in (TOTP_SECRET, "ab" * 40, "12345678", "87654321"):
        assert clear not in totp + recovery
    data = json.loads(recovery)
    assert fields.decrypt(data["seed"]) == "ab" * 40
    assert [fields.decrypt(c) for c in data["migrated_codes"]] == ["12345678", "87654321"]
    assert data["used_mask"] == 1
    assert Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"] == sealed_totp

    again = json.loads(raw_data(other.pk, Authenticator.Type.TOTP))["secret"]
    _seal_existing()  # idempotent: sealed values are not sealed twice
    assert json.loads(raw_data(other.pk, Authenticator.Type.TOTP))["secret"] == again
    client = sign_in_with_code(current_totp_code(TOTP_SECRET), email="pso_analyst@cast.test")
    assert client.get("/reports/").status_code == 200


def test_key_rotation_reencrypts_second_factor_secrets_and_the_old_key_can_go(cast: Any) -> None:
    user = cast.users["safety_manager"]
    RecoveryCodes.activate(user)
    old = keyring.load_keyring().active
    assert rotation.key_usage().get((old, fields.PREFIX), 0) >= 2  # TOTP secrets and the seed are counted
    new = keyring.add_active_key().active
    assert rotation.stale_key_usage().get(old, 0) >= 2  # what `keys rotate --retire` checks first

    result = rotation.reencrypt_all()
    assert any(t.table == "mfa_authenticator" and t.values >= 2 for t in result.tables)
    for kind in (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES):
        data = json.loads(raw_data(user.pk, kind))
        assert fields.key_id_of(data.get("secret") or data["seed"]) == new
    keyring.remove_key(old)
    assert sign_in_with_code(current_totp_code(TOTP_SECRET)).get("/reports/").status_code == 200
