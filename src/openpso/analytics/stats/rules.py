"""Signal rules for run charts and control charts, over the points of one phase.

Every function takes the present (non-missing) points of one phase in time order and returns
{position: rule ids} so that every point in a rule-breaking run is marked. Positions index the
input sequences; callers map them back to chart positions.

Run charts (Provost & Murray 2011, *The Health Care Data Guide*, ch. 3-4):
- shift: 6+ consecutive points on one side of the median; points on the median neither count nor break.
- trend: 5+ consecutive points all going up or all going down; a point equal to its predecessor
  neither counts nor breaks the trend ("ignore like values").
- too few / too many runs: Provost & Murray's Table 4.1 is drawn from Swed & Eisenhart's tables
  (Swed & Eisenhart 1943, Ann Math Stat 14:66). We compute instead from the exact distribution
  of the number of runs given the actual numbers of points above and below the median, each tail
  at `runs_alpha` (default 0.025, i.e. a two-sided 5% test). At least 10 useful points (not on
  the median) are required; with fewer the test has almost no power.
- astronomical point is a judgement about the process, not a rule on the numbers, so it is never
  raised automatically.

Control charts (NHS England, *Making Data Count*, 2019/2021; defaults parameterised):
- beyond_limits: a point above the upper or below the lower limit.
- shift: 7+ consecutive points above, or below, the centre line; a point on the centre breaks a run.
- trend: 6+ consecutive points increasing or decreasing (ties handled as for run charts).
- two_of_three: two of three consecutive points beyond 2 sigma on the same side of the centre;
  the points beyond 2 sigma are marked (the third point is not evidence).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction
from math import comb

Marks = dict[int, set[str]]

MDC_SHIFT = 7
MDC_TREND = 6
RUN_SHIFT = 6
RUN_TREND = 5
RUNS_MIN_USEFUL = 10


def _marks() -> Marks:
    return defaultdict(set)


def _side(value: float, reference: float) -> int:
    """+1 above, -1 below, 0 on the reference — within rounding, so a constant series whose
    computed mean differs from its values in the last bit is "on" its centre line."""
    tolerance = 1e-9 * max(1.0, abs(reference))
    return (value > reference + tolerance) - (value < reference - tolerance)


def shift(values: Sequence[float], centers: Sequence[float], length: int, *, skip_on_centre: bool) -> Marks:
    """Mark runs of `length`+ points on one side of the centre."""
    marks = _marks()
    run: list[int] = []
    side = 0
    for i, (v, c) in enumerate(zip(values, centers, strict=True)):
        s = _side(v, c)
        if s == 0:
            if skip_on_centre:
                continue
            run, side = [], 0
            continue
        if s != side:
            if len(run) >= length:
                for j in run:
                    marks[j].add("shift")
            run, side = [], s
        run.append(i)
    if len(run) >= length:
        for j in run:
            marks[j].add("shift")
    return marks


def trend(values: Sequence[float], length: int) -> Marks:
    """Mark runs of `length`+ points all increasing or all decreasing, ignoring repeated values."""
    groups: list[list[int]] = []  # consecutive equal values collapse into one counted point
    for i, v in enumerate(values):
        if groups and values[groups[-1][0]] == v:
            groups[-1].append(i)
        else:
            groups.append([i])
    ups = [values[b[0]] > values[a[0]] for a, b in itertools.pairwise(groups)]
    marks = _marks()
    start = 0
    for j in range(1, len(ups) + 1):
        if j < len(ups) and ups[j] == ups[start]:
            continue
        # Steps ups[start..j-1] share one direction and join groups start..j.
        if j - start + 1 >= length:
            for g in groups[start : j + 1]:
                for i in g:
                    marks[i].add("trend")
        start = j
    return marks


def beyond_limits(values: Sequence[float], lowers: Sequence[float | None], uppers: Sequence[float | None]) -> Marks:
    marks = _marks()
    for i, (v, lo, up) in enumerate(zip(values, lowers, uppers, strict=True)):
        if (up is not None and _side(v, up) > 0) or (lo is not None and _side(v, lo) < 0):
            marks[i].add("beyond_limits")
    return marks


def two_of_three(values: Sequence[float], centers: Sequence[float], sigmas: Sequence[float | None]) -> Marks:
    """Mark points beyond 2 sigma when two of three consecutive points are beyond it on one side."""
    zone: list[int] = []
    for v, c, s in zip(values, centers, sigmas, strict=True):
        zone.append(0 if not s else (_side(v, c + 2 * s) > 0) - (_side(v, c - 2 * s) < 0))
    marks = _marks()
    for start in range(max(0, len(zone) - 2)):
        window = range(start, start + 3)
        for side in (1, -1):
            hits = [j for j in window if zone[j] == side]
            if len(hits) >= 2:
                for j in hits:
                    marks[j].add("two_of_three")
    return marks


def runs_distribution(above: int, below: int) -> dict[int, Fraction]:
    """Exact P(R = r) for the number of runs in a random arrangement (Swed & Eisenhart 1943)."""
    total = comb(above + below, above)
    dist: dict[int, Fraction] = {}
    if above == 0 or below == 0:
        return {1: Fraction(1)} if above + below else {}
    for r in range(2, above + below + 1):
        k, odd = divmod(r, 2)
        if odd:
            ways = comb(above - 1, k) * comb(below - 1, k - 1) + comb(above - 1, k - 1) * comb(below - 1, k)
        else:
            ways = 2 * comb(above - 1, k - 1) * comb(below - 1, k - 1)
        if ways:
            dist[r] = Fraction(ways, total)
    return dist


def runs_test(values: Sequence[float], median: float, *, alpha: float = 0.025) -> Marks:
    """Mark every useful point with too_few_runs / too_many_runs when the number of runs is extreme."""
    useful = [(i, _side(v, median) > 0) for i, v in enumerate(values) if _side(v, median)]
    marks = _marks()
    if len(useful) < RUNS_MIN_USEFUL:
        return marks
    above = sum(1 for _, up in useful if up)
    runs = 1 + sum(1 for a, b in itertools.pairwise(useful) if a[1] != b[1])
    dist = runs_distribution(above, len(useful) - above)
    rule = None
    if sum(p for r, p in dist.items() if r <= runs) <= alpha:
        rule = "too_few_runs"
    elif sum(p for r, p in dist.items() if r >= runs) <= alpha:
        rule = "too_many_runs"
    if rule:
        for i, _ in useful:
            marks[i].add(rule)
    return marks


def merge(*all_marks: Marks) -> Marks:
    merged = _marks()
    for marks in all_marks:
        for i, rules in marks.items():
            merged[i] |= rules
    return merged
