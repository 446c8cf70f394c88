"""Control charts: centre lines and limits against published and hand-worked examples."""

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpso.analytics.stats.spc import (
    c_chart,
    g_chart,
    laney_p_chart,
    laney_u_chart,
    p_chart,
    run_chart,
    t_chart,
    u_chart,
    xmr_chart,
)

# Montgomery DC, Introduction to Statistical Quality Control, 6th ed. (Wiley 2009), ch. 7, Example 7.1:
# nonconforming orange-juice cans in 30 samples of n = 50 (Table 7.1).
ORANGE_JUICE = [
    12,
    15,
    8,
    10,
    4,
    7,
    16,
    9,
    14,
    10,
    5,
    6,
    17,
    12,
    22,
    8,
    10,
    5,
    13,
    11,
    20,
    18,
    24,
    15,
    9,
    12,
    7,
    13,
    9,
    6,
]
# Ibid. Example 7.3: nonconformities in 26 successive samples of 100 printed circuit boards (Table 7.7).
CIRCUIT_BOARDS = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10, 17, 13, 22, 18, 39, 30, 24, 16, 19, 17, 15]
# Ibid. ch. 7, u chart example: total nonconformities in 20 samples of 5 personal computers.
COMPUTERS = [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5]


def labels(n: int) -> list[str]:
    return [str(i + 1) for i in range(n)]


def test_p_chart_matches_montgomery_orange_juice_example():
    """Montgomery 2009, Example 7.1: p̄ = 0.2313, UCL = 0.4102, LCL = 0.0524; samples 15 and 23 plot
    above the upper limit."""
    chart = p_chart(ORANGE_JUICE, [50] * 30, labels(30))
    point = chart.points[0]
    assert (point.center, point.upper, point.lower) == pytest.approx((0.2313, 0.4102, 0.0524), abs=1e-4)
    assert [p.label for p in chart.points if "beyond_limits" in p.signals] == ["15", "23"]


def test_c_chart_matches_montgomery_circuit_board_example():
    """Montgomery 2009, Example 7.3: c̄ = 19.85, UCL = 33.22, LCL = 6.48; samples 6 and 20 are out.
    (The book computes the limits from c̄ rounded to 19.85, hence the 0.01 tolerance.)"""
    chart = c_chart(CIRCUIT_BOARDS, labels(26))
    point = chart.points[0]
    assert point.center == pytest.approx(516 / 26)
    assert (point.center, point.upper, point.lower) == pytest.approx((19.85, 33.22, 6.48), abs=1e-2)
    assert [p.label for p in chart.points if "beyond_limits" in p.signals] == ["6", "20"]


def test_u_chart_matches_montgomery_personal_computer_example():
    """Montgomery 2009, ch. 7 (u chart, samples of n = 5 computers): ū = 1.93, UCL = 3.79, LCL = 0.07,
    no point out of control."""
    chart = u_chart(COMPUTERS, [5] * 20, labels(20), per=1)
    point = chart.points[0]
    assert (point.center, point.upper, point.lower) == pytest.approx((1.93, 3.79, 0.07), abs=5e-3)
    assert not any("beyond_limits" in p.signals for p in chart.points)


def test_u_chart_limits_vary_with_exposure_and_scale_per_thousand():
    """Derived by hand: ū = 30/30000 = 0.001 per day = 1 per 1,000; at e = 10,000 the limits are
    1 ± 3·√(0.001/10000)·1000 = 1 ± 0.94868; at e = 5,000 they are 1 ± 1.34164 (lower floored at 0)."""
    chart = u_chart([10, 5, 15], [10000, 5000, 15000], ["a", "b", "c"], per=1000)
    assert chart.per == 1000
    assert chart.points[0].center == pytest.approx(1.0)
    assert chart.points[0].upper == pytest.approx(1.94868, abs=1e-5)
    assert chart.points[1].upper == pytest.approx(2.34164, abs=1e-5)
    assert chart.points[1].lower == 0.0


def test_laney_p_chart_with_equal_sizes_is_an_individuals_chart_of_the_proportions():
    """Laney 2002 (Quality Engineering 14:531) notes that with equal subgroup sizes p′ reduces to an
    individuals chart: 3·σᵢ·σ_z = 3·mean|Δp|/1.128. By hand for p = .01, .03, .02, .04:
    mean|Δp| = (.02 + .01 + .02)/3, half-width = 0.0443262, p̄ = 0.025."""
    chart = laney_p_chart([10, 30, 20, 40], [1000] * 4, list("abcd"))
    half_width = 3 * (0.05 / 3) / 1.128
    assert chart.kind == "p_prime"
    assert chart.points[0].center == pytest.approx(0.025)
    assert chart.points[0].upper == pytest.approx(0.025 + half_width)
    assert chart.points[0].lower == 0.0
    # The plain p chart would call points 1 and 4 out of control; Laney's wider limits do not.
    assert [p.label for p in p_chart([10, 30, 20, 40], [1000] * 4, list("abcd")).signalled] == ["a", "d"]
    assert not chart.signalled


def test_laney_u_chart_scales_u_limits_by_sigma_z():
    """Derived by hand: σ_z = mean|zᵢ − zᵢ₋₁|/1.128 with zᵢ = (uᵢ − ū)/√(ū/eᵢ); limits ū ± 3√(ū/eᵢ)·σ_z."""
    counts, exposures = [50, 80, 40, 90], [10000, 12000, 9000, 11000]
    plain = u_chart(counts, exposures, list("abcd"))
    laney = laney_u_chart(counts, exposures, list("abcd"))
    ubar = sum(counts) / sum(exposures)
    z = [(c / e - ubar) / math.sqrt(ubar / e) for c, e in zip(counts, exposures, strict=True)]
    sigma_z = sum(abs(b - a) for a, b in itertools.pairwise(z)) / 3 / 1.128
    for p, q in zip(plain.points, laney.points, strict=True):
        assert p.upper is not None
        assert q.upper is not None
        assert q.upper - q.center == pytest.approx((p.upper - p.center) * sigma_z)


def test_xmr_chart_limits_are_mean_plus_minus_2_66_mean_moving_range():
    """By hand: x = 5, 7, 6, 9, 8 → x̄ = 7, MR̄ = (2+1+3+1)/4 = 1.75, limits 7 ± 4.655."""
    chart = xmr_chart([5, 7, 6, 9, 8], list("abcde"))
    assert chart.points[0].center == pytest.approx(7)
    assert (chart.points[0].lower, chart.points[0].upper) == pytest.approx((2.345, 11.655))


def test_xmr_limits_are_not_floored_at_zero():
    chart = xmr_chart([-5, 1, -3, 2], list("abcd"))
    assert chart.points[0].lower is not None
    assert chart.points[0].lower < 0


def test_g_chart_uses_the_geometric_three_sigma_limit():
    """Benneyan 2001 (Health Care Manag Sci 4:305), 3-sigma variant: by hand ḡ = 20,
    UCL = 20 + 3√(20·21) = 81.4817; the lower limit is below 0 and shown as 0."""
    chart = g_chart([10, 20, 30], list("abc"))
    assert chart.points[0].center == pytest.approx(20)
    assert chart.points[0].upper == pytest.approx(20 + 3 * math.sqrt(420))
    assert chart.points[0].lower == 0.0


def test_t_chart_back_transforms_xmr_limits_of_t_to_the_power_1_over_3_6():
    """Nelson 1994 (J Qual Technol 26:239) transform used by Provost & Murray 2011: by hand, times
    1, 2^3.6, 3^3.6 transform to y = 1, 2, 3; ȳ = 2, MR̄ = 1, so limits on y are 2 ± 2.66."""
    chart = t_chart([1, 2**3.6, 3**3.6], list("abc"))
    assert chart.points[0].center == pytest.approx(2**3.6)
    assert chart.points[0].upper == pytest.approx(4.66**3.6)
    assert chart.points[0].lower == 0.0
    assert chart.points[1].value == pytest.approx(2**3.6)


def test_phases_recompute_centre_and_limits_from_their_own_points():
    values = [5, 6, 5, 4, 5, 6, 5, 4, 15, 16, 15, 14, 15, 16, 15, 14]
    whole = xmr_chart(values, labels(16))
    phased = xmr_chart(values, labels(16), phase_starts=[8])
    assert {p.phase for p in phased.points} == {0, 1}
    assert phased.points[0].center == pytest.approx(5)
    assert phased.points[8].center == pytest.approx(15)
    # One centre across the step makes two 8-point shifts; split at the step the signals go.
    assert any("shift" in p.signals for p in whole.points)
    assert not phased.signalled
    assert [p.center for p in phased.points[8:]] == [p.center for p in xmr_chart(values[8:], labels(8)).points]


def test_missing_values_and_zero_denominators_are_skipped():
    chart = p_chart([10, None, 4, 10], [50, 50, 0, 50], list("abcd"))
    assert chart.points[1].value is None
    assert chart.points[1].upper is None
    assert chart.points[2].value is None
    assert chart.points[2].lower is None
    assert chart.points[0].center == pytest.approx(20 / 100)
    assert run_chart([1, None, 3], list("abc")).points[1].value is None


def test_a_phase_without_values_has_no_centre():
    chart = c_chart([None, None, 3, 4], list("abcd"), phase_starts=[2])
    assert math.isnan(chart.points[0].center)
    assert chart.points[2].center == pytest.approx(3.5)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: p_chart([5], [4], ["a"]), "counts must not exceed sizes"),
        (lambda: p_chart([-1], [4], ["a"]), "counts must not be negative"),
        (lambda: u_chart([1], [-4], ["a"]), "exposures must be greater than zero"),
        (lambda: c_chart([1, 2], ["a"]), "same length"),
        (lambda: c_chart([1, 2], ["a", "b"], phase_starts=[5]), "phase_starts"),
        (lambda: g_chart([-1], ["a"]), "between must be a finite number >= 0"),
    ],
)
def test_it_rejects_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


sizes = st.integers(1, 500)
cases = st.lists(sizes.flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))), min_size=2, max_size=30)


@given(cases, st.booleans())
def test_p_chart_lower_le_centre_le_upper_and_limits_within_0_1(rows, laney):
    counts, ns = [c for c, _ in rows], [n for _, n in rows]
    chart = (laney_p_chart if laney else p_chart)(counts, ns, labels(len(rows)))
    for p in chart.points:
        assert p.lower is not None
        assert p.upper is not None
        assert 0 <= p.lower <= p.center <= p.upper <= 1


@given(st.lists(st.integers(0, 400), min_size=2, max_size=30), st.sampled_from([c_chart, g_chart, t_chart, xmr_chart]))
def test_count_and_time_charts_keep_lower_le_centre_le_upper(values, chart_fn):
    chart = chart_fn(values, labels(len(values)))
    for p in chart.points:
        if p.upper is not None:
            assert p.lower <= p.center <= p.upper


@given(st.integers(0, 50), st.integers(50, 5000), st.integers(2, 40))
def test_a_constant_series_raises_no_signals(count, size, n):
    assert not p_chart([count] * n, [size] * n, labels(n)).signalled
    assert not u_chart([count] * n, [size] * n, labels(n)).signalled
    assert not c_chart([count] * n, labels(n)).signalled
    assert not run_chart([count] * n, labels(n)).signalled


@given(st.lists(st.tuples(st.integers(0, 300), st.floats(100, 1e5)), min_size=2, max_size=30))
def test_u_limits_are_symmetric_about_the_centre_until_floored(rows):
    counts, exposures = [c for c, _ in rows], [e for _, e in rows]
    for p in u_chart(counts, exposures, labels(len(rows))).points:
        assert p.lower is not None
        assert p.upper is not None
        if p.lower > 0:
            assert p.upper - p.center == pytest.approx(p.center - p.lower)


@given(st.lists(st.integers(0, 1000), min_size=2, max_size=30))
def test_laney_p_with_equal_sizes_matches_the_xmr_chart_of_the_proportions(counts):
    """Laney 2002: with equal subgroup sizes p′ is the individuals chart of p (3/1.128 vs 2.66)."""
    laney = laney_p_chart(counts, [1000] * len(counts), labels(len(counts)))
    xmr = xmr_chart([c / 1000 for c in counts], labels(len(counts)))
    for a, b in zip(laney.points, xmr.points, strict=True):
        assert a.center == pytest.approx(b.center)
        assert a.upper is not None
        assert b.upper is not None
        assert a.upper == pytest.approx(min(b.upper, 1.0), rel=1e-3, abs=1e-12)


@given(st.floats(0, 1e4), st.integers(2, 40))
def test_constant_xmr_g_and_t_series_raise_no_signals(value, n):
    for chart_fn in (xmr_chart, g_chart, t_chart):
        assert not chart_fn([value] * n, labels(n)).signalled


def test_t_chart_shows_the_original_times():
    assert [p.value for p in t_chart([3.0, None, 10.0], list("abc")).points] == [3.0, None, 10.0]
