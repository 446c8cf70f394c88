"""Small-cell suppression for every table that leaves the PSO analyst's own screen (docs/decisions/0011).

A non-zero count below `min_count` (11) or drawn from fewer than `min_providers` distinct
providers (3) is hidden — for a PSO a small cell can identify a *provider* as well as a patient
(regulatory-notes §3.4). Because totals are published too, more cells are hidden until no
hidden value can be worked out from what is shown (docs/decisions/0011-small-cell-suppression.md):

1. **Lines.** A published total whose line hides exactly one member hides a second — the
   smallest non-zero one, preferring one whose other line already hides something (closing a
   cycle). A line with nothing left to hide hides its total, which then counts in the line
   above (row totals → grand total).
2. **Exact audit.** For every hidden cell and total, `scipy.optimize.linprog` finds the least
   and greatest value the published cells and totals allow with no count negative — what an
   attacker can work out. A primary value needs a range at least `protection` wide (default
   `min_count`: "hidden cells of a line add up to at least the threshold"), a complementary one
   at least 1 (not exactly recomputable). Where it is narrower, the candidate whose hiding
   restores it is hidden too and the lines are closed again. Hiding more only widens ranges,
   so one pass suffices; the final ranges are returned as `Outcome.interval`.

**Zeros** are published, never hidden and never complementary: a zero has no contributors and
is often structural, so hiding one protects nothing; the audit counts them as known values.

The core is pure (no Django); `configured_rules()` reads the thresholds from settings and
`suppress_counts` wraps a long-format group-by. Reasons stay on the analyst's screen ("too few
providers" says a hidden count is not small): published rows carry only `suppressed`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

import numpy as np
from scipy.optimize import linprog  # type: ignore[import-untyped]


class Status(StrEnum):
    PUBLISHED = "published"
    PRIMARY = "suppressed_primary"
    COMPLEMENTARY = "suppressed_complementary"


class Reason(StrEnum):
    LOW_COUNT = "count_below_minimum"
    FEW_PROVIDERS = "fewer_providers_than_minimum"
    DOMINANCE = "one_provider_dominates"
    COMPLEMENTARY = "protects_another_cell"


@dataclass(frozen=True)
class Rules:
    min_count: int = 11
    min_providers: int = 3
    dominance: float | None = None  # hide a cell where one provider has more than this share
    protection: int | None = None  # minimum range of a primary hidden value; None: min_count

    def __post_init__(self) -> None:
        if self.min_count < 1 or self.min_providers < 1:
            raise ValueError("min_count and min_providers: must be at least 1")
        if self.dominance is not None and not 0 < self.dominance <= 1:
            raise ValueError("dominance: must be a share above 0 and at most 1")
        if self.protection is not None and self.protection < 1:
            raise ValueError("protection: must be at least 1")

    @property
    def width(self) -> int:
        return self.min_count if self.protection is None else self.protection


@dataclass(frozen=True)
class Cell:
    """A count, the distinct providers behind it, and optionally each provider's share of it."""

    count: int
    providers: int
    provider_counts: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.count < 0 or self.providers < 0:
            raise ValueError(f"{self}: counts cannot be negative")
        if (self.count == 0) != (self.providers == 0) or self.providers > self.count:
            raise ValueError(f"{self}: each provider contributes at least one event")
        if self.provider_counts and (
            sum(self.provider_counts) != self.count or len(self.provider_counts) != self.providers
        ):
            raise ValueError(f"{self}: provider_counts must add up to count, one per provider")


@dataclass(frozen=True)
class Outcome:
    count: int
    providers: int
    status: Status
    reasons: tuple[Reason, ...] = ()
    interval: tuple[int, int | None] | None = None  # what the published numbers allow; None: shown

    @property
    def published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def shown(self) -> int | None:
        return self.count if self.published else None


@dataclass(frozen=True)
class SuppressedList:
    cells: tuple[Outcome, ...]
    total: Outcome | None


@dataclass(frozen=True)
class SuppressedTable:
    cells: tuple[tuple[Outcome, ...], ...]
    row_totals: tuple[Outcome, ...] | None
    column_totals: tuple[Outcome, ...] | None
    grand_total: Outcome | None


# A published total: given exactly, or "derive": the sum, with the largest cell's provider count
# as a lower bound of its providers (conservative: it may hide a total that really has enough).
Total = Cell | Literal["derive"]
Totals = Sequence[Total] | Literal["derive"] | None  # one per row or column; None: not published


def suppress_list(
    cells: Sequence[Cell], *, total: Total | None = "derive", rules: Rules | None = None
) -> SuppressedList:
    """Suppress a 1-D table (a list of counts and, unless `total` is None, their total)."""
    problem = _Problem(rules or Rules(), [*cells])
    if total is not None:
        t = problem.add_margin(range(len(cells)), total)
        problem.lines.append((t, tuple(range(len(cells)))))
    out = problem.solve()
    return SuppressedList(tuple(out[: len(cells)]), out[len(cells)] if total is not None else None)


def suppress_table(
    cells: Sequence[Sequence[Cell]],
    *,
    row_totals: Totals = "derive",
    column_totals: Totals = "derive",
    grand_total: Total | None = "derive",
    rules: Rules | None = None,
) -> SuppressedTable:
    """Suppress a 2-D table with whichever margins will be published (None: not published)."""
    n_rows, n_cols = len(cells), len(cells[0]) if cells else 0
    if any(len(row) != n_cols for row in cells):
        raise ValueError("cells: every row needs the same number of columns")
    problem = _Problem(rules or Rules(), [c for row in cells for c in row])

    def margins(given: Totals, groups: list[tuple[int, ...]]) -> list[int] | None:
        if given is None:
            return None
        specs: list[Total] = [given] * len(groups) if isinstance(given, str) else list(given)
        if len(specs) != len(groups):
            raise ValueError(f"totals: expected {len(groups)}, got {len(specs)}")
        found = []
        for members, spec in zip(groups, specs, strict=True):
            found.append(problem.add_margin(members, spec))
            problem.lines.append((found[-1], members))
        return found

    row_groups = [tuple(r * n_cols + c for c in range(n_cols)) for r in range(n_rows)]
    col_groups = [tuple(r * n_cols + c for r in range(n_rows)) for c in range(n_cols)]
    rows = margins(row_totals, row_groups)
    cols = margins(column_totals, col_groups)
    grand = None
    if grand_total is not None:
        grand = problem.add_margin(range(n_rows * n_cols), grand_total)
        for level in (rows, cols):
            if level is not None:
                problem.lines.append((grand, tuple(level)))
        if rows is None and cols is None:
            problem.lines.append((grand, tuple(range(n_rows * n_cols))))
    out = problem.solve()

    def picked(indices: list[int] | None) -> tuple[Outcome, ...] | None:
        return None if indices is None else tuple(out[i] for i in indices)

    return SuppressedTable(
        cells=tuple(tuple(out[r * n_cols : (r + 1) * n_cols]) for r in range(n_rows)),
        row_totals=picked(rows),
        column_totals=picked(cols),
        grand_total=None if grand is None else out[grand],
    )


class _Problem:
    """Cells and published totals (each the sum of some cells), and the lines that tie them."""

    def __init__(self, rules: Rules, cells: list[Cell]) -> None:
        self.rules = rules
        self.n_cells = len(cells)
        self.values: list[Cell] = list(cells)
        self.members: list[tuple[int, ...]] = [(i,) for i in range(len(cells))]
        self.lines: list[tuple[int, tuple[int, ...]]] = []  # (total, members)
        self.status: list[Status] = []
        self.reasons: list[tuple[Reason, ...]] = []
        self._lines_of: list[list[int]] = []
        self._version = 0
        self._cached: tuple[int, dict[int, int], np.ndarray, np.ndarray] | None = None

    def add_margin(self, members: Sequence[int], spec: Total) -> int:
        members = tuple(members)
        total = sum(self.values[i].count for i in members)
        most = max((self.values[i].providers for i in members), default=0)
        if spec == "derive":
            spec = Cell(total, most)
        elif not isinstance(spec, Cell) or spec.count != total or spec.providers < most:
            raise ValueError(f"total {spec}: must be the sum of its cells ({total}) from at least {most} providers")
        self.values.append(spec)
        self.members.append(members)
        return len(self.values) - 1

    def solve(self) -> list[Outcome]:
        self.status = [Status.PUBLISHED] * len(self.values)
        self.reasons = [() for _ in self.values]
        self._lines_of = [[] for _ in self.values]
        for n, (total, members) in enumerate(self.lines):
            for e in (total, *members):
                self._lines_of[e].append(n)
        for e, cell in enumerate(self.values):
            reasons = self._primary_reasons(cell)
            if reasons:
                self._set(e, Status.PRIMARY, reasons)
        self._close_lines()
        final = self._protect()
        return [
            Outcome(cell.count, cell.providers, self.status[e], self.reasons[e], final.get(e))
            for e, cell in enumerate(self.values)
        ]

    # --- step 1: primary suppression, then lines --------------------------------------------
    def _primary_reasons(self, cell: Cell) -> tuple[Reason, ...]:
        if cell.count == 0:
            return ()  # zeros are shown: see the module note
        rules, reasons = self.rules, []
        if cell.count < rules.min_count:
            reasons.append(Reason.LOW_COUNT)
        if cell.providers < rules.min_providers:
            reasons.append(Reason.FEW_PROVIDERS)
        dominance = rules.dominance
        if dominance is not None and cell.provider_counts and max(cell.provider_counts) > dominance * cell.count:
            reasons.append(Reason.DOMINANCE)
        return tuple(reasons)

    def hidden(self, e: int) -> bool:
        return self.status[e] != Status.PUBLISHED

    def _set(self, e: int, status: Status, reasons: tuple[Reason, ...]) -> None:
        self.status[e], self.reasons[e] = status, reasons
        self._version += 1

    def _hide(self, e: int) -> None:
        self._set(e, Status.COMPLEMENTARY, (Reason.COMPLEMENTARY,))

    def _in_line(self, n: int) -> tuple[int, ...]:
        return (self.lines[n][0], *self.lines[n][1])

    def _candidates(self, pool: Sequence[int], near: int | None = None, line: int | None = None) -> list[int]:
        """Shown, non-zero elements, best first: near the problem, in a line that already hides
        something (closing a cycle), cells before totals, small before large."""

        def key(e: int) -> tuple[bool, bool, bool, int, int]:
            lines = self._lines_of[e]
            close = near is not None and any(near in self._in_line(n) for n in lines)
            touching = any(self.hidden(x) for n in lines if n != line for x in self._in_line(n))
            return (not close, not touching, e >= self.n_cells, self.values[e].count, e)

        return sorted((e for e in pool if not self.hidden(e) and self.values[e].count > 0), key=key)

    def _close_lines(self) -> None:
        changed = True
        while changed:
            changed = False
            for n, (total, members) in enumerate(self.lines):
                hidden = [m for m in members if self.hidden(m)]
                if self.hidden(total):
                    # A hidden total whose members are all shown is their sum.
                    need = not hidden and any(self.values[m].count for m in members)
                else:
                    need = len(hidden) == 1  # the total minus the shown members is the hidden one
                if need:
                    found = self._candidates(members, line=n)
                    self._hide(found[0] if found else total)
                    changed = True

    # --- step 2: the exact audit --------------------------------------------------------------
    def _system(self) -> tuple[dict[int, int], np.ndarray, np.ndarray]:
        """Hidden cells as unknowns; one equation per published total that covers any of them."""
        if self._cached is not None and self._cached[0] == self._version:
            return self._cached[1:]
        where = {i: k for k, i in enumerate(i for i in range(self.n_cells) if self.hidden(i))}
        rows, rhs = [], []
        for e in range(self.n_cells, len(self.values)):
            unknown = [where[i] for i in self.members[e] if i in where]
            if self.hidden(e) or not unknown:
                continue
            row = np.zeros(len(where))
            row[unknown] = 1.0
            rows.append(row)
            rhs.append(self.values[e].count - sum(self.values[i].count for i in self.members[e] if i not in where))
        system = (where, np.array(rows).reshape(len(rows), len(where)), np.array(rhs, dtype=float))
        self._cached = (self._version, *system)
        return system

    def _range(self, e: int) -> tuple[int, int | None]:
        """The smallest and largest value of `e` (None: no upper bound) the published numbers allow."""
        where, a_eq, b_eq = self._system()
        shown = sum(self.values[i].count for i in self.members[e] if i not in where)
        objective = np.zeros(len(where))
        objective[[where[i] for i in self.members[e] if i in where]] = 1.0
        if not objective.any():
            return shown, shown
        ends: list[int | None] = []
        equations = {"A_eq": a_eq, "b_eq": b_eq} if len(b_eq) else {}
        for sign in (1.0, -1.0):
            result = linprog(sign * objective, bounds=(0, None), method="highs", **equations)
            if result.status == 3:  # unbounded (only the maximum can be)
                ends.append(None)
            elif result.status != 0:
                raise RuntimeError(f"suppression audit: the linear program failed ({result.message})")
            else:
                ends.append(shown + round(sign * result.fun))
        low = ends[0]
        assert low is not None
        return low, ends[1]

    def _wide_enough(self, e: int, bounds: tuple[int, int | None]) -> bool:
        low, high = bounds
        need = self.rules.width if self.status[e] == Status.PRIMARY else 1
        return high is None or high - low >= need

    def _protect(self) -> dict[int, tuple[int, int | None]]:
        # Hiding more only widens ranges, so an element once wide enough stays so.
        queue = deque(e for e in range(len(self.values)) if self.hidden(e))
        while queue:
            e = queue.popleft()
            while not self._wide_enough(e, bounds := self._range(e)):
                before = {x for x in range(len(self.values)) if self.hidden(x)}
                self._hide(self._widening(e, bounds))
                self._close_lines()
                queue.extend(x for x in range(len(self.values)) if self.hidden(x) and x not in before)
        final = {e: self._range(e) for e in range(len(self.values)) if self.hidden(e)}
        if not all(self._wide_enough(e, bounds) for e, bounds in final.items()):
            raise RuntimeError("suppression audit: a hidden value became recomputable")
        return final

    def _widening(self, e: int, bounds: tuple[int, int | None], tries: int = 25) -> int:
        """The first candidate whose hiding makes `e` wide enough, else the one that widens it most."""
        candidates = self._candidates(range(len(self.values)), near=e)
        if not candidates:
            raise RuntimeError("suppression audit: nothing left to hide, yet a hidden value is exposed")
        best, best_width = candidates[0], (bounds[1] or 0) - bounds[0]
        for c in candidates[:tries]:
            status, reasons = self.status[c], self.reasons[c]
            self._set(c, Status.COMPLEMENTARY, (Reason.COMPLEMENTARY,))
            low, high = self._range(e)
            self._set(c, status, reasons)
            if high is None or self._wide_enough(e, (low, high)):
                return c
            if high - low > best_width:
                best, best_width = c, high - low
        return best


# --- the common case: long-format group-by results --------------------------------------------
def configured_rules() -> Rules:
    """The thresholds from settings (`OPENPSO_SMALL_CELL_MIN_COUNT`, `…_MIN_PROVIDERS`)."""
    from django.conf import settings  # the thin Django wrapper; the core above imports no Django

    return Rules(min_count=settings.SMALL_CELL_MIN_COUNT, min_providers=settings.SMALL_CELL_MIN_PROVIDERS)


def suppress_counts(
    rows: Sequence[Mapping[str, Any]],
    *,
    by: Sequence[str],
    count: str = "events",
    providers: str = "providers",
    totals: Sequence[Mapping[str, Any]] | None = None,
    with_totals: bool = True,
    rules: Rules | None = None,
) -> list[dict[str, Any]]:
    """Suppress a group-by result by one or two `by` columns.

    Returns the rows in their order, each with `suppressed` and None in place of a hidden count
    and provider count, followed (unless `with_totals` is False) by the totals to publish,
    ROLLUP-style: None in the column summed over. Combinations missing from `rows` are zeros.
    `totals` may give the totals' distinct provider counts in the same shape (None in a summed
    column); totals it does not give are derived conservatively (see `Total`). Publish the
    totals returned here, never totals computed from the raw data.
    """
    if len(by) not in (1, 2):
        raise ValueError("by: one or two columns")
    rules = rules or configured_rules()
    axes: list[list[Hashable]] = [[] for _ in by]
    cells: dict[tuple[Hashable, ...], Cell] = {}
    for row in rows:
        key = tuple(row[col] for col in by)
        if any(k is None for k in key):
            raise ValueError(f"{key}: a group value is None; name the unknown group explicitly")
        if key in cells:
            raise ValueError(f"{key}: appears twice")
        cells[key] = Cell(int(row[count]), int(row[providers]))
        for axis, k in zip(axes, key, strict=True):
            if k not in axis:
                axis.append(k)
    given = {tuple(t[col] for col in by): Cell(int(t[count]), int(t[providers])) for t in totals or ()}

    def margin(key: tuple[Hashable, ...]) -> Total:
        return given.get(key, "derive")

    outcome: dict[tuple[Hashable, ...], Outcome] = {}
    if len(by) == 1:
        keys = [(k,) for k in axes[0]]
        listed = suppress_list([cells[k] for k in keys], total=margin((None,)) if with_totals else None, rules=rules)
        outcome.update(zip(keys, listed.cells, strict=True))
        if listed.total is not None:
            outcome[(None,)] = listed.total
    else:
        rows_, cols_ = axes
        grid = [[cells.get((r, c), Cell(0, 0)) for c in cols_] for r in rows_]
        table = suppress_table(
            grid,
            row_totals=[margin((r, None)) for r in rows_] if with_totals else None,
            column_totals=[margin((None, c)) for c in cols_] if with_totals else None,
            grand_total=margin((None, None)) if with_totals else None,
            rules=rules,
        )
        for i, r in enumerate(rows_):
            outcome.update(((r, c), table.cells[i][j]) for j, c in enumerate(cols_))
        outcome.update(zip([(r, None) for r in rows_], table.row_totals or (), strict=False))
        outcome.update(zip([(None, c) for c in cols_], table.column_totals or (), strict=False))
        if table.grand_total is not None:
            outcome[(None, None)] = table.grand_total

    def shown(base: Mapping[str, Any], found: Outcome) -> dict[str, Any]:
        hidden = not found.published
        return {**base, count: found.shown, providers: None if hidden else found.providers, "suppressed": hidden}

    out = [shown(row, outcome[tuple(row[col] for col in by)]) for row in rows]
    out += [shown(dict(zip(by, key, strict=True)), found) for key, found in outcome.items() if None in key]
    return out
