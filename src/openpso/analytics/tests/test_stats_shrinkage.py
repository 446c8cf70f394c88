"""Empirical-Bayes Poisson–gamma shrinkage within peer groups (Clayton & Kaldor 1987; Marshall 1991)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats  # type: ignore[import-untyped]

from openpso.analytics.stats.shrinkage import eb_poisson, gamma_prior


def test_method_of_moments_prior_and_posterior_worked_by_hand():
    """Marshall 1991 (Appl Stat 40:283) moment estimates, by hand for y = 2, 10, 30 and e = 1000, 2000,
    3000: m = 42/6000 = 0.007; rates .002, .005, .010; s² = (1000·.005² + 2000·.002² + 3000·.003²)/6000
    = 1e-5; ē = 2000, v = s² − m/ē = 6.5e-6; α = m²/v = 7.5385, β = m/v = 1076.92.
    Provider 1: posterior mean (α + 2)/(β + 1000) = 4.5926 per 1,000, weight 1000/(β + 1000) = 0.48148."""
    alpha, beta = 0.007**2 / 6.5e-6, 0.007 / 6.5e-6
    rates = eb_poisson([2, 10, 30], [1000, 2000, 3000], ["a", "b", "c"])
    a = rates[0]
    assert a.raw == pytest.approx(2.0)
    assert a.shrunk == pytest.approx((alpha + 2) / (beta + 1000) * 1000)
    assert a.shrunk == pytest.approx(4.5926, abs=1e-4)
    assert a.weight == pytest.approx(1000 / (beta + 1000))
    assert a.weight == pytest.approx(0.48148, abs=1e-5)
    low, high = stats.gamma.ppf([0.025, 0.975], alpha + 2, scale=1 / (beta + 1000))
    assert (a.lower, a.upper) == pytest.approx((low * 1000, high * 1000))
    assert [r.rank for r in rates] == [3, 2, 1]


def test_posterior_mean_is_the_weighted_average_of_own_and_group_rate():
    rates = eb_poisson([2, 10, 30], [1000, 2000, 3000], ["a", "b", "c"], per=1)
    for r in rates:
        assert r.shrunk == pytest.approx(r.weight * r.raw + (1 - r.weight) * 0.007)


def test_a_provider_with_tiny_exposure_lands_near_its_group_mean():
    counts = [50, 80, 65, 70, 3]
    exposures = [10000, 12000, 11000, 9000, 20]
    tiny = eb_poisson(counts, exposures, list("abcde"))[-1]
    group_mean = sum(counts) / sum(exposures) * 1000
    assert tiny.raw == pytest.approx(150.0)
    assert tiny.weight < 0.05
    assert abs(tiny.shrunk - group_mean) < 0.05 * (tiny.raw - group_mean)


def test_groups_are_shrunk_and_ranked_separately():
    rates = eb_poisson(
        [10, 20, 30, 100, 200, 300],
        [10000, 10000, 10000, 10000, 10000, 10000],
        list("abcdef"),
        groups=["small"] * 3 + ["large"] * 3,
    )
    small, large = rates[:3], rates[3:]
    assert all(r.group == "small" for r in small)
    assert all(r.group == "large" for r in large)
    assert max(r.shrunk for r in small) < min(r.shrunk for r in large)
    assert sorted(r.rank for r in small) == [1, 2, 3] == sorted(r.rank for r in large)


def test_no_extra_poisson_spread_shrinks_fully_to_the_common_rate():
    """With v = s² − m/ē ≤ 0 the prior has no spread: every rate is the group rate, weight 0, and the
    interval is the common rate's, Gamma(Σy, Σe)."""
    prior = gamma_prior(np.array([10.0, 10, 10]), np.array([1000.0] * 3))
    assert prior.variance == 0
    rates = eb_poisson([10, 10, 10], [1000] * 3, list("abc"))
    low, high = stats.gamma.ppf([0.025, 0.975], 30, scale=1 / 3000)
    for r in rates:
        assert r.shrunk == pytest.approx(10.0)
        assert r.weight == 0.0
        assert (r.lower, r.upper) == pytest.approx((low * 1000, high * 1000))
    assert [r.rank for r in rates] == [1, 2, 3]  # ties broken by unit


def test_all_zero_counts_give_zero_with_an_exact_upper_limit():
    rates = eb_poisson([0, 0], [1000, 1000], ["a", "b"])
    assert rates[0].shrunk == 0
    assert rates[0].lower == 0
    assert rates[0].upper == pytest.approx(3.6889 / 2000 * 1000, abs=1e-3)


def test_it_rejects_bad_input():
    with pytest.raises(ValueError, match="exposures must be greater than zero"):
        eb_poisson([1], [0], ["a"])
    with pytest.raises(ValueError, match="same length"):
        eb_poisson([1, 2], [1, 2], ["a", "b"], groups=["x"])


rows = st.lists(st.tuples(st.integers(0, 500), st.floats(10, 1e5)), min_size=1, max_size=25)


@given(rows)
def test_shrunk_rate_lies_between_raw_and_group_mean_and_above_its_lower_limit(data):
    """(A gamma posterior with shape well below 1 is so skewed that its mean can exceed its 97.5%
    quantile, so only the lower limit is bounded by the mean.)"""
    counts, exposures = [c for c, _ in data], [e for _, e in data]
    rates = eb_poisson(counts, exposures, [str(i) for i in range(len(data))])
    mean = sum(counts) / sum(exposures) * 1000
    for r in rates:
        assert 0 <= r.weight <= 1
        assert min(r.raw, mean) - 1e-9 * (1 + mean) <= r.shrunk <= max(r.raw, mean) + 1e-9 * (1 + mean)
        assert r.lower <= r.shrunk * (1 + 1e-9)
        assert r.lower <= r.upper
    assert sorted(r.rank for r in rates) == list(range(1, len(rates) + 1))
