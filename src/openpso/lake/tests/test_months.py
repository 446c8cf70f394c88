from openpso.lake.months import month_index, month_label, month_range, shift_month


def test_months_shift_across_year_ends_both_ways():
    assert shift_month("2026-01", -1) == "2025-12"
    assert shift_month("2025-12", 1) == "2026-01"
    assert shift_month("2026-10", -11) == "2025-11"
    assert month_label(month_index("2024-02")) == "2024-02"


def test_a_month_range_includes_both_ends_and_is_empty_when_reversed():
    assert month_range("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert month_range("2026-03", "2026-02") == []
