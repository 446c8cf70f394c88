import json
import stat
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from openpso.encryption import keyring


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_keyring_file_and_dir_are_private(fresh_keys_dir):
    keyring.load_keyring()
    assert mode(fresh_keys_dir) == 0o700
    assert mode(fresh_keys_dir / keyring.KEYRING_FILE) == 0o600
    keyring.add_active_key()
    assert mode(fresh_keys_dir / keyring.KEYRING_FILE) == 0o600
    assert sorted(p.name for p in fresh_keys_dir.iterdir() if not p.name.startswith(".")) == [keyring.KEYRING_FILE]


def test_production_without_a_keyring_refuses_to_start(settings, fresh_keys_dir):
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="keys init"):
        keyring.load_keyring()
    assert not (fresh_keys_dir / keyring.KEYRING_FILE).exists()


def test_development_creates_a_keyring_on_first_use(fresh_keys_dir):
    ring = keyring.load_keyring()
    assert ring.active in ring.keys
    assert keyring.load_keyring() == ring


def test_creating_a_second_keyring_is_refused(fresh_keys_dir):
    first = keyring.create_keyring()
    with pytest.raises(ImproperlyConfigured, match="already exists"):
        keyring.create_keyring()
    assert keyring.load_keyring() == first


def test_a_keyring_rewritten_elsewhere_is_reloaded(fresh_keys_dir):
    ring = keyring.load_keyring()
    path = fresh_keys_dir / keyring.KEYRING_FILE
    data = json.loads(path.read_text())
    data["keys"]["kother"] = data["keys"][ring.active]
    path.write_text(json.dumps(data))  # as another process would, without touching our cache
    assert "kother" in keyring.load_keyring().keys


def test_a_damaged_keyring_is_a_configuration_error(fresh_keys_dir):
    fresh_keys_dir.mkdir()
    (fresh_keys_dir / keyring.KEYRING_FILE).write_text('{"active": "k1", "keys": {"k1": "short"}}')
    with pytest.raises(ImproperlyConfigured, match="'k1' is not a valid Fernet key"):
        keyring.load_keyring()


def test_the_active_key_cannot_be_removed(fresh_keys_dir):
    ring = keyring.load_keyring()
    with pytest.raises(ValueError, match="active"):
        keyring.remove_key(ring.active)


def test_each_key_has_one_cipher_until_the_keyring_changes(fresh_keys_dir):
    keyring.create_keyring()
    ring = keyring.load_keyring()
    assert keyring.load_keyring().aesgcm(ring.active) is ring.aesgcm(ring.active)
    rotated = keyring.add_active_key()
    reloaded = keyring.load_keyring()
    assert reloaded.active == rotated.active != ring.active
    assert reloaded.aesgcm(ring.active) is not ring.aesgcm(ring.active)  # a new keyring, new ciphers
