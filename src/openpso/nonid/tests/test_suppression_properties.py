"""Suppression holds on adversarial tables (hypothesis), checked by an audit written here
independently of the module: from the published numbers alone, linear programming bounds every
hidden value, and no hidden value may be pinned down."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog  # type: ignore[import-untyped]

from openpso.nonid.suppression import Cell, Rules, Status, suppress_list, suppress_table

SMALL_AND_LARGE = st.sampled_from([0, 0, 1, 1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 15, 20, 35, 60, 150, 400])


@st.composite
def cells(draw):
    count = draw(st.one_of(SMALL_AND_LARGE, st.integers(0, 80)))
    if count == 0:
        return Cell(0, 0)
    # Often a single provider: the cells a PSO most needs to hide.
    providers = draw(st.one_of(st.just(1), st.integers(1, min(count, 8))))
    return Cell(count, providers)


@st.composite
def tables(draw):
    n_rows, n_cols = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    grid = [[draw(cells()) for _ in range(n_cols)] for _ in range(n_rows)]
    if draw(st.booleans()):  # one row entirely small
        row = draw(st.integers(0, n_rows - 1))
        grid[row] = [
            Cell(n, 1 if n else 0) for n in draw(st.lists(st.integers(0, 6), min_size=n_cols, max_size=n_cols))
        ]
    return grid


RULES = st.builds(
    Rules,
    min_count=st.sampled_from([11, 5, 3]),
    min_providers=st.sampled_from([3, 1, 2]),
    protection=st.sampled_from([None, 1]),
)


def audit(n_cells, published_cells, published_totals, target):
    """(min, max or None) of the sum over `target` given what is published; cells are >= 0.

    `published_cells`: {cell index: count}; `published_totals`: [(cell indices, total)].
    """
    unknown = [i for i in range(n_cells) if i not in published_cells]
    col = {i: k for k, i in enumerate(unknown)}
    a_eq, b_eq = [], []
    for members, total in published_totals:
        row = np.zeros(len(unknown))
        for i in members:
            if i in col:
                row[col[i]] = 1
        a_eq.append(row)
        b_eq.append(total - sum(published_cells.get(i, 0) for i in members))
    known = sum(published_cells.get(i, 0) for i in target)
    objective = np.zeros(len(unknown))
    for i in target:
        if i in col:
            objective[col[i]] = 1
    if not objective.any():
        return known, known
    kwargs = {"A_eq": np.array(a_eq), "b_eq": np.array(b_eq)} if a_eq else {}
    low = linprog(objective, bounds=(0, None), method="highs", **kwargs)
    high = linprog(-objective, bounds=(0, None), method="highs", **kwargs)
    assert low.status == 0, low.message
    assert high.status in (0, 3), high.message
    return known + round(low.fun), None if high.status == 3 else known - round(high.fun)


def check_published(outcome, rules):
    if outcome.published and outcome.count:
        assert outcome.count >= rules.min_count
        assert outcome.providers >= rules.min_providers


def check_hidden(outcome, bounds, rules):
    low, high = bounds
    assert low <= outcome.count
    assert high is None or outcome.count <= high
    need = rules.width if outcome.status == Status.PRIMARY else 1
    assert high is None or high - low >= need, f"{outcome} can be narrowed to {bounds}"
    assert outcome.interval == bounds  # the module reports what an attacker can work out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=tables(), rules=RULES, margins=st.sampled_from(["all", "rows+grand", "columns", "none"]))
def test_no_hidden_value_of_a_two_way_table_can_be_worked_out_from_what_is_published(grid, rules, margins):
    n_rows, n_cols = len(grid), len(grid[0])
    want_rows = margins in ("all", "rows+grand")
    want_cols = margins in ("all", "columns")
    want_grand = margins in ("all", "rows+grand")
    result = suppress_table(
        grid,
        row_totals="derive" if want_rows else None,
        column_totals="derive" if want_cols else None,
        grand_total="derive" if want_grand else None,
        rules=rules,
    )
    flat = [o for row in result.cells for o in row]
    totals = []  # (outcome, cell indices)
    if want_rows:
        totals += [(o, [r * n_cols + c for c in range(n_cols)]) for r, o in enumerate(result.row_totals or ())]
    if want_cols:
        totals += [(o, [r * n_cols + c for r in range(n_rows)]) for c, o in enumerate(result.column_totals or ())]
    if want_grand:
        assert result.grand_total is not None
        totals.append((result.grand_total, list(range(n_rows * n_cols))))
    # Margins are consistent: each total is the sum of the true cells, and cells are unchanged.
    assert [o.count for o in flat] == [cell.count for row in grid for cell in row]
    for outcome, members in totals:
        assert outcome.count == sum(flat[i].count for i in members)
    shown = {i: o.count for i, o in enumerate(flat) if o.published}
    equations = [(members, o.count) for o, members in totals if o.published]
    for i, outcome in enumerate(flat):
        check_published(outcome, rules)
        if outcome.count == 0:
            assert outcome.published  # zeros are kept
        if not outcome.published:
            check_hidden(outcome, audit(len(flat), shown, equations, [i]), rules)
    for outcome, members in totals:
        check_published(outcome, rules)
        if not outcome.published:
            check_hidden(outcome, audit(len(flat), shown, equations, members), rules)


@settings(max_examples=150, deadline=None)
@given(values=st.lists(cells(), min_size=1, max_size=7), rules=RULES, with_total=st.booleans())
def test_no_hidden_value_of_a_list_can_be_worked_out_from_its_total(values, rules, with_total):
    result = suppress_list(values, total="derive" if with_total else None, rules=rules)
    shown = {i: o.count for i, o in enumerate(result.cells) if o.published}
    equations = [(list(range(len(values))), result.total.count)] if with_total and result.total.published else []
    hidden = [i for i, o in enumerate(result.cells) if not o.published]
    if equations:
        assert len(hidden) != 1  # suppressing one cell forces a second
    for i, outcome in enumerate(result.cells):
        check_published(outcome, rules)
        if not outcome.published:
            check_hidden(outcome, audit(len(values), shown, equations, [i]), rules)
    if with_total:
        check_published(result.total, rules)
        assert result.total.count == sum(v.count for v in values)
        if not result.total.published:
            check_hidden(result.total, audit(len(values), shown, equations, range(len(values))), rules)
