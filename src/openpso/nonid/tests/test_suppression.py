"""Small-cell suppression: worked examples reasoned by hand, and the group-by helper."""

from __future__ import annotations

import pytest

from openpso.nonid.suppression import (
    Cell,
    Reason,
    Rules,
    Status,
    configured_rules,
    suppress_counts,
    suppress_list,
    suppress_table,
)


def c(count: int, providers: int = 5) -> Cell:
    return Cell(count, min(count, providers))


def statuses(outcomes):
    return [o.status for o in outcomes]


P, X, S = Status.PUBLISHED, Status.COMPLEMENTARY, Status.PRIMARY


def test_a_hand_worked_3x3_table_hides_a_four_cell_cycle():
    #        c1  c2  c3 | total
    #   r1   20   3  40 |  63
    #   r2   25  30  35 |  90
    #   r3   15  12  50 |  77
    #        60  45 125 | 230
    # The 3 is primary. Row 1 then hides its smallest other cell (20); column 2 hides 12 (the
    # smallest other); column 1 now hides one cell, and 15 closes the cycle because row 3 already
    # hides the 12. With x = the hidden 3: 20 = 23 - x, 12 = 15 - x, 15 = 12 + x, so x can be
    # anything in [0, 15] — 15 wide, more than the threshold of 11. Every total stays published.
    table = suppress_table([[c(20), c(3), c(40)], [c(25), c(30), c(35)], [c(15), c(12), c(50)]])
    assert [statuses(row) for row in table.cells] == [[X, S, P], [P, P, P], [X, X, P]]
    assert table.cells[0][1].reasons == (Reason.LOW_COUNT,)
    assert table.cells[0][1].interval == (0, 15)
    assert table.cells[0][0].interval == (8, 23)
    assert table.cells[2][0].interval == (12, 27)
    assert [o.shown for o in table.row_totals] == [63, 90, 77]
    assert [o.shown for o in table.column_totals] == [60, 45, 125]
    assert table.grand_total.shown == 230


def test_one_small_cell_in_a_list_with_a_total_forces_a_second():
    result = suppress_list([c(3), c(50), c(80)])
    assert statuses(result.cells) == [S, X, P]
    assert result.cells[1].reasons == (Reason.COMPLEMENTARY,)
    assert result.total.shown == 133
    assert result.cells[0].interval == (0, 53)


def test_hidden_cells_of_a_line_that_add_up_to_less_than_the_threshold_hide_one_more():
    # 3 + 4 = 7 would tell that each is at most 7; the protection width (11) hides the 100 too.
    assert statuses(suppress_list([c(3), c(4), c(100)]).cells) == [S, S, X]


def test_a_protection_of_one_only_keeps_hidden_cells_from_being_recomputed_exactly():
    result = suppress_list([c(3), c(4), c(100)], rules=Rules(protection=1))
    assert statuses(result.cells) == [S, S, P]
    assert result.cells[0].interval == (0, 7)


def test_zeros_are_shown_and_never_used_as_complementary_cells():
    result = suppress_list([Cell(0, 0), c(3), Cell(0, 0), c(40)])
    assert statuses(result.cells) == [P, S, P, X]
    assert result.cells[0].shown == 0


def test_a_large_count_from_too_few_providers_is_hidden():
    result = suppress_list([Cell(500, 2), c(400), c(300)])
    assert result.cells[0].status == S
    assert result.cells[0].reasons == (Reason.FEW_PROVIDERS,)
    assert statuses(result.cells) == [S, P, X]  # the smallest partner protects it


def test_a_cell_dominated_by_one_provider_is_hidden_when_dominance_is_checked():
    dominated = Cell(100, 3, provider_counts=(90, 5, 5))
    assert suppress_list([dominated], total=None).cells[0].status == P
    result = suppress_list([dominated], total=None, rules=Rules(dominance=0.8))
    assert result.cells[0].reasons == (Reason.DOMINANCE,)


def test_a_row_total_below_the_threshold_is_hidden_and_cannot_be_recomputed_from_the_grand_total():
    table = suppress_table([[c(2), c(3)], [c(40), c(50)], [c(60), c(70)]])
    assert table.row_totals is not None
    total = table.row_totals[0]
    assert total.status == S
    assert total.interval is not None
    low, high = total.interval
    assert high is None or high - low >= 11
    assert all(o.status != P for o in table.cells[0])


def test_a_table_smaller_than_the_threshold_hides_everything_but_zeros():
    table = suppress_table([[c(1), Cell(0, 0)], [c(2), c(3)]])
    assert [[o.shown for o in row] for row in table.cells] == [[None, 0], [None, None]]
    assert table.grand_total.shown is None


def test_without_totals_only_small_cells_are_hidden():
    table = suppress_table([[c(3), c(30)], [c(40), c(50)]], row_totals=None, column_totals=None, grand_total=None)
    assert [statuses(row) for row in table.cells] == [[S, P], [P, P]]
    assert table.row_totals is None
    assert table.grand_total is None


def test_given_totals_must_add_up():
    with pytest.raises(ValueError, match="sum of its cells"):
        suppress_list([c(30), c(40)], total=Cell(71, 5))


def test_a_cell_with_events_needs_providers():
    with pytest.raises(ValueError, match="at least one event"):
        Cell(5, 0)
    with pytest.raises(ValueError, match="at least one event"):
        Cell(2, 3)


def test_the_thresholds_come_from_settings(settings):
    settings.SMALL_CELL_MIN_COUNT = 5
    settings.SMALL_CELL_MIN_PROVIDERS = 2
    assert configured_rules() == Rules(min_count=5, min_providers=2)


def test_defaults_are_eleven_events_and_three_providers():
    assert configured_rules() == Rules(min_count=11, min_providers=3)


def test_suppress_counts_hides_counts_and_providers_in_a_one_way_group_by():
    rows = [
        {"category": "A48", "events": 40, "providers": 6},
        {"category": "A54", "events": 4, "providers": 2},
        {"category": "A66", "events": 25, "providers": 4},
    ]
    out = suppress_counts(rows, by=["category"], rules=Rules())
    assert out[0] == {"category": "A48", "events": 40, "providers": 6, "suppressed": False}
    assert out[1] == {"category": "A54", "events": None, "providers": None, "suppressed": True}
    assert out[2]["suppressed"] is True  # the complementary cell: 25 is smaller than 40
    assert out[3] == {"category": None, "events": 69, "providers": 6, "suppressed": False}


def test_suppress_counts_takes_the_totals_providers_when_given():
    rows = [{"category": "A48", "events": 12, "providers": 2}, {"category": "A54", "events": 13, "providers": 2}]
    derived = suppress_counts(rows, by=["category"], rules=Rules())
    assert derived[-1]["suppressed"] is True  # the total might come from two providers only
    given = suppress_counts(rows, by=["category"], totals=[{"category": None, "events": 25, "providers": 4}])
    assert given[-1] == {"category": None, "events": 25, "providers": 4, "suppressed": False}


def test_suppress_counts_in_two_ways_adds_rollup_totals_and_treats_missing_combinations_as_zero():
    rows = [
        {"month": "2026-01", "category": "A48", "events": 30, "providers": 5},
        {"month": "2026-01", "category": "A54", "events": 2, "providers": 1},
        {"month": "2026-02", "category": "A48", "events": 33, "providers": 5},
        {"month": "2026-02", "category": "A54", "events": 40, "providers": 5},
        {"month": "2026-03", "category": "A48", "events": 35, "providers": 5},
    ]
    out = suppress_counts(rows, by=["month", "category"], rules=Rules())
    cells = {(r["month"], r["category"]): r for r in out}
    assert cells[("2026-01", "A54")]["events"] is None
    assert ("2026-03", "A54") not in cells  # the missing combination is a known zero, not listed
    assert {k for k in cells if None in k} == {
        ("2026-01", None),
        ("2026-02", None),
        ("2026-03", None),
        (None, "A48"),
        (None, "A54"),
        (None, None),
    }
    hidden = [k for k, r in cells.items() if r["suppressed"]]
    assert len(hidden) >= 4  # a cycle at least: 2 in January, its partners in February
    assert cells[(None, None)]["events"] in (140, None)


def test_suppress_counts_without_totals_publishes_no_total_rows():
    rows = [{"unit": "ED", "events": 3, "providers": 3}, {"unit": "ICU", "events": 30, "providers": 3}]
    out = suppress_counts(rows, by=["unit"], with_totals=False, rules=Rules())
    assert [r["suppressed"] for r in out] == [True, False]


def test_suppress_counts_refuses_a_none_group_and_duplicates():
    with pytest.raises(ValueError, match="name the unknown group"):
        suppress_counts([{"unit": None, "events": 3, "providers": 1}], by=["unit"], rules=Rules())
    twice = [{"unit": "ED", "events": 3, "providers": 1}] * 2
    with pytest.raises(ValueError, match="appears twice"):
        suppress_counts(twice, by=["unit"], rules=Rules())
