"""Rates with exact confidence intervals.

- Poisson counts: the exact ("Garwood") interval, written with chi-squared quantiles
  (Garwood F. 1936, Biometrika 28:437; Ulm K. 1990, Am J Epidemiol 131:373):
  lower = chi2(a/2; 2x)/2 (0 when x = 0), upper = chi2(1 - a/2; 2x + 2)/2.
- Binomial proportions: the Clopper–Pearson interval (Clopper & Pearson 1934, Biometrika 26:404),
  written with beta quantiles: lower = Beta(a/2; x, n - x + 1), upper = Beta(1 - a/2; x + 1, n - x).

Both are "exact" in the sense of guaranteeing at least the nominal coverage; they are conservative.
"""

from __future__ import annotations

from dataclasses import dataclass

from scipy import stats  # type: ignore[import-untyped]

from openpso.analytics.stats import _checks


@dataclass(frozen=True)
class Rate:
    """`count` events over `exposure`, expressed per `per` units of exposure, with its interval."""

    count: int
    exposure: float
    per: float
    rate: float
    lower: float
    upper: float
    method: str


def poisson_interval(count: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) two-sided interval for the mean of a Poisson count."""
    x = _checks.count(count, "count")
    alpha = 1 - _checks.confidence(confidence)
    lower = 0.0 if x == 0 else float(stats.chi2.ppf(alpha / 2, 2 * x)) / 2
    upper = float(stats.chi2.ppf(1 - alpha / 2, 2 * x + 2)) / 2
    return lower, upper


def binomial_interval(count: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Clopper–Pearson two-sided interval for a binomial proportion."""
    x = _checks.count(count, "count")
    n = _checks.count(trials, "trials")
    if n == 0:
        raise ValueError("trials must be greater than zero, got 0")
    if x > n:
        raise ValueError(f"count must not exceed trials, got count={x} > trials={n}")
    alpha = 1 - _checks.confidence(confidence)
    # The beta quantile is undefined at the boundaries; the limits there are 0 and 1 by definition.
    lower = 0.0 if x == 0 else float(stats.beta.ppf(alpha / 2, x, n - x + 1))
    upper = 1.0 if x == n else float(stats.beta.ppf(1 - alpha / 2, x + 1, n - x))
    return lower, upper


def poisson_rate(count: int, exposure: float, *, per: float = 1000, confidence: float = 0.95) -> Rate:
    """Events per `per` units of exposure (e.g. per 1,000 patient-days) with the exact Poisson interval."""
    x = _checks.count(count, "count")
    e = _checks.positive(exposure, "exposure")
    scale = _checks.positive(per, "per") / e
    lower, upper = poisson_interval(x, confidence)
    return Rate(x, e, float(per), x * scale, lower * scale, upper * scale, "poisson_exact")


def binomial_rate(count: int, trials: int, *, per: float = 1, confidence: float = 0.95) -> Rate:
    """A proportion (per 1, or per 100 for a percentage) with the Clopper–Pearson interval."""
    scale = _checks.positive(per, "per")
    lower, upper = binomial_interval(count, trials, confidence)
    x, n = int(count), int(trials)
    return Rate(x, float(n), float(per), x / n * scale, lower * scale, upper * scale, "clopper_pearson")
