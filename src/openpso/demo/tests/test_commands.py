"""`openpso demo` and `openpso demo-code`."""

import io
import re

import pytest
from allauth.mfa.totp.internal.auth import validate_totp_code
from django.core.management import call_command
from django.core.management.base import CommandError

from openpso.cli import main
from openpso.demo.management.commands import demo as demo_command
from openpso.demo.users import DEMO_PASSWORD, demo_logins, totp_secret_for
from openpso.reporting.models import EventReport

ARGS = ("--events", "300", "--today", "2026-03-15")


def run_demo(*args):
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_demo_no_serve_seeds_and_prints_the_logins(db):
    output = run_demo("--no-serve", *ARGS)
    assert EventReport.objects.count() == 300
    assert "100.0%" in output
    for login in demo_logins():
        assert login.email in output
        assert login.organization in output
        if login.totp_secret:
            assert f"secret={login.totp_secret}&issuer=OpenPSO" in output
    assert DEMO_PASSWORD in output
    assert "otpauth://totp/OpenPSO%3Amanager%40demo.openpso.test?" in output
    assert "openpso demo-code EMAIL" in output
    assert "Safety manager" in output
    assert "PSO administrator" in output


def test_demo_a_second_time_says_nothing_was_created(db):
    run_demo("--no-serve", *ARGS)
    output = run_demo("--no-serve", *ARGS)
    assert "already present; nothing was created" in output
    assert EventReport.objects.count() == 300


def test_demo_serves_after_seeding_unless_told_not_to(db, monkeypatch):
    calls = []
    monkeypatch.setattr(demo_command, "call_command", lambda name, *a, **kw: calls.append(name))
    run_demo("--events", "0", "--today", "2026-03-15")
    assert calls == ["migrate", "serve"]


def test_demo_rejects_a_malformed_date(db):
    with pytest.raises(CommandError, match="not a date"):
        run_demo("--no-serve", "--today", "15/03/2026")


def test_demo_code_prints_a_valid_code_for_a_demo_account(db):
    run_demo("--no-serve", "--events", "0", "--today", "2026-03-15")
    out = io.StringIO()
    call_command("demo-code", "Manager@demo.openpso.test", stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    assert validate_totp_code(totp_secret_for("manager@demo.openpso.test"), code)


def test_demo_code_refuses_an_address_outside_the_demo_domain(db):
    with pytest.raises(CommandError, match="not a demo account"):
        call_command("demo-code", "manager@hospital.example.org")


def test_demo_code_exits_non_zero_for_a_non_demo_address(db, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["demo-code", "someone@example.com"])
    assert exited.value.code != 0
    assert "not a demo account" in capsys.readouterr().err


def test_demo_code_explains_reporters_have_no_authenticator(db):
    run_demo("--no-serve", "--events", "0", "--today", "2026-03-15")
    with pytest.raises(CommandError, match="no authenticator"):
        call_command("demo-code", "reporter@demo.openpso.test")
