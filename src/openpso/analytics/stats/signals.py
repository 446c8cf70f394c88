"""Detecting emerging increases in event rates: Poisson CUSUM and EWMA.

Both methods estimate the in-control rate θ₀ = Σy/Σe from the first `baseline` periods and
monitor only the periods after them (the baseline cannot alarm on itself). Period t expects
μₜ = θ₀·eₜ events given its exposure eₜ.

Poisson CUSUM for an increase (Lucas 1985, Technometrics 27:129), with the exposure-adjusted
reference value of a time-varying mean: μ₁ = shift·μₜ and
    kₜ = (μ₁ − μₜ)/(ln μ₁ − ln μₜ) = μₜ(shift − 1)/ln(shift),   Sₜ = max(0, Sₜ₋₁ + yₜ − kₜ).
By default h is chosen so that the in-control average run length is `arl0` = 370 periods (that of
a 3-sigma Shewhart chart) at the mean expected count of the monitored periods, the ARL computed
by the Markov-chain method of Brook & Evans 1972 (Biometrika 59:539) on a fine grid of S and h
found by bisection. (The simpler bound ARL₀ ≥ shift^h, from the likelihood-ratio form, is 4-170×
too conservative for monthly counts; checked by simulation.) A baseline with no events uses 0.5 events
(a continuity correction) so a later burst can still be measured against something.

EWMA on rates (Roberts 1959; exact variance for unequal exposures as in Dong, Hedayat & Sinha
2008, Stat Med 27:4758): xₜ = yₜ/eₜ, Zₜ = λxₜ + (1 − λ)Zₜ₋₁ from Z = θ₀, and
    Var(Zₜ) = Σⱼ λ²(1 − λ)^(2(t−j)) θ₀/eⱼ   over the monitored periods j ≤ t.
It alarms when (Zₜ − θ₀)/√Var(Zₜ) > L (one-sided: increases only).

The returned statistics have one value per period (0 over the baseline): S in events for the
CUSUM, the standardised Z for the EWMA. The Signal reports the first alarm, its window (the
periods since the statistic last stood at or below 0), observed vs expected events in it, and
the evidence per period of that window. A monitored period with zero exposure (a missing
denominator) leaves either statistic unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse, stats  # type: ignore[import-untyped]
from scipy.sparse import linalg as sparse_linalg  # type: ignore[import-untyped]

from openpso.analytics.stats import _checks

ARL0 = 370.0
CONTINUITY = 0.5


@dataclass(frozen=True)
class Evidence:
    label: str
    observed: int
    expected: float
    statistic: float


@dataclass(frozen=True)
class Signal:
    series: str
    method: str
    label: str
    index: int
    observed: int
    expected: float
    ratio: float
    statistic: float
    threshold: float
    evidence: tuple[Evidence, ...]


def cusum_arl(mu: float, k: float, h: float, *, states: int = 300) -> float:
    """In-control ARL of the upper Poisson CUSUM (mean mu, reference k, alarm when S > h).

    Brook & Evans 1972: S moves on the grid 0, h/states, …, h (values rounded to the nearest point);
    ARL = first entry of (I − Q)⁻¹·1 for the transitions Q among the non-alarm states.
    """
    delta = h / states
    level = np.arange(states + 1) * delta
    y = np.arange(int(stats.poisson.ppf(1e-12, mu)), int(stats.poisson.ppf(1 - 1e-12, mu)) + 2)
    moved = np.maximum(level[:, None] + y[None, :] - k, 0.0)
    stay = moved <= h * (1 + 1e-12)
    target = np.minimum(np.rint(moved / delta), states).astype(int)
    size = states + 1
    rows = np.broadcast_to(np.arange(size)[:, None], moved.shape)[stay]
    weights = np.broadcast_to(stats.poisson.pmf(y, mu), moved.shape)[stay]
    # Each state reaches one grid point per possible count, so Q is sparse; a sparse LU is also
    # single-threaded, which keeps many small solves fast on a busy machine.
    transition = sparse.csc_matrix((weights, (rows, target[stay])), shape=(size, size))
    arl = sparse_linalg.spsolve(sparse.identity(size, format="csc") - transition, np.ones(size))
    return float(arl[0])


@lru_cache(maxsize=4096)
def _calibrated_h(mu: float, shift: float, arl0: float) -> float:
    k = mu * (shift - 1) / math.log(shift)
    # For large means k lies several sigma above mu, so even h -> 0 (alarm on one period above k)
    # may exceed arl0; the smallest h searched is then returned.
    low, high = 0.0, 1.0
    # A non-finite or negative ARL means a run length too long for floating point: long enough.
    while 0 < cusum_arl(mu, k, high) < arl0 and high < 1e4:
        low, high = high, high * 2
    while high - low > 5e-3 * max(high, 1.0):
        mid = (low + high) / 2
        low, high = (mid, high) if 0 < cusum_arl(mu, k, mid) < arl0 else (low, mid)
    return high


def cusum_h(mu: float, *, shift: float = 1.5, arl0: float = 370.0) -> float:
    """The limit h giving in-control ARL `arl0` for a mean of `mu` events per period."""
    # Three significant figures of mu are plenty for h and let many series share one calibration.
    return _calibrated_h(float(f"{_checks.positive(mu, 'mu'):.3g}"), float(shift), float(arl0))


def _baseline(
    counts: Sequence[int], exposures: Sequence[float], labels: Sequence[str], baseline: int
) -> tuple[list[int], list[float], float]:
    _checks.same_length(counts=counts, exposures=exposures, labels=labels)
    if baseline < 1:
        raise ValueError(f"baseline must be at least 1 period, got {baseline!r}")
    ys = [_checks.count(c, "counts") for c in counts]
    es = [_checks.non_negative(e, "exposures") for e in exposures]
    base_e = sum(es[:baseline])
    if base_e <= 0:
        raise ValueError("exposures must not all be zero over the baseline periods")
    theta0 = max(sum(ys[:baseline]), CONTINUITY) / base_e
    return ys, es, theta0


def _signal(
    series: str,
    method: str,
    labels: Sequence[str],
    ys: list[int],
    expected: list[float],
    statistic: list[float],
    alarm: int,
    baseline: int,
    threshold: float,
) -> Signal:
    # The evidence is the excursion that ended in the alarm: back from it while the statistic
    # stayed above zero (never into the baseline).
    start = alarm
    while start > baseline and statistic[start - 1] > 0:
        start -= 1
    window = range(start, alarm + 1)
    observed = sum(ys[t] for t in window)
    exp = sum(expected[t] for t in window)
    return Signal(
        series=series,
        method=method,
        label=str(labels[alarm]),
        index=alarm,
        observed=observed,
        expected=exp,
        ratio=observed / exp if exp else math.inf,
        statistic=statistic[alarm],
        threshold=threshold,
        evidence=tuple(Evidence(str(labels[t]), ys[t], expected[t], statistic[t]) for t in window),
    )


def poisson_cusum(
    counts: Sequence[int],
    exposures: Sequence[float],
    labels: Sequence[str],
    *,
    series: str,
    baseline: int = 12,
    shift: float = 1.5,
    h: float | None = None,
    arl0: float = ARL0,
) -> tuple[tuple[float, ...], Signal | None]:
    """Upper Poisson CUSUM of counts against the baseline rate scaled by each period's exposure."""
    if shift <= 1:
        raise ValueError(f"shift must be greater than 1 (an increase), got {shift!r}")
    ys, es, theta0 = _baseline(counts, exposures, labels, baseline)
    expected = [theta0 * e for e in es]
    monitored = [m for m in expected[baseline:] if m > 0]
    if h is None:
        mean_mu = sum(monitored) / len(monitored) if monitored else theta0
        threshold = cusum_h(mean_mu, shift=shift, arl0=_checks.positive(arl0, "arl0"))
    else:
        threshold = _checks.positive(h, "h")
    s = [0.0] * len(ys)
    alarm = None
    for t in range(baseline, len(ys)):
        previous = s[t - 1] if t > baseline else 0.0
        if es[t] == 0:  # no exposure (e.g. a missing denominator): no evidence either way
            s[t] = previous
            continue
        k = expected[t] * (shift - 1) / math.log(shift)
        s[t] = max(0.0, previous + ys[t] - k)
        if alarm is None and s[t] > threshold:
            alarm = t
    if alarm is None:
        return tuple(s), None
    return tuple(s), _signal(series, "poisson_cusum", labels, ys, expected, s, alarm, baseline, threshold)


def ewma(
    counts: Sequence[int],
    exposures: Sequence[float],
    labels: Sequence[str],
    *,
    series: str,
    baseline: int = 12,
    lam: float = 0.2,
    L: float = 3.0,
) -> tuple[tuple[float, ...], Signal | None]:
    """Upper EWMA of rates with exact-variance limits for unequal exposures."""
    if not 0 < lam <= 1:
        raise ValueError(f"lam must lie in (0, 1], got {lam!r}")
    limit = _checks.positive(L, "L")
    ys, es, theta0 = _baseline(counts, exposures, labels, baseline)
    expected = [theta0 * e for e in es]
    z_std = [0.0] * len(ys)
    z, var = theta0, 0.0
    alarm = None
    for t in range(baseline, len(ys)):
        if es[t] == 0:  # no exposure: nothing observed, carry the statistic forward
            z_std[t] = z_std[t - 1] if t > baseline else 0.0
            continue
        z = lam * ys[t] / es[t] + (1 - lam) * z
        var = lam * lam * theta0 / es[t] + (1 - lam) ** 2 * var
        z_std[t] = (z - theta0) / math.sqrt(var)
        if alarm is None and z_std[t] > limit:
            alarm = t
    if alarm is None:
        return tuple(z_std), None
    return tuple(z_std), _signal(series, "ewma", labels, ys, expected, z_std, alarm, baseline, limit)
