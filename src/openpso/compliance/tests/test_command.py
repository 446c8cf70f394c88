"""`openpso compliance` prints every flag and exits 1 on a red one (for cron)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from openpso.cli import main
from openpso.compliance.models import BusinessAssociateAgreement, SecurityAssessment, SecurityPolicy, TrainingRecord
from openpso.compliance.tests.helpers import contract, make_pso

pytestmark = pytest.mark.django_db


def compliant_pso(slug="fine-pso"):
    pso = make_pso(slug)
    for name in ("a", "b"):
        member = contract(pso, name, dt.date(2025, 1, 1)).provider
        BusinessAssociateAgreement.objects.create(
            pso=pso,
            counterparty=name,
            provider=member,
            signed_on=dt.date(2025, 1, 1),
            scope="PHI",
            review_on=dt.date(2028, 1, 1),
        )
    SecurityAssessment.objects.create(
        pso=pso, performed_on=dt.date(2026, 6, 1), scope="all", assessor="t", result="ok", next_due=dt.date(2027, 6, 1)
    )
    TrainingRecord.objects.create(
        pso=pso, person="x", course="PSQIA", completed_on=dt.date(2026, 6, 1), due_again=dt.date(2027, 6, 1)
    )
    SecurityPolicy.objects.create(
        pso=pso, title="Security", version="1", adopted_on=dt.date(2026, 6, 1), next_review=dt.date(2027, 6, 1)
    )
    return pso


def test_the_command_exits_zero_and_prints_each_flag_when_nothing_is_red():
    compliant_pso()
    out = StringIO()
    call_command("compliance", "--date", "2026-11-26", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split("\t")[:3] for line in lines] == [
        ["fine-pso", "GREEN", "listing"],
        ["fine-pso", "GREEN", "contracts"],
        ["fine-pso", "GREEN", "disclosures"],
        ["fine-pso", "GREEN", "security"],
        ["fine-pso", "GREEN", "baas"],
        ["fine-pso", "GREEN", "training"],
        ["fine-pso", "GREEN", "policies"],
        ["fine-pso", "GREEN", "delisting"],
    ]


def test_the_command_exits_one_when_a_flag_is_red():
    compliant_pso()
    lonely = make_pso("lonely-pso")
    contract(lonely, "only", dt.date(2025, 1, 1))
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("compliance", "--date", "2026-11-26", stdout=out)
    assert raised.value.returncode == 1
    assert "lonely-pso\tRED\tcontracts\t" in out.getvalue()


def test_the_openpso_command_line_returns_status_one_on_red(capsys):
    make_pso("lonely-pso")
    with pytest.raises(SystemExit) as raised:
        main(["compliance", "--pso", "lonely-pso"])
    assert raised.value.code == 1
    assert "red flag" in capsys.readouterr().err


def test_one_pso_can_be_checked_alone():
    compliant_pso()
    make_pso("lonely-pso")
    out = StringIO()
    call_command("compliance", "--pso", "fine-pso", "--date", "2026-11-26", stdout=out)
    assert all(line.startswith("fine-pso\t") for line in out.getvalue().splitlines())


def test_an_unknown_pso_is_a_usage_error():
    with pytest.raises(CommandError) as raised:
        call_command("compliance", "--pso", "nope")
    assert raised.value.returncode == 2
