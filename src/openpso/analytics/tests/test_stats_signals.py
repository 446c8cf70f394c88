"""Poisson CUSUM and EWMA for emerging increases, with the evidence behind each signal."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpso.analytics.stats.signals import cusum_arl, cusum_h, ewma, poisson_cusum


def months(n: int) -> list[str]:
    return [f"2025-{i + 1:02d}" if i < 12 else f"2026-{i - 11:02d}" for i in range(n)]


def test_cusum_worked_by_hand():
    """Lucas 1985 (Technometrics 27:129) reference value k = (μ1 − μ0)/(ln μ1 − ln μ0), μ1 = 2·μ0.
    Baseline: 8 events over 2 × 1000 exposure → θ0 = 0.004; a period with 1000 exposure expects μ0 = 4,
    k = 4/ln 2 = 5.7708. With h = 5: S = 0, 0 (baseline), then max(0, 0 + 9 − k) = 3.2292,
    3.2292 + 9 − k = 6.4584 > 5 → alarm at index 3; window 2..3: observed 18, expected 8."""
    k = 4 / math.log(2)
    stats, signal = poisson_cusum([4, 4, 9, 9, 2], [1000] * 5, list("abcde"), series="falls", baseline=2, shift=2, h=5)
    assert stats[:4] == pytest.approx((0, 0, 9 - k, 18 - 2 * k))
    assert stats[4] == pytest.approx(max(0.0, 18 - 2 * k + 2 - k))
    assert signal is not None
    assert (signal.index, signal.label, signal.observed) == (3, "d", 18)
    assert signal.expected == pytest.approx(8.0)
    assert signal.ratio == pytest.approx(18 / 8)
    assert signal.statistic == pytest.approx(18 - 2 * k)
    assert (signal.threshold, signal.method, signal.series) == (5, "poisson_cusum", "falls")
    assert [(e.label, e.observed, e.expected) for e in signal.evidence] == [("c", 9, 4.0), ("d", 9, 4.0)]


def test_cusum_expectation_follows_each_periods_exposure():
    """A doubled count with doubled exposure is in control: μ0 scales with exposure."""
    stats, signal = poisson_cusum([10] * 12 + [20] * 12, [1000] * 12 + [2000] * 12, months(24), series="s")
    assert signal is None
    assert max(stats) == 0


def _exact_integer_arl(mu: float, k: int, h: int) -> float:
    """Brook & Evans 1972 with integer k and h: states S = 0..h exactly, no discretisation."""
    from scipy.stats import poisson  # type: ignore[import-untyped]

    q = np.zeros((h + 1, h + 1))
    for s in range(h + 1):
        for y in range(0, h + k + 1):
            nxt = max(0, s + y - k)
            if nxt <= h:
                q[s, nxt] += poisson.pmf(y, mu)
    return float(np.linalg.solve(np.eye(h + 1) - q, np.ones(h + 1))[0])


@pytest.mark.parametrize(("k", "h"), [(3, 4), (5, 8), (2, 3)])
def test_cusum_arl_matches_the_exact_markov_chain_for_integer_k_and_h(k, h):
    """Brook & Evans 1972 (Biometrika 59:539): with integer k and h the chain on 0..h is exact; the
    grid-based ARL must agree when the grid holds the integers. μ is chosen so that
    k = μ(shift − 1)/ln(shift) with shift = 1.5."""
    mu = k * math.log(1.5) / 0.5
    assert cusum_arl(mu, k, h, states=60 * h) == pytest.approx(_exact_integer_arl(mu, k, h), rel=1e-9)


def test_default_h_gives_the_target_in_control_arl():
    for mu in (0.3, 4.0, 25.0):
        h = cusum_h(mu)
        k = mu * 0.5 / math.log(1.5)
        assert cusum_arl(mu, k, h) == pytest.approx(370, rel=0.05) or cusum_arl(mu, k, h) > 370


def test_cusum_in_control_false_alarm_rate_is_near_its_design():
    """Simulation: 300 in-control series of 24 months after a 12-month baseline, ARL0 = 370 by design,
    so roughly 24/370 ≈ 6.5% of series should alarm (more, as the baseline rate is itself estimated)."""
    rng = np.random.default_rng(5)
    alarms = 0
    for _ in range(300):
        counts = rng.poisson(6.0, 36)
        _, signal = poisson_cusum(list(counts), [1000] * 36, [str(i) for i in range(36)], series="s")
        alarms += signal is not None
    assert alarms / 300 < 0.2


def test_a_planted_step_is_found_soon_after_it_starts():
    rng = np.random.default_rng(1)
    counts = list(rng.poisson(8.0, 18)) + list(rng.poisson(16.0, 6))
    _stats, signal = poisson_cusum(counts, [1000] * 24, months(24), series="s")
    assert signal is not None
    assert 18 <= signal.index <= 21
    assert signal.ratio > 1.5
    _, ewma_signal = ewma(counts, [1000] * 24, months(24), series="s")
    assert ewma_signal is not None
    assert 18 <= ewma_signal.index <= 22


def test_the_baseline_cannot_alarm_on_itself():
    counts = [1, 1, 1, 50, 50, 50, 2, 2, 2, 2]
    stats, signal = poisson_cusum(counts, [100] * 10, months(10), series="s", baseline=6)
    assert stats[:6] == (0,) * 6
    assert signal is None


def test_a_baseline_without_events_still_measures_a_burst():
    _stats, signal = poisson_cusum([0] * 12 + [6, 7], [1000] * 14, months(14), series="s")
    assert signal is not None
    assert signal.index == 12


def test_ewma_variance_matches_the_closed_form_for_equal_exposures():
    """Lucas & Saccucci 1990 (Technometrics 32:1): Var(Z_t) = σ²·λ/(2−λ)·(1 − (1−λ)^(2t)). With
    θ0 = 0.005, e = 1000 (σ² = θ0/e), λ = 0.2 and counts 5, 5, 10 after the baseline, by hand:
    Z = 0.005, 0.005, 0.006 and the standardised statistic at t = 3 is 0.001/√Var(Z_3)."""
    lam, theta0, e = 0.2, 0.005, 1000
    stats, signal = ewma([5, 5, 5, 5, 10], [e] * 5, months(5), series="s", baseline=2, lam=lam)
    var3 = theta0 / e * lam / (2 - lam) * (1 - (1 - lam) ** 6)
    assert stats[:4] == (0, 0, 0, 0)
    assert stats[4] == pytest.approx(0.001 / math.sqrt(var3))
    assert signal is None  # 1.59 < L = 3


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: poisson_cusum([1], [1], ["a"], series="s", shift=1.0), "shift must be greater than 1"),
        (lambda: poisson_cusum([1, 1], [0, 1], ["a", "b"], series="s", baseline=1), "baseline"),
        (lambda: poisson_cusum([-1], [1], ["a"], series="s"), "counts must not be negative"),
        (lambda: ewma([1], [1], ["a"], series="s", lam=0), "lam must lie in"),
        (lambda: ewma([1], [1], ["a"], series="s", baseline=0), "baseline must be at least 1"),
    ],
)
def test_it_rejects_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 200), min_size=13, max_size=40), st.floats(1.1, 3.0))
def test_cusum_is_never_negative_and_alarms_after_the_baseline(counts, shift):
    stats, signal = poisson_cusum(
        counts, [1000] * len(counts), [str(i) for i in range(len(counts))], series="s", shift=shift
    )
    assert all(s >= 0 for s in stats)
    if signal is not None:
        assert signal.index >= 12
        assert stats[signal.index] > signal.threshold
        assert signal.evidence[-1].label == str(signal.index)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 500), st.integers(13, 40), st.floats(100, 1e5))
def test_a_constant_in_control_series_never_signals(count, n, exposure):
    counts, exposures = [count] * n, [exposure] * n
    assert poisson_cusum(counts, exposures, [str(i) for i in range(n)], series="s")[1] is None
    assert ewma(counts, exposures, [str(i) for i in range(n)], series="s")[1] is None
