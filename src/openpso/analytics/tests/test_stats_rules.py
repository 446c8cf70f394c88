"""Run-chart rules (Provost & Murray) and control-chart rules (NHS Making Data Count)."""

import itertools
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpso.analytics.stats import rules
from openpso.analytics.stats.spc import RuleLengths, c_chart, run_chart, xmr_chart


def names(n: int) -> list[str]:
    return [f"m{i}" for i in range(n)]


def flagged(chart, rule: str) -> list[int]:
    return [i for i, p in enumerate(chart.points) if rule in p.signals]


# -- run charts (Provost & Murray 2011, The Health Care Data Guide, ch. 3) ---------------------------


def test_run_chart_shift_needs_six_points_on_one_side_and_skips_points_on_the_median():
    """Provost & Murray rule 1: six or more consecutive points all above (or all below) the median;
    values on the median neither add to nor break the run. Median of this series is 5."""
    values = [2, 2, 2, 8, 8, 8, 5, 8, 8, 8, 2, 2, 2, 5]
    chart = run_chart(values, names(len(values)))
    assert chart.points[0].center == 5
    assert flagged(chart, "shift") == [3, 4, 5, 7, 8, 9]
    shorter = run_chart([2, 2, 2, 8, 8, 5, 8, 8, 8, 2, 2, 2, 5, 8], names(14))
    assert shorter.points[0].center == 5
    assert flagged(shorter, "shift") == []


def test_run_chart_trend_needs_five_points_and_ignores_repeated_values():
    """Provost & Murray rule 2: five or more consecutive points all going up (or down); "if the value
    of two or more successive points is the same, ignore the like points when counting"."""
    values = [9, 1, 2, 2, 3, 4, 5, 9, 9]  # 1, 2, 3, 4, 5, 9 count; the repeated 2 and 9 ride along
    assert flagged(run_chart(values, names(9)), "trend") == [1, 2, 3, 4, 5, 6, 7, 8]
    four = [9, 1, 2, 2, 3, 4, 1]
    assert flagged(run_chart(four, names(7)), "trend") == []


def test_runs_distribution_matches_enumeration_of_every_arrangement():
    """Derived by brute force: count the runs in every arrangement of 6 'above' and 5 'below'."""
    counted: Counter[int] = Counter()
    arrangements = 0
    for above in itertools.combinations(range(11), 6):
        seq = [i in above for i in range(11)]
        counted[1 + sum(a != b for a, b in itertools.pairwise(seq))] += 1
        arrangements += 1
    expected = {r: Fraction(n, arrangements) for r, n in counted.items()}
    assert rules.runs_distribution(6, 5) == expected


def test_runs_critical_values_match_swed_eisenhart_for_ten_and_ten():
    """Swed & Eisenhart 1943 (Ann Math Stat 14:66), as reprinted in Siegel 1956 Table F: for
    n1 = n2 = 10 at the 0.025 tails, 6 or fewer runs are too few and 16 or more too many."""
    dist = rules.runs_distribution(10, 10)

    def below(r):
        return sum(p for k, p in dist.items() if k <= r)

    def above(r):
        return sum(p for k, p in dist.items() if k >= r)

    assert below(6) <= 0.025 < below(7)
    assert above(16) <= 0.025 < above(15)


def test_run_chart_flags_too_few_and_too_many_runs():
    too_few = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8]  # 2 runs of 10
    assert "too_few_runs" in run_chart(too_few, names(20)).points[0].signals
    too_many = [1, 9] * 10  # 20 runs
    assert "too_many_runs" in run_chart(too_many, names(20)).points[0].signals
    ordinary = [1, 9, 9, 1, 1, 1, 9, 1, 9, 9, 1, 9, 1, 1, 9, 9, 9, 1, 9, 1]  # 13 runs, 10 and 10
    assert not any("runs" in s for p in run_chart(ordinary, names(20)).points for s in p.signals)


def test_runs_test_needs_ten_useful_observations():
    """Provost & Murray's Table 4.1 starts at 10 useful observations (points not on the median)."""
    assert not run_chart([1, 9] * 4 + [5], names(9)).signalled


def test_astronomical_points_are_left_to_judgement():
    values = [5, 6, 5, 4, 5, 6, 5, 4, 5, 500, 5, 6]
    assert all("astronomical" not in p.signals for p in run_chart(values, names(12)).points)


# -- control charts (NHS England, Making Data Count) -----------------------------------------------


def test_shift_needs_seven_points_on_one_side_of_the_mean():
    """Making Data Count: 7 or more consecutive points above or below the mean (centre line)."""
    base = [10, 12, 8, 11, 9, 10, 12, 8, 11, 9]
    seven = [*base, 11, 11.5, 11, 10.5, 11, 11.5, 10.5, *base]
    chart = xmr_chart(seven, names(len(seven)))
    centre = chart.points[0].center
    assert all(v > centre for v in seven[10:17])
    assert flagged(chart, "shift") == list(range(10, 17))
    six = [*base, 11, 11.5, 11, 10.5, 11, 11.5, *base]
    assert flagged(xmr_chart(six, names(len(six))), "shift") == []


def test_a_point_on_the_centre_line_breaks_a_shift():
    """Seven points above the mean with one on it in the middle: no shift on a control chart (the run
    chart, which skips points on its median, would count seven)."""
    values = [12, 12, 12, 12, 10, 12, 12, 12, 8, 8, 8, 8, 10, 8, 8, 8, 10]
    chart = xmr_chart(values, names(len(values)))
    assert chart.points[0].center == pytest.approx(10)
    assert flagged(chart, "shift") == []
    assert rules.shift(values, [10.0] * 17, 7, skip_on_centre=True)


def test_trend_needs_six_points_increasing_or_decreasing():
    """Making Data Count: 6 or more consecutive points all increasing or all decreasing."""
    values = [10, 12, 9, 11, 10, 5, 7, 9, 11, 13, 14, 10, 12, 9, 11]
    assert flagged(xmr_chart(values, names(15)), "trend") == [5, 6, 7, 8, 9, 10]
    values = [10, 12, 9, 11, 10, 5, 7, 9, 11, 13, 10, 12, 9, 11]
    assert flagged(xmr_chart(values, names(14)), "trend") == []


def test_two_of_three_beyond_two_sigma_on_the_same_side():
    """Making Data Count: two out of three consecutive points near a limit (beyond 2 sigma), same side.
    The two points beyond 2 sigma are marked, the one between them is not; exactly 2 sigma is not beyond."""
    values = [0, 2.5, 0, 2.5, 0, -2.5, 0, 2.5, 2.0, 0]
    marks = rules.two_of_three(values, [0.0] * 10, [1.0] * 10)
    assert sorted(marks) == [1, 3]


def test_two_of_three_reaches_the_chart():
    """A c chart (sigma = √c̄) with two of three points beyond 2 sigma: c̄ = 10 by construction."""
    counts = [10, 10, 10, 10, 17, 10, 17, 10, 10, 10, 10, 10, 3, 3, 10, 10, 10, 10, 10, 10]
    chart = c_chart(counts, names(20))
    assert chart.points[0].center == 10
    assert 10 + 2 * 10**0.5 < 17 < 10 + 3 * 10**0.5
    assert flagged(chart, "two_of_three") == [4, 6, 12, 13]


def test_beyond_limits_marks_the_point_outside():
    values = [10, 11, 9, 10, 11, 9, 10, 30, 9, 10]
    assert flagged(xmr_chart(values, names(10)), "beyond_limits") == [7]


def test_rule_lengths_can_be_changed():
    values = [1, 2, 3, 4, 5, 1, 1, 1]
    assert flagged(xmr_chart(values, names(8), lengths=RuleLengths(shift=7, trend=5)), "trend") == [0, 1, 2, 3, 4]


@given(st.lists(st.integers(-50, 50), min_size=1, max_size=40))
def test_every_point_in_a_marked_shift_is_on_the_same_side(values):
    centre = 0.0
    marks = rules.shift(values, [centre] * len(values), 7, skip_on_centre=False)
    positions = sorted(i for i, r in marks.items() if "shift" in r)
    assert all(values[i] != centre for i in positions)
    # Runs are contiguous: between two marked points of the same run there is no unmarked point.
    for a, b in itertools.pairwise(positions):
        if b == a + 1:
            assert (values[a] > centre) == (values[b] > centre)


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=0, max_size=40))
def test_a_strictly_monotone_series_is_one_trend(values):
    series = sorted(set(values))
    marks = rules.trend(series, 6)
    assert len(marks) == (len(series) if len(series) >= 6 else 0)


def test_runs_distribution_sums_to_one():
    for a, b in [(1, 1), (3, 7), (12, 9)]:
        assert sum(rules.runs_distribution(a, b).values()) == 1


@pytest.mark.parametrize("alpha", [0.025, 0.05])
def test_random_order_rarely_fails_the_runs_test(alpha):
    """The exact test keeps its size: over all 12,870 orders of 8 + 8 points, the share flagged
    is at most 2·alpha ."""
    median = 5
    flagged_orders = 0
    total = 0
    for above in itertools.combinations(range(16), 8):
        seq = [9 if i in above else 1 for i in range(16)]
        total += 1
        flagged_orders += bool(rules.runs_test(seq, median, alpha=alpha))
    assert flagged_orders / total <= 2 * alpha
