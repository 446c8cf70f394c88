"""The `enc2` format: AES-256-GCM, a random nonce, the format and key id bound, nothing else."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from openpso.encryption import keyring
from openpso.encryption.fields import NONCE_BYTES, TAG_BYTES, DecryptionError, decrypt, encrypt, parse

TEXT = "Mrs Jane Example, MRN 4471: pump programmed at 10x rate"


def _reencoded(sealed: bytes) -> str:
    return base64.urlsafe_b64encode(sealed).decode("ascii").rstrip("=")


def test_a_value_names_its_format_and_key_and_holds_only_nonce_ciphertext_and_tag():
    ring = keyring.load_keyring()
    stored = encrypt(TEXT)
    value = parse(stored)
    assert (value.version, value.key_id) == ("enc2", ring.active)
    assert len(value.sealed()) == NONCE_BYTES + len(TEXT.encode()) + TAG_BYTES
    assert "Jane" not in stored
    assert decrypt(stored) == TEXT


def test_unicode_and_long_text_round_trip():
    for text in ["é ü 中文 🙂", "x" * 100_000, "a"]:
        assert decrypt(encrypt(text)) == text


@pytest.mark.parametrize("part", ["nonce", "ciphertext", "tag"])
def test_a_value_with_any_byte_changed_fails_its_integrity_check(part):
    stored = encrypt(TEXT)
    value = parse(stored)
    sealed = bytearray(value.sealed())
    position = {"nonce": 0, "ciphertext": NONCE_BYTES + 3, "tag": len(sealed) - 1}[part]
    sealed[position] ^= 0x01
    with pytest.raises(DecryptionError, match="integrity check") as caught:
        decrypt(f"enc2:{value.key_id}:{_reencoded(bytes(sealed))}")
    assert "Jane" not in str(caught.value)


def test_a_truncated_value_fails_its_integrity_check():
    value = parse(encrypt(TEXT))
    with pytest.raises(DecryptionError):
        decrypt(f"enc2:{value.key_id}:{_reencoded(value.sealed()[: NONCE_BYTES + TAG_BYTES - 1])}")


def test_a_value_relabelled_with_another_key_id_fails_even_where_that_id_holds_the_same_key(fresh_keys_dir):
    """The key id is bound as associated data: a value cannot be passed off as another key's."""
    ring = keyring.load_keyring()
    path = fresh_keys_dir / keyring.KEYRING_FILE
    data = json.loads(path.read_text())
    data["keys"]["ktwin"] = data["keys"][ring.active]
    path.write_text(json.dumps(data))
    value = parse(encrypt(TEXT))
    with pytest.raises(DecryptionError, match="ktwin"):
        decrypt(f"enc2:ktwin:{value.body}")


def test_nonces_are_not_repeated():
    nonces = {parse(encrypt(TEXT)).sealed()[:NONCE_BYTES] for _ in range(2000)}
    assert len(nonces) == 2000


def test_new_keys_are_256_bit_aes_gcm_keys_and_the_keyring_file_says_so(fresh_keys_dir):
    keyring.load_keyring()
    keyring.add_active_key()
    data = json.loads((fresh_keys_dir / keyring.KEYRING_FILE).read_text())
    assert len(data["keys"]) == 2
    for entry in data["keys"].values():
        assert entry["alg"] == "aes-256-gcm"
        assert len(base64.urlsafe_b64decode(entry["key"])) == 32


def test_a_key_that_is_not_256_bits_is_a_configuration_error(fresh_keys_dir):
    fresh_keys_dir.mkdir()
    short = base64.urlsafe_b64encode(b"k" * 16).decode()
    (fresh_keys_dir / keyring.KEYRING_FILE).write_text(
        json.dumps({"active": "k1", "keys": {"k1": {"alg": "aes-256-gcm", "key": short}}})
    )
    with pytest.raises(ImproperlyConfigured, match="'k1' is not a valid AES-256 key"):
        keyring.load_keyring()


def test_a_key_of_an_unknown_algorithm_is_a_configuration_error(fresh_keys_dir):
    fresh_keys_dir.mkdir()
    (fresh_keys_dir / keyring.KEYRING_FILE).write_text(
        json.dumps({"active": "k1", "keys": {"k1": {"alg": "rot13", "key": "x"}}})
    )
    with pytest.raises(ImproperlyConfigured, match="unknown algorithm 'rot13'"):
        keyring.load_keyring()


def test_key_material_stays_out_of_reprs():
    ring = keyring.load_keyring()
    assert ring.keys[ring.active].material not in repr(ring)
