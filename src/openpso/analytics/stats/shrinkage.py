"""Empirical-Bayes shrinkage of Poisson rates within peer groups.

Model (Clayton & Kaldor 1987, Biometrics 43:671): yᵢ ~ Poisson(eᵢ·λᵢ), λᵢ ~ Gamma(α, β) within a
peer group. The prior is fitted by Marshall's method of moments (Marshall 1991, Appl Stat 40:283):
    m = Σy/Σe,   s² = Σeᵢ(rᵢ − m)²/Σeᵢ,   v = s² − m/ē   (ē = mean exposure),
    α = m²/v,    β = m/v.
The posterior is Gamma(α + yᵢ, β + eᵢ): its mean (α + yᵢ)/(β + eᵢ) = wᵢ·rᵢ + (1 − wᵢ)·m with
weight wᵢ = eᵢ/(eᵢ + β) — how much the provider's own data count — and its 2.5%/97.5% quantiles
give the interval (when α + yᵢ is well below 1 the posterior is so skewed that its mean can lie
above the 97.5% quantile). A provider with little exposure therefore lands near its group's mean.

When v ≤ 0 the group shows no more spread than Poisson noise, so every provider is shrunk fully
to m (weight 0) and the interval is that of the common rate, Gamma(Σy, Σe) (exact Poisson when
Σy = 0). Ranks are within group, 1 = highest shrunk rate (the first to look at), ties by unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

from openpso.analytics.stats import _checks
from openpso.analytics.stats.rates import poisson_interval


@dataclass(frozen=True)
class ShrunkRate:
    unit: str
    group: str
    count: int
    exposure: float
    raw: float
    shrunk: float
    lower: float
    upper: float
    weight: float
    rank: int


@dataclass(frozen=True)
class GammaPrior:
    """The fitted prior of one peer group, on the rate-per-unit scale (beta = inf: no spread)."""

    mean: float
    variance: float
    alpha: float
    beta: float


def gamma_prior(counts: np.ndarray, exposures: np.ndarray) -> GammaPrior:
    """Marshall's (1991) moment estimates of the gamma prior."""
    m = float(counts.sum() / exposures.sum())
    rates = counts / exposures
    s2 = float(np.sum(exposures * (rates - m) ** 2) / exposures.sum())
    v = s2 - m / float(exposures.mean())
    if v <= 0 or m == 0:
        return GammaPrior(m, 0.0, np.inf, np.inf)
    return GammaPrior(m, v, m * m / v, m / v)


def _group(
    y: np.ndarray, e: np.ndarray, units: list[str], group: str, per: float, confidence: float
) -> list[ShrunkRate]:
    prior = gamma_prior(y, e)
    tail = (1 - confidence) / 2
    out = []
    for yi, ei, unit in zip(y, e, units, strict=True):
        if np.isinf(prior.beta):
            weight, shrunk = 0.0, prior.mean
            if y.sum() > 0:
                low, high = stats.gamma.ppf([tail, 1 - tail], y.sum(), scale=1 / e.sum())
            else:
                low, high = (b / e.sum() for b in poisson_interval(0, confidence))
        else:
            a, b = prior.alpha + yi, prior.beta + ei
            weight, shrunk = ei / (ei + prior.beta), a / b
            low, high = stats.gamma.ppf([tail, 1 - tail], a, scale=1 / b)
        out.append(
            ShrunkRate(
                unit=unit,
                group=group,
                count=int(yi),
                exposure=float(ei),
                raw=float(yi / ei * per),
                shrunk=float(shrunk * per),
                lower=float(low * per),
                upper=float(high * per),
                weight=float(weight),
                rank=0,
            )
        )
    order = sorted(range(len(out)), key=lambda k: (-out[k].shrunk, out[k].unit))
    for rank, k in enumerate(order, start=1):
        out[k] = replace(out[k], rank=rank)
    return out


def eb_poisson(
    counts: Sequence[int],
    exposures: Sequence[float],
    units: Sequence[str],
    *,
    groups: Sequence[str] | None = None,
    per: float = 1000,
    confidence: float = 0.95,
) -> tuple[ShrunkRate, ...]:
    """Shrunk rates per `per` units of exposure, one per unit, in input order."""
    n = _checks.same_length(counts=counts, exposures=exposures, units=units)
    labels = [""] * n if groups is None else [str(g) for g in groups]
    _checks.same_length(counts=counts, groups=labels)
    scale = _checks.positive(per, "per")
    _checks.confidence(confidence)
    y = np.array([_checks.count(c, "counts") for c in counts], dtype=float)
    e = np.array([_checks.positive(x, "exposures") for x in exposures], dtype=float)
    result: dict[int, ShrunkRate] = {}
    for group in dict.fromkeys(labels):
        idx = [i for i, g in enumerate(labels) if g == group]
        shrunk = _group(y[idx], e[idx], [str(units[i]) for i in idx], group, scale, confidence)
        result.update(zip(idx, shrunk, strict=True))
    return tuple(result[i] for i in range(n))
