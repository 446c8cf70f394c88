"""Exact Poisson (Garwood) and Clopper–Pearson intervals, and rates per exposure."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpso.analytics.stats.rates import binomial_interval, binomial_rate, poisson_interval, poisson_rate


@pytest.mark.parametrize(("count", "lower", "upper"), [(0, 0.0, 3.689), (10, 4.795, 18.390)])
def test_poisson_interval_matches_published_exact_limits(count, lower, upper):
    """95% exact limits for a Poisson count: x = 0 -> (0, 3.689), x = 10 -> (4.795, 18.390), as tabulated
    by Ulm K. (1990) "A simple method to calculate the confidence interval of a standardized mortality
    ratio", Am J Epidemiol 131:373-375, which reproduces Garwood (1936)."""
    low, high = poisson_interval(count)
    assert low == pytest.approx(lower, abs=5e-4)
    assert high == pytest.approx(upper, abs=5e-4)


def _poisson_cdf(x: int, mean: float) -> float:
    return sum(math.exp(-mean) * mean**k / math.factorial(k) for k in range(x + 1))


@pytest.mark.parametrize("count", [1, 2, 5, 17, 40])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_poisson_interval_solves_the_defining_tail_equations(count, confidence):
    """Derived from the definition (Garwood 1936), independently of the chi-squared shortcut:
    the upper limit u solves P(X <= x; u) = a/2 and the lower limit l solves P(X >= x; l) = a/2."""
    from scipy.optimize import brentq  # type: ignore[import-untyped]

    tail = (1 - confidence) / 2
    upper = brentq(lambda m: _poisson_cdf(count, m) - tail, 1e-9, 200)
    lower = brentq(lambda m: 1 - _poisson_cdf(count - 1, m) - tail, 1e-9, 200)
    assert poisson_interval(count, confidence) == pytest.approx((lower, upper), rel=1e-7)


def test_poisson_upper_limit_for_zero_is_minus_log_of_the_tail():
    """Derived by hand: with no events the upper limit u solves exp(-u) = alpha/2, so u = -ln(0.025)."""
    assert poisson_interval(0)[1] == pytest.approx(-math.log(0.025))
    assert poisson_interval(0, 0.90)[1] == pytest.approx(-math.log(0.05))


def test_binomial_interval_matches_the_closed_forms_at_the_boundaries():
    """Derived by hand: Clopper–Pearson for x = 0 has upper 1 - (a/2)^(1/n); for x = n lower (a/2)^(1/n)."""
    assert binomial_interval(0, 10) == pytest.approx((0.0, 1 - 0.025 ** (1 / 10)))
    assert binomial_interval(10, 10) == pytest.approx((0.025 ** (1 / 10), 1.0))


@pytest.mark.parametrize(("count", "trials"), [(5, 10), (1, 30), (29, 30), (81, 263)])
def test_binomial_interval_solves_the_defining_tail_equations(count, trials):
    """Derived from the definition (Clopper & Pearson 1934) by root-finding on the binomial tails, and
    compared with statsmodels' independent implementation ("beta" method). 5/10 gives 0.187-0.813."""
    from scipy.optimize import brentq  # type: ignore[import-untyped]
    from scipy.stats import binom  # type: ignore[import-untyped]
    from statsmodels.stats.proportion import proportion_confint

    upper = brentq(lambda p: binom.cdf(count, trials, p) - 0.025, 1e-12, 1 - 1e-12)
    lower = brentq(lambda p: binom.sf(count - 1, trials, p) - 0.025, 1e-12, 1 - 1e-12)
    got = binomial_interval(count, trials)
    assert got == pytest.approx((lower, upper), rel=1e-6)
    assert got == pytest.approx(proportion_confint(count, trials, alpha=0.05, method="beta"), rel=1e-9)


def test_poisson_rate_scales_count_and_limits_per_thousand():
    rate = poisson_rate(10, 5000, per=1000)
    assert rate.rate == pytest.approx(2.0)
    assert rate.lower == pytest.approx(4.7954 / 5, abs=1e-3)
    assert rate.upper == pytest.approx(18.3904 / 5, abs=1e-3)
    assert rate.method == "poisson_exact"


def test_binomial_rate_can_be_a_percentage():
    rate = binomial_rate(5, 10, per=100)
    assert rate.rate == 50
    assert rate.lower == pytest.approx(18.709, abs=1e-3)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: poisson_rate(-1, 10), "count must not be negative"),
        (lambda: poisson_rate(1, 0), "exposure must be greater than zero"),
        (lambda: poisson_rate(1.5, 10), "count must be a whole number"),  # type: ignore[arg-type]
        (lambda: poisson_interval(1, 1.0), "confidence must lie strictly between 0 and 1"),
        (lambda: binomial_interval(3, 2), "count must not exceed trials"),
        (lambda: binomial_interval(0, 0), "trials must be greater than zero"),
        (lambda: poisson_rate(1, 10, per=0), "per must be greater than zero"),
    ],
)
def test_it_rejects_bad_input_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@given(st.integers(0, 5000), st.floats(0.5, 0.99))
def test_poisson_interval_contains_the_count_and_widens_with_confidence(count, confidence):
    low, high = poisson_interval(count, confidence)
    wider = poisson_interval(count, (1 + confidence) / 2)
    assert 0 <= low <= count <= high
    assert wider[0] <= low
    assert wider[1] >= high


@given(st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))), st.floats(0.5, 0.99))
def test_binomial_interval_contains_the_proportion_and_widens_with_confidence(case, confidence):
    count, trials = case
    low, high = binomial_interval(count, trials, confidence)
    wider = binomial_interval(count, trials, (1 + confidence) / 2)
    assert 0 <= low <= count / trials <= high <= 1
    assert wider[0] <= low
    assert wider[1] >= high
