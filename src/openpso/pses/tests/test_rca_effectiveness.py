"""Effectiveness figures: exact Poisson intervals and before/after event rates.

Reference values: the exact (Garwood 1936) Poisson 95% limits as tabulated in Breslow &
Day, "Statistical Methods in Cancer Research" vol. II (IARC 1987), and as returned by
R's `poisson.test(k)$conf.int`: k=3 → 0.6186721–8.7672731; k=12 → 6.2005751–20.9615850;
k=100 → 81.36399–121.62679. k=0 and k=1 are closed-form: upper(0) = −ln 0.025 = 3.688879,
lower(1) = −ln 0.975 = 0.025318.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from openpso.organizations.models import Denominator
from openpso.pses.rca import effectiveness as eff
from openpso.pses.rca.models import ActionItem, Investigation
from openpso.pses.tests.helpers import make_report


@pytest.mark.parametrize(
    ("count", "lower", "upper"),
    [
        (0, 0.0, 3.688879),
        (1, 0.025318, 5.571643),
        (3, 0.618672, 8.767273),
        (12, 6.200575, 20.961585),
        (100, 81.36399, 121.62679),
    ],
)
def test_the_exact_poisson_interval_matches_the_published_limits(count, lower, upper):
    low, high = eff.poisson_interval(count)
    assert low == pytest.approx(lower, abs=5e-6)
    assert high == pytest.approx(upper, abs=5e-6)


def test_the_closed_form_limits_for_zero_and_one_event():
    assert eff.poisson_interval(0)[1] == pytest.approx(-math.log(0.025), rel=1e-10)
    assert eff.poisson_interval(1)[0] == pytest.approx(-math.log(0.975), rel=1e-10)


def test_the_gamma_quantile_inverts_the_regularised_gamma():
    for shape in (1, 2, 7, 40):
        for p in (0.025, 0.5, 0.975):
            assert eff.gamma_p(shape, eff.gamma_quantile(p, shape)) == pytest.approx(p, abs=1e-10)
    # P(1, x) = 1 − e^(−x): the exponential distribution.
    assert eff.gamma_p(1, 2.0) == pytest.approx(1 - math.exp(-2.0))


def test_twelve_falls_before_and_three_after_over_nine_thousand_patient_days():
    # Hand-worked: 12 / 9000 × 1000 = 1.333 per 1,000 (CI 6.2006/9 = 0.689 to 20.9616/9 = 2.329);
    # 3 / 9000 × 1000 = 0.333 (CI 0.6187/9 = 0.069 to 8.7673/9 = 0.974); change −1.000, ratio 0.25, −75 %.
    c = eff.compare(before_count=12, before_denominator=9000, after_count=3, after_denominator=9000)
    assert c.before.lower is not None
    assert c.before.upper is not None
    assert c.after.lower is not None
    assert c.after.upper is not None
    assert c.before.rate == pytest.approx(1.333333, abs=1e-6)
    assert (round(c.before.lower, 3), round(c.before.upper, 3)) == (0.689, 2.329)
    assert c.after.rate == pytest.approx(0.333333, abs=1e-6)
    assert (round(c.after.lower, 3), round(c.after.upper, 3)) == (0.069, 0.974)
    assert c.difference == pytest.approx(-1.0)
    assert c.ratio == pytest.approx(0.25)
    assert c.percent_change == pytest.approx(-75.0)


def test_a_missing_denominator_leaves_the_rate_uncomputed():
    c = eff.compare(before_count=2, before_denominator=None, after_count=1, after_denominator=100)
    assert c.before.rate is None
    assert c.difference is None


def test_the_measure_follows_the_provider_type():
    assert eff.measure_for("hospital") == "patient_days"
    assert eff.measure_for("nursing_home") == "patient_days"
    assert eff.measure_for("ems_agency") == "ems_responses"
    assert eff.measure_for("ambulatory") == "encounters"


def _month_starts(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


@pytest.mark.django_db
def test_the_review_gathers_counts_and_prorated_denominators(cast):
    provider, unit = cast.orgs["p1"], cast.units["p1"]
    # 100 patient-days a day: every 90-day window holds exactly 9,000.
    for month in _month_starts(dt.date(2024, 9, 1), dt.date(2025, 8, 1)):
        days = ((month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - month).days
        Denominator.objects.create(provider=provider, month=month, measure="patient_days", value=100 * days)
    implemented = dt.date(2025, 3, 1)
    for i in range(12):  # before: 2024-12-01 … 2025-02-28
        make_report(cast, discovered_at=dt.datetime(2024, 12, 5 + i, 10, tzinfo=dt.UTC))
    for i in range(3):  # after
        make_report(cast, discovered_at=dt.datetime(2025, 4, 5 + i, 10, tzinfo=dt.UTC))
    make_report(cast, categories=["A54"], discovered_at=dt.datetime(2025, 4, 9, 10, tzinfo=dt.UTC))  # other category
    make_report(cast, unit=None, discovered_at=dt.datetime(2025, 4, 9, 10, tzinfo=dt.UTC))  # no unit
    make_report(cast, "p2", discovered_at=dt.datetime(2025, 4, 9, 10, tzinfo=dt.UTC))  # other provider
    from openpso.pses.rca import actions as rca
    from openpso.pses.safety_events.actions import create_event

    event = create_event(user=None, report=cast.reports["r1"])
    investigation = rca.start_investigation(user=None, event=event)
    action = ActionItem.objects.create(
        investigation=investigation,
        action="x",
        action_type="forcing_function",
        owner=cast.users["safety_manager"],
        due_on=implemented,
        category="A48",
        unit=unit,
        implemented_on=implemented,
    )
    review = eff.review_for(action, 90, today=dt.date(2025, 5, 29))
    assert review is not None
    assert (review.before_start, review.after_end) == (dt.date(2024, 12, 1), dt.date(2025, 5, 30))
    assert not review.due
    later = eff.review_for(action, 90, today=dt.date(2025, 5, 30))
    assert later is not None
    assert later.due
    c = review.comparison
    assert c.before.lower is not None
    assert c.after.upper is not None
    assert (c.before.count, c.after.count) == (12, 3)
    assert c.before.denominator == pytest.approx(9000)
    assert c.after.denominator == pytest.approx(9000)
    assert (round(c.before.lower, 3), round(c.after.upper, 3)) == (0.689, 0.974)
    assert isinstance(Investigation.objects.get(), Investigation)


@pytest.mark.django_db
def test_reports_linked_into_one_event_count_once(cast):
    from openpso.pses.safety_events.actions import create_event, link_report

    at = dt.datetime(2025, 4, 9, 10, tzinfo=dt.UTC)
    first, second = make_report(cast, discovered_at=at), make_report(cast, discovered_at=at)
    event = create_event(user=None, report=first)
    link_report(user=None, event=event, report=second)
    count = eff.event_count(
        provider_id=cast.orgs["p1"].pk,
        category="A48",
        unit_id=cast.units["p1"].pk,
        start=dt.date(2025, 4, 1),
        end=dt.date(2025, 5, 1),
    )
    assert count == 1
