"""The months a dashboard names are the months it shows: never before the lake's first month,
and the funnel's "recent" months counted, not assumed (issue 12 item 5)."""

from __future__ import annotations

import pytest

from openpso.analytics.panels import period_of
from openpso.analytics.suite import recent_months, recent_words
from openpso.analytics.tests.dashboard_lake import cast_lake, small_lake  # noqa: F401
from openpso.lib.months import month_range


def test_the_period_starts_at_the_lakes_first_month_when_the_lake_is_younger_than_two_years():
    months = month_range("2026-03", "2026-10")
    assert period_of(months, None) == ("2026-03", "2026-10")
    assert period_of(months, "2026-06") == ("2026-03", "2026-06")


def test_a_long_lake_still_shows_twenty_four_months():
    months = month_range("2020-01", "2026-10")
    assert period_of(months, None) == ("2024-11", "2026-10")


def test_no_months_no_period():
    assert period_of([], None) is None


def test_recent_months_are_twelve_or_what_the_period_holds():
    assert recent_months(("2024-11", "2026-10")) == ("2025-11", "2026-10")
    assert recent_words(("2024-11", "2026-10")) == "the 12 months 2025-11 to 2026-10"
    assert recent_words(("2026-08", "2026-10")) == "the 3 months 2026-08 to 2026-10"
    assert recent_words(("2026-10", "2026-10")) == "the 1 month 2026-10 to 2026-10"


@pytest.mark.django_db
def test_the_pso_dashboard_names_the_months_of_its_lake(client_for, cast_lake):  # noqa: F811
    body = client_for("pso_analyst").get("/analytics/pso/").content.decode()
    assert "Months 2024-11 to 2026-10." in body  # the synthetic lake's 24 months
    assert "over the 12 months 2025-11 to 2026-10" in body
    assert "last 12 months" not in body
