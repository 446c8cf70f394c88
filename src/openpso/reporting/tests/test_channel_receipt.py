"""The receipt code and passphrase open the status page — only both, and only a few tries."""

from __future__ import annotations

import re
from pathlib import Path

from django.core import signing
from django.test import Client, override_settings
from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.reporting.channel import actions as channel_actions
from openpso.reporting.channel import receipts
from openpso.reporting.models import AnonymousReceipt
from openpso.reporting.tests.test_channel_anonymous_filing import PASSPHRASE, file_anonymously, file_with_passphrase


def _open(code: str, passphrase: str, client: Client | None = None):
    return (client or Client()).post("/anonymous/follow-up/", {"code": code, "passphrase": passphrase})


def _without_csrf(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_code_and_passphrase_open_the_status_page(cast):
    _, report, code = file_with_passphrase(cast)
    response = _open(code, PASSPHRASE)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your anonymous report" in page
    assert cast.orgs["p1"].name in page
    assert timezone.localtime(report.reported_at).strftime("%Y-%m-%d %Hh %Z") in page  # to the hour, no minutes
    assert "Received: the safety team reviews every report." in page
    assert "Send answer" not in page  # no question yet, so nothing to answer


def test_the_code_can_be_typed_in_small_letters_and_without_dashes(cast):
    _, _, code = file_with_passphrase(cast)
    assert _open(code.replace("-", " ").lower(), PASSPHRASE).content.decode().count("Your anonymous report") == 1


def test_a_wrong_passphrase_or_code_does_not_open_it_and_looks_the_same(cast):
    _, _, code = file_with_passphrase(cast)
    wrong_passphrase = _open(code, "not-the-passphrase")
    wrong_code = _open("2222-3333-4444-5555", PASSPHRASE)
    assert wrong_passphrase.status_code == wrong_code.status_code == 200
    assert "We could not open a report" in wrong_passphrase.content.decode()
    assert _without_csrf(wrong_passphrase.content.decode()) == _without_csrf(wrong_code.content.decode())
    assert "Your anonymous report" not in wrong_passphrase.content.decode()


def test_a_receipt_without_a_passphrase_cannot_be_opened(cast):
    _, _, code, _ = file_anonymously(cast)
    assert "We could not open a report" in _open(code, "").content.decode()
    assert channel_actions.open_receipt(code=code, passphrase="") is None


def test_the_receipt_locks_after_repeated_wrong_passphrases(cast):
    _, report, code = file_with_passphrase(cast)
    for _ in range(channel_actions.MAX_FAILED_ATTEMPTS):
        assert channel_actions.open_receipt(code=code, passphrase="guess-guess-guess") is None
    receipt = AnonymousReceipt.objects.get(report=report)
    assert receipt.locked_until is not None
    assert (receipt.locked_until.minute, receipt.locked_until.second) == (0, 0)
    # Even the right passphrase now gets the same answer as a wrong one.
    locked = _open(code, PASSPHRASE)
    assert "We could not open a report" in locked.content.decode()
    assert _without_csrf(locked.content.decode()) == _without_csrf(_open("2222-3333-4444-5555", "x").content.decode())
    event = AuditEvent.objects.get(action="report.receipt_locked", object_id=str(report.pk))
    assert event.actor_id is None
    assert (event.at.minute, event.at.second) == (0, 0)


def test_fewer_failures_than_the_limit_do_not_lock_and_a_success_resets_them(cast):
    _, report, code = file_with_passphrase(cast)
    for _ in range(channel_actions.MAX_FAILED_ATTEMPTS - 1):
        channel_actions.open_receipt(code=code, passphrase="guess-guess-guess")
    assert channel_actions.open_receipt(code=code, passphrase=PASSPHRASE) is not None
    receipt = AnonymousReceipt.objects.get(report=report)
    assert (receipt.failed_attempts, receipt.locked_until) == (0, None)


def test_opening_the_status_page_is_audited_without_a_person_and_to_the_hour(cast):
    _, report, code = file_with_passphrase(cast)
    _open(code, PASSPHRASE)
    event = AuditEvent.objects.get(action="report.follow_up_viewed", object_id=str(report.pk))
    assert event.actor_id is None
    assert event.actor_label == "anonymous reporter"
    assert (event.at.minute, event.at.second, event.at.microsecond) == (0, 0, 0)


def test_an_expired_status_token_sends_nothing(cast, monkeypatch):
    _, report, _code = file_with_passphrase(cast)
    receipt = AnonymousReceipt.objects.get(report=report)
    stale = signing.dumps(str(receipt.pk), salt="openpso.reporting.channel.status")
    monkeypatch.setattr(receipts, "STATUS_TOKEN_AGE", -1)
    response = Client().post("/anonymous/follow-up/reply/", {"token": stale, "question": "x", "body": "hello"})
    assert "That page had expired" in response.content.decode()
    assert receipts.receipt_from_status_token("forged-token") is None


def test_receipts_survive_a_secret_key_rotation_through_the_fallbacks(cast, settings):
    _, _report, code = file_with_passphrase(cast)
    old = settings.SECRET_KEY
    with override_settings(
        SECRET_KEY="a-brand-new-secret-key-for-this-test-only-0123456789", SECRET_KEY_FALLBACKS=[old]
    ):
        assert channel_actions.open_receipt(code=code, passphrase=PASSPHRASE) is not None
        # Re-keyed on that open: it no longer needs the fallback.
        with override_settings(SECRET_KEY_FALLBACKS=[]):
            assert channel_actions.open_receipt(code=code, passphrase=PASSPHRASE) is not None


def test_the_receipt_code_is_shown_large_enough_to_copy_down(cast):
    # It is shown once and is the reporter's only way back; it was small body-size monospace.
    _client, _report, code, page = file_anonymously(cast)
    assert f'<code id="receipt-code">{code}</code>' in page
    css = (Path(__file__).resolve().parents[2] / "core/static/openpso/openpso.css").read_text()
    rule = css[css.index("#receipt-code {") :].split("}", 1)[0]
    assert "font-size: 1.5rem" in rule
