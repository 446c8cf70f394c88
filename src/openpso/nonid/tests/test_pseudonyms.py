"""Provider pseudonyms (42 CFR 3.212(a)(3), 45 CFR 164.514(c)): random codes in a PSO-held table,
stable per PSO, not a function of anything about the provider, and re-identified only by the PSO,
with a reason, on the record. Event keys stay keyed hashes (useless without the key)."""

from __future__ import annotations

import stat
import threading
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from openpso.audit.models import AuditEvent
from openpso.nonid.models import ProviderPseudonym
from openpso.nonid.pseudonyms import (
    KEY_FILE,
    PSEUDONYM,
    SCHEME,
    ReidentificationRefused,
    event_key,
    key_fingerprint,
    pool_keys_fingerprint,
    provider_pseudonym,
    provider_pseudonyms,
    reidentify,
)
from openpso.organizations.models import Organization, OrgKind

REASON = "Signal review: rising falls with injury needs the member's contact"


def test_a_pseudonym_is_a_readable_code_stable_across_calls_and_different_between_providers(cast):
    p1, p2 = cast.orgs["p1"], cast.orgs["p2"]
    first = provider_pseudonym(p1)
    assert PSEUDONYM.fullmatch(first)
    assert provider_pseudonym(p1) == first == provider_pseudonyms(p1.network_id, [p1.pk])[p1.pk]
    assert provider_pseudonym(p2) != first
    assert ProviderPseudonym.objects.filter(provider=p1).count() == 1


def test_two_psos_draw_different_codes_for_the_same_provider(cast):
    p1 = cast.orgs["p1"]
    ours = provider_pseudonyms(cast.orgs["pso1"].pk, [p1.pk])[p1.pk]
    theirs = provider_pseudonyms(cast.orgs["pso2"].pk, [p1.pk])[p1.pk]
    assert ours != theirs


def test_a_code_is_not_a_function_of_the_provider_a_new_table_draws_new_codes(cast):
    providers = [cast.orgs[k] for k in ("p1", "p1b", "p2")]
    pso = cast.orgs["pso1"].pk
    before = provider_pseudonyms(pso, [p.pk for p in providers])
    ProviderPseudonym.objects.all().delete()
    after = provider_pseudonyms(pso, [p.pk for p in providers])
    assert set(before.values()).isdisjoint(after.values())


def test_a_pseudonym_does_not_depend_on_the_key_but_an_event_key_does(cast, settings, tmp_path):
    p1 = cast.orgs["p1"]
    before = provider_pseudonym(p1), event_key(7, "e1"), key_fingerprint()
    settings.KEYS_DIR = tmp_path / "other-keys"
    after = provider_pseudonym(p1), event_key(7, "e1"), key_fingerprint()
    assert before[0] == after[0]
    assert before[1] != after[1]
    assert before[2] != after[2]


@pytest.mark.django_db
def test_a_provider_outside_any_pso_has_no_pseudonym():
    loner = Organization.objects.create(slug="loner", name="Loner", kind=OrgKind.PROVIDER)
    with pytest.raises(ValueError, match="outside any PSO"):
        provider_pseudonym(loner)


def test_a_code_that_collides_with_another_providers_is_drawn_again(cast, monkeypatch):
    from openpso.nonid import pseudonyms

    p1, p2 = cast.orgs["p1"], cast.orgs["p2"]
    taken = provider_pseudonym(p1)
    draws = iter([taken, "P-AAAAAAAAAAAA"])
    monkeypatch.setattr(pseudonyms, "_draw", lambda: next(draws))
    assert provider_pseudonym(p2) == "P-AAAAAAAAAAAA"
    assert provider_pseudonym(p1) == taken


def test_the_lake_fingerprint_names_the_code_scheme_and_the_event_key_key():
    fingerprint = pool_keys_fingerprint()
    assert fingerprint == f"{SCHEME}:{key_fingerprint()}"
    assert len(fingerprint) <= 16  # LakeState.key_fingerprint


def _draw_at_once(pso: int, providers: list[int], start: threading.Barrier, seen: list[object]) -> None:
    try:
        start.wait()
        seen.append(provider_pseudonyms(pso, providers))
    except BaseException as error:  # reported by the test thread
        seen.append(error)
    finally:
        connection.close()


@pytest.mark.skipif(connection.vendor == "sqlite", reason="the in-memory test database is one connection")
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_uses_store_one_code_per_provider_and_all_get_it():
    pso = Organization.objects.create(slug="race-pso", name="Race PSO", kind=OrgKind.PSO)
    providers = [
        Organization.objects.create(slug=f"race-{n}", name=f"Race {n}", kind=OrgKind.PROVIDER, network=pso).pk
        for n in range(20)
    ]
    threads, start, seen = 6, threading.Barrier(6), []  # type: ignore[var-annotated]
    workers = [threading.Thread(target=_draw_at_once, args=(pso.pk, providers, start, seen)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert all(isinstance(result, dict) for result in seen), seen
    assert len(seen) == threads
    assert all(result == seen[0] for result in seen)
    assert ProviderPseudonym.objects.filter(pso=pso).count() == len(providers)


def test_the_event_key_key_is_a_private_file_in_the_keys_directory(settings, tmp_path):
    settings.KEYS_DIR = tmp_path / "keys"
    event_key(1, "e1")
    path = tmp_path / "keys" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert len(bytes.fromhex(path.read_text().strip())) == 32


def test_an_existing_key_is_never_replaced(settings, tmp_path):
    settings.KEYS_DIR = tmp_path
    (tmp_path / KEY_FILE).write_text("ab" * 32 + "\n")
    first = event_key(3, "e1")
    assert (tmp_path / KEY_FILE).read_text().strip() == "ab" * 32
    assert event_key(3, "e1") == first


def test_production_refuses_a_keys_directory_without_a_keyring(settings, tmp_path):
    settings.KEYS_DIR, settings.PRODUCTION = tmp_path / "empty", True
    with pytest.raises(ImproperlyConfigured, match="openpso keys init"):
        event_key(1, "e1")


def test_a_damaged_key_file_is_refused(settings, tmp_path):
    settings.KEYS_DIR = tmp_path
    (tmp_path / KEY_FILE).write_text("not hex")
    with pytest.raises(ImproperlyConfigured, match="not a pseudonym key"):
        event_key(1, "e1")


def test_the_pso_administrator_re_identifies_with_a_reason_and_it_is_audited(cast):
    p1 = cast.orgs["p1"]
    found = reidentify(provider_pseudonym(p1), by=cast.users["pso_admin"], reason=REASON)
    assert found == p1
    event = AuditEvent.objects.get(action="nonid.provider_reidentified")
    assert (event.actor_id, event.object_id, event.purpose) == (cast.users["pso_admin"].pk, str(p1.pk), REASON)
    assert event.organization_id == cast.orgs["pso1"].pk
    assert event.detail == {"pseudonym": provider_pseudonym(p1)}


@pytest.mark.parametrize("reason", ["", "   ", "because"])
def test_re_identification_is_refused_without_a_reason(cast, reason):
    with pytest.raises(ReidentificationRefused, match="reason"):
        reidentify(provider_pseudonym(cast.orgs["p1"]), by=cast.users["pso_admin"], reason=reason)
    assert not AuditEvent.objects.filter(action__startswith="nonid.").exists()


@pytest.mark.parametrize("who", ["pso_analyst", "safety_manager", "system_safety_officer", "auditor"])
def test_only_a_pso_administrator_may_re_identify(cast, who):
    with pytest.raises(ReidentificationRefused, match="only a PSO administrator"):
        reidentify(provider_pseudonym(cast.orgs["p1"]), by=cast.users[who], reason=REASON)


def test_another_psos_administrator_finds_nothing_and_the_attempt_is_audited(cast):
    with pytest.raises(ReidentificationRefused, match="no member provider"):
        reidentify(provider_pseudonym(cast.orgs["p1"]), by=cast.users["admin_pso2"], reason=REASON)
    event = AuditEvent.objects.get(action="nonid.reidentification_failed")
    assert (event.actor_id, event.purpose) == (cast.users["admin_pso2"].pk, REASON)


def test_the_command_re_identifies_and_prints_the_provider(cast):
    out = StringIO()
    pseudonym = provider_pseudonym(cast.orgs["p1"])
    call_command("lake", "reidentify", pseudonym.lower(), "--reason", REASON, "--by", "PSO_ADMIN@cast.test", stdout=out)
    assert out.getvalue().strip() == f"{pseudonym}\tt-p1\tCast General Hospital"
    assert AuditEvent.objects.filter(action="nonid.provider_reidentified").count() == 1


def test_the_command_refuses_a_short_reason_and_an_unknown_person(cast):
    pseudonym = provider_pseudonym(cast.orgs["p1"])
    with pytest.raises(CommandError, match="reason"):
        call_command("lake", "reidentify", pseudonym, "--reason", "why", "--by", "pso_admin@cast.test")
    with pytest.raises(CommandError, match="no user"):
        call_command("lake", "reidentify", pseudonym, "--reason", REASON, "--by", "nobody@cast.test")


def test_re_identification_reads_the_table_a_deleted_code_finds_no_one(cast):
    p1 = cast.orgs["p1"]
    code = provider_pseudonym(p1)
    ProviderPseudonym.objects.filter(provider=p1).delete()
    with pytest.raises(ReidentificationRefused, match="no member provider"):
        reidentify(code, by=cast.users["pso_admin"], reason=REASON)
    assert AuditEvent.objects.filter(action="nonid.reidentification_failed").count() == 1
