"""Keyed pseudonyms (42 CFR 3.212(c)): stable, useless without the key, and re-identified
only by the PSO, with a reason, on the record."""

from __future__ import annotations

import base64
import hashlib
import stat
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from openpso.audit.models import AuditEvent
from openpso.nonid.pseudonyms import (
    KEY_FILE,
    PSEUDONYM,
    ReidentificationRefused,
    event_key,
    key_fingerprint,
    provider_pseudonym,
    reidentify,
)

REASON = "Signal review: rising falls with injury needs the member's contact"


def test_a_pseudonym_is_stable_and_differs_between_providers():
    assert provider_pseudonym(7) == provider_pseudonym(7)
    assert provider_pseudonym(7) != provider_pseudonym(8)
    assert PSEUDONYM.fullmatch(provider_pseudonym(7))


def test_a_pseudonym_depends_on_the_key(settings, tmp_path):
    before = provider_pseudonym(7), event_key(7, "e1"), key_fingerprint()
    settings.KEYS_DIR = tmp_path / "other-keys"
    after = provider_pseudonym(7), event_key(7, "e1"), key_fingerprint()
    assert all(a != b for a, b in zip(before, after, strict=True))


def test_the_key_is_a_private_file_in_the_keys_directory(settings, tmp_path):
    settings.KEYS_DIR = tmp_path / "keys"
    provider_pseudonym(1)
    path = tmp_path / "keys" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert len(bytes.fromhex(path.read_text().strip())) == 32


def test_an_existing_key_is_never_replaced(settings, tmp_path):
    settings.KEYS_DIR = tmp_path
    (tmp_path / KEY_FILE).write_text("ab" * 32 + "\n")
    first = provider_pseudonym(3)
    assert (tmp_path / KEY_FILE).read_text().strip() == "ab" * 32
    assert provider_pseudonym(3) == first


def test_a_pseudonym_cannot_be_computed_without_the_key():
    unkeyed = "P-" + base64.b32encode(hashlib.sha256(b"provider:7").digest()).decode()[:12]
    assert provider_pseudonym(7) != unkeyed


def test_production_refuses_a_keys_directory_without_a_keyring(settings, tmp_path):
    settings.KEYS_DIR, settings.PRODUCTION = tmp_path / "empty", True
    with pytest.raises(ImproperlyConfigured, match="openpso keys init"):
        provider_pseudonym(1)


def test_a_damaged_key_file_is_refused(settings, tmp_path):
    settings.KEYS_DIR = tmp_path
    (tmp_path / KEY_FILE).write_text("not hex")
    with pytest.raises(ImproperlyConfigured, match="not a pseudonym key"):
        provider_pseudonym(1)


def test_the_pso_administrator_re_identifies_with_a_reason_and_it_is_audited(cast):
    p1 = cast.orgs["p1"]
    found = reidentify(provider_pseudonym(p1.pk), by=cast.users["pso_admin"], reason=REASON)
    assert found == p1
    event = AuditEvent.objects.get(action="nonid.provider_reidentified")
    assert (event.actor_id, event.object_id, event.purpose) == (cast.users["pso_admin"].pk, str(p1.pk), REASON)
    assert event.organization_id == cast.orgs["pso1"].pk
    assert event.detail == {"pseudonym": provider_pseudonym(p1.pk)}


@pytest.mark.parametrize("reason", ["", "   ", "because"])
def test_re_identification_is_refused_without_a_reason(cast, reason):
    with pytest.raises(ReidentificationRefused, match="reason"):
        reidentify(provider_pseudonym(cast.orgs["p1"].pk), by=cast.users["pso_admin"], reason=reason)
    assert not AuditEvent.objects.filter(action__startswith="nonid.").exists()


@pytest.mark.parametrize("who", ["pso_analyst", "safety_manager", "system_safety_officer", "auditor"])
def test_only_a_pso_administrator_may_re_identify(cast, who):
    with pytest.raises(ReidentificationRefused, match="only a PSO administrator"):
        reidentify(provider_pseudonym(cast.orgs["p1"].pk), by=cast.users[who], reason=REASON)


def test_another_psos_administrator_finds_nothing_and_the_attempt_is_audited(cast):
    with pytest.raises(ReidentificationRefused, match="no member provider"):
        reidentify(provider_pseudonym(cast.orgs["p1"].pk), by=cast.users["admin_pso2"], reason=REASON)
    event = AuditEvent.objects.get(action="nonid.reidentification_failed")
    assert (event.actor_id, event.purpose) == (cast.users["admin_pso2"].pk, REASON)


def test_the_command_re_identifies_and_prints_the_provider(cast):
    out = StringIO()
    pseudonym = provider_pseudonym(cast.orgs["p1"].pk)
    call_command("lake", "reidentify", pseudonym.lower(), "--reason", REASON, "--by", "PSO_ADMIN@cast.test", stdout=out)
    assert out.getvalue().strip() == f"{pseudonym}\tt-p1\tCast General Hospital"
    assert AuditEvent.objects.filter(action="nonid.provider_reidentified").count() == 1


def test_the_command_refuses_a_short_reason_and_an_unknown_person(cast):
    pseudonym = provider_pseudonym(cast.orgs["p1"].pk)
    with pytest.raises(CommandError, match="reason"):
        call_command("lake", "reidentify", pseudonym, "--reason", "why", "--by", "pso_admin@cast.test")
    with pytest.raises(CommandError, match="no user"):
        call_command("lake", "reidentify", pseudonym, "--reason", REASON, "--by", "nobody@cast.test")
