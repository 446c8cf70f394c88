"""Month arithmetic, in its one module."""

from __future__ import annotations

import datetime as dt

import pytest

from openpso.lib.months import (
    add_months,
    last_full_month,
    month_bounds,
    month_index,
    month_label,
    month_range,
    parse_month,
    shift_month,
)


def test_months_shift_across_year_ends_both_ways():
    assert shift_month("2026-01", -1) == "2025-12"
    assert shift_month("2025-12", 1) == "2026-01"
    assert shift_month("2026-10", -11) == "2025-11"
    assert month_label(month_index("2024-02")) == "2024-02"


def test_a_month_range_includes_both_ends_and_is_empty_when_reversed():
    assert month_range("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert month_range("2026-03", "2026-02") == []


def test_a_day_the_target_month_lacks_becomes_its_last_day():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 3, 31), -1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 11, 1), -23) == dt.date(2024, 12, 1)


def test_month_bounds_parse_and_the_last_full_month():
    assert month_bounds("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert parse_month("2026-10") == dt.date(2026, 10, 1)
    assert last_full_month(dt.date(2026, 1, 1)) == "2025-12"
    with pytest.raises(ValueError, match="is not a month like 2026-10"):
        parse_month("2026-13")
