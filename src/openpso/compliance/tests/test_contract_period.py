"""The 24-month rule: bona fide contracts with at least two providers in each period (3.102(b)(1)(i)(C))."""

from __future__ import annotations

import datetime as dt

import pytest

from openpso.compliance.register import Level, contract_period, register_for
from openpso.compliance.tests.helpers import LISTED, contract, make_pso

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 26)  # in period 2: 2026-03-15 to 2028-03-14


def flag(pso, today=TODAY):
    return next(f for f in register_for(pso=pso, today=today).flags if f.code == "contracts")


def test_periods_run_24_months_from_the_initial_listing():
    assert contract_period(listed_on=LISTED, today=LISTED) == (1, LISTED, dt.date(2026, 3, 14))
    assert contract_period(listed_on=LISTED, today=dt.date(2026, 3, 14))[0] == 1
    assert contract_period(listed_on=LISTED, today=TODAY) == (2, dt.date(2026, 3, 15), dt.date(2028, 3, 14))


def test_a_listing_on_the_31st_counts_periods_to_the_end_of_shorter_months():
    assert contract_period(listed_on=dt.date(2024, 1, 31), today=dt.date(2026, 3, 1))[1:] == (
        dt.date(2026, 1, 31),
        dt.date(2028, 1, 30),
    )


def test_one_provider_under_contract_is_a_red_flag():
    pso = make_pso()
    contract(pso, "only", dt.date(2025, 1, 1))
    found = flag(pso)
    assert found.level == Level.RED
    assert "Only 1 provider" in found.text


def test_two_providers_under_contract_raise_no_flag():
    pso = make_pso()
    contract(pso, "first", dt.date(2025, 1, 1))
    contract(pso, "second", dt.date(2026, 6, 1))
    assert flag(pso).level == Level.GREEN


def test_two_agreements_of_the_same_provider_count_once():
    pso = make_pso()
    contract(pso, "same", dt.date(2025, 1, 1), dt.date(2026, 5, 31))
    contract(pso, "same", dt.date(2026, 6, 1))
    assert flag(pso).level == Level.RED


def test_agreements_outside_the_current_period_do_not_count():
    pso = make_pso()
    contract(pso, "current", dt.date(2025, 1, 1))
    contract(pso, "ended-before", dt.date(2024, 4, 1), dt.date(2026, 3, 14))  # period 1 only
    contract(pso, "signed-for-later", dt.date(2027, 1, 1))  # in period 2, but not yet in force
    assert flag(pso).level == Level.RED


def test_a_provider_whose_contract_ended_during_the_period_still_counts_for_it():
    pso = make_pso()
    contract(pso, "current", dt.date(2025, 1, 1))
    contract(pso, "left", dt.date(2024, 4, 1), dt.date(2026, 4, 30))
    found = flag(pso)
    assert found.level == Level.AMBER  # met for this period, but one in force today
    assert "1 in force today" in found.text


def test_without_a_listing_the_period_is_unknown_and_flagged_red():
    pso = make_pso(listed=None)
    contract(pso, "a", dt.date(2025, 1, 1))
    contract(pso, "b", dt.date(2025, 1, 1))
    found = flag(pso)
    assert found.level == Level.RED
    assert "period is unknown" in found.text


def test_another_psos_agreements_do_not_count():
    pso, other = make_pso(), make_pso("other-pso")
    contract(pso, "mine", dt.date(2025, 1, 1))
    contract(other, "theirs", dt.date(2025, 1, 1))
    assert flag(pso).level == Level.RED
