"""The queries' numbers against a hand count of a nine-event lake (engine_fixtures.EVENTS)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openpso.analytics import expressions
from openpso.analytics.engine import Lake
from openpso.analytics.expressions import Scope
from openpso.analytics.tests.engine_fixtures import write_tiny_lake

ALL = Scope()


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    return Lake(write_tiny_lake(tmp_path_factory.mktemp("tiny-lake")))


def rows(lake: Lake, expr: Any) -> list[tuple[object, ...]]:
    frame = lake.execute(expr)
    return [tuple(None if v != v else v for v in row) for row in frame.itertuples(index=False)]  # NaN -> None


def test_it_counts_events_per_month_with_the_providers_behind_them(lake: Lake) -> None:
    assert rows(lake, expressions.monthly_counts(lake, ALL)) == [
        ("2026-01", 4, 3),
        ("2026-02", 3, 3),
        ("2026-03", 2, 2),
    ]


def test_harmful_only_counts_death_severe_moderate_and_mild(lake: Lake) -> None:
    # E-1 moderate, E-6 death (January); E-3 severe, E-5 mild (February); no-harm and unknown are not harm.
    assert rows(lake, expressions.monthly_counts(lake, ALL, harmful_only=True)) == [
        ("2026-01", 2, 2),
        ("2026-02", 2, 2),
    ]


def test_a_category_counts_only_its_events(lake: Lake) -> None:
    assert rows(lake, expressions.monthly_counts(lake, ALL, category="A48")) == [("2026-01", 2, 2), ("2026-02", 3, 3)]


def test_an_event_counts_once_in_each_of_its_categories(lake: Lake) -> None:
    assert rows(lake, expressions.category_counts(lake, ALL)) == [
        ("A48", 5, 3),
        ("A54", 3, 3),
        ("A44", 1, 1),
        ("A60", 1, 1),
    ]


def test_category_by_unit_type_is_counted_from_the_events(lake: Lake) -> None:
    found = rows(lake, expressions.monthly_counts(lake, ALL, by=("category", "unit_type"), category="A48"))
    assert found == [
        ("2026-01", "A48", "icu", 1, 1),
        ("2026-01", "A48", "ltc", 1, 1),
        ("2026-02", "A48", "icu", 1, 1),
        ("2026-02", "A48", "ltc", 1, 1),
        ("2026-02", "A48", None, 1, 1),  # no unit type: its own group, sorted last
    ]


def test_exposure_is_each_provider_types_own_measure(lake: Lake) -> None:
    # Hospitals count per patient-day (their admissions are ignored), EMS per response.
    found = rows(lake, expressions.monthly_exposure(lake, Scope(months=("2026-01", "2026-01")), by=("provider_type",)))
    assert found == [
        ("2026-01", "ems_agency", 250.0, 1),
        ("2026-01", "hospital", 4000.0, 2),
        ("2026-01", "nursing_home", 500.0, 1),
    ]


def test_provider_counts_keep_providers_with_no_events(lake: Lake) -> None:
    found = rows(lake, expressions.provider_counts(lake, ALL, category="A48"))
    assert found == [
        ("P-EMS", "ems_agency", "small", "midwest", 0, 750.0),
        ("P-HOSPA", "hospital", "100-299", "south", 2, 3000.0),
        ("P-HOSPB", "hospital", "300+", "west", 1, 9000.0),
        ("P-NURSE", "nursing_home", "<100", "south", 2, 1500.0),
    ]


def test_factors_count_each_event_once_over_all_categories(lake: Lake) -> None:
    # Staffing: E-1 (falls), E-2 (medication and device: once over all, once in each category), E-7 (falls).
    assert rows(lake, expressions.factor_counts(lake, ALL)) == [
        ("OPSO-SIR-CF-STAFFING", 3, 2),
        ("A66", 1, 1),
        ("OPSO-SIR-CF-HUMAN", 1, 1),
    ]
    assert rows(lake, expressions.factor_counts(lake, ALL, category="A48")) == [("OPSO-SIR-CF-STAFFING", 2, 2)]
    assert rows(lake, expressions.factor_counts(lake, ALL, category="A54")) == [
        ("A66", 1, 1),
        ("OPSO-SIR-CF-HUMAN", 1, 1),
        ("OPSO-SIR-CF-STAFFING", 1, 1),
    ]


def test_harm_counts_only_incidents(lake: Lake) -> None:
    found = {harm: n for harm, n, _ in rows(lake, expressions.harm_counts(lake, ALL))}
    assert found == {"LA21151-8": 2, "LA20747-4": 1, "LA20748-2": 1, "LA20749-0": 1, "LA21150-0": 1, "LA4489-6": 1}


def test_scope_narrows_to_a_provider_type_and_months(lake: Lake) -> None:
    scope = Scope(provider_type="hospital", months=("2026-01", "2026-02"))
    assert rows(lake, expressions.unit_type_monthly(lake, scope)) == [
        ("2026-01", "icu", 1, 1),
        ("2026-01", "med_surg", 2, 2),
        ("2026-02", "icu", 1, 1),
    ]


def test_scope_narrows_to_named_providers(lake: Lake) -> None:
    scope = Scope(providers=frozenset({"P-NURSE", "P-EMS"}))
    assert rows(lake, expressions.monthly_counts(lake, scope)) == [
        ("2026-01", 1, 1),
        ("2026-02", 1, 1),
        ("2026-03", 2, 2),
    ]
    assert rows(lake, expressions.monthly_exposure(lake, scope))[0] == ("2026-01", 750.0, 2)


def test_drill_down_lists_a_categorys_events_newest_first(lake: Lake) -> None:
    frame = lake.execute(expressions.events_matching(lake, ALL, category="A48", unit_type="icu"))
    assert list(frame["event_key"]) == ["E-3", "E-1"]
    assert list(frame.columns) == [
        "event_key",
        "event_month",
        "provider",
        "provider_type",
        "categories",
        "harm",
        "unit_type",
        "narrative",
    ]


def test_a_lake_without_contributing_factors_gives_empty_factor_counts(tmp_path: Path) -> None:
    lake = Lake(write_tiny_lake(tmp_path, factors=False))
    assert not (tmp_path / "contributing_factors").exists()
    assert lake.execute(expressions.factor_counts(lake, ALL)).empty


def test_a_signal_series_can_leave_the_provider_count_out(lake: Lake) -> None:
    found = lake.execute(expressions.monthly_counts(lake, ALL, by=("category",), providers=False))
    assert list(found.columns) == ["event_month", "category", "n"]
    assert found["n"].sum() == 10  # nine events, one of them in two categories
