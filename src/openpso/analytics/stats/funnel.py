"""Funnel plots for comparing institutions (Spiegelhalter 2005, Stat Med 24:1185-1202).

Control limits around a target θ at each exposure ρ are exact quantiles of the Poisson (or
binomial) count, linearly interpolated within the jump of the cumulative distribution so the
funnel is smooth (Spiegelhalter 2005, Appendix A.1.1):
    r_p = smallest r with F(r) ≥ p,   α = (F(r_p) − p) / (F(r_p) − F(r_p − 1)),   limit = (r_p − α)/ρ.
Limits are drawn at p = 0.025/0.975 (95%) and 0.001/0.999 (99.8%); a negative lower limit is 0.

Overdispersion (Spiegelhalter 2005 §5; Spiegelhalter et al. 2012, JRSS A 175:1; Jones et al. 2008,
JRSS A 171:339): Pearson z-scores zᵢ = (yᵢ/ρᵢ − θ)/sᵢ with sᵢ² = V(θ)/ρᵢ are Winsorised at their
10th and 90th percentiles, φ = mean(z_w²), and I·φ is compared with χ²(I − 1) (χ²(I) when the
target was given rather than estimated) at 5%. When that test rejects and φ > 1 the funnel is
`overdispersed`, and, when `overdispersion` is on, the limits are widened with the normal
approximation of the chosen model:
- additive (default; random effects): θ ± z_p·√(sᵢ² + τ²), τ² = (Iφ − (I−1)) / (Σwᵢ − Σwᵢ²/Σwᵢ), wᵢ = 1/sᵢ²
  (a DerSimonian–Laird style moment estimate);
- multiplicative: θ ± z_p·√(φ·sᵢ²).
FunnelPoint.z is then the z-score against the widened variance. Winsorising at 10%/90% as
Spiegelhalter does makes φ robust to outliers but biases it low: for normal z-scores E[φ] ≈ 0.68
times the true dispersion, so τ² and the widening are conservative (narrower than unbiased).
`tau2` is reported on the scale of the displayed rates (per `per`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

from openpso.analytics.stats import _checks

LEVELS = {"95": (0.025, 0.975), "99.8": (0.001, 0.999)}
GRID_POINTS = 120
Model = Literal["additive", "multiplicative"]


@dataclass(frozen=True)
class FunnelPoint:
    unit: str
    count: int
    exposure: float
    rate: float
    z: float
    flag: str  # high_99.8, high_95, in_control, low_95, low_99.8


@dataclass(frozen=True)
class FunnelLimit:
    exposure: float
    lower95: float
    upper95: float
    lower998: float
    upper998: float


@dataclass(frozen=True)
class Funnel:
    target: float
    per: float
    points: tuple[FunnelPoint, ...]
    limits: tuple[FunnelLimit, ...]
    phi: float
    tau2: float
    overdispersed: bool
    method: str


def exact_limit(p: float, theta: float, exposure: np.ndarray, family: str) -> np.ndarray:
    """Interpolated exact p-quantile of the count at each exposure, divided by the exposure."""
    poisson = family == "poisson"
    dist = stats.poisson(theta * exposure) if poisson else stats.binom(np.rint(exposure).astype(int), theta)
    r = dist.ppf(p)
    f_r = dist.cdf(r)
    f_below = dist.cdf(r - 1)
    alpha = (f_r - p) / (f_r - f_below)
    return np.asarray(np.maximum(r - alpha, 0.0) / exposure, dtype=float)


@dataclass(frozen=True)
class _Dispersion:
    phi: float
    tau2: float  # on the rate-per-unit scale
    overdispersed: bool


def _dispersion(z: np.ndarray, s2: np.ndarray, df: int) -> _Dispersion:
    n = len(z)
    low, high = np.percentile(z, [10, 90])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    overdispersed = n >= 2 and phi > 1 and n * phi > float(stats.chi2.ppf(0.95, df))
    w = 1 / s2
    denom = float(w.sum() - (w**2).sum() / w.sum())
    tau2 = max(0.0, (n * phi - (n - 1)) / denom) if n >= 2 and denom > 0 else 0.0
    return _Dispersion(phi, tau2, overdispersed)


def _funnel(
    counts: Sequence[int],
    exposures: Sequence[float],
    units: Sequence[str],
    *,
    family: str,
    per: float,
    target: float | None,
    overdispersion: bool,
    model: Model,
) -> Funnel:
    n = _checks.same_length(counts=counts, exposures=exposures, units=units)
    if n == 0:
        raise ValueError("counts must not be empty")
    base = "exposures" if family == "poisson" else "sizes"
    y = np.array([_checks.count(c, "counts") for c in counts], dtype=float)
    e = np.array([_checks.positive(x, base) for x in exposures], dtype=float)
    if family == "binomial" and (np.any(y > e) or np.any(e != np.rint(e))):
        raise ValueError("sizes must be whole numbers no smaller than counts")
    theta = float(y.sum() / e.sum()) if target is None else float(target) / per
    if not (theta > 0 and (family == "poisson" or theta < 1)):
        raise ValueError(f"target must be a positive rate (and below 1 for proportions), got {theta * per!r}")
    variance = theta if family == "poisson" else theta * (1 - theta)
    s2 = variance / e
    z = (y / e - theta) / np.sqrt(s2)
    disp = _dispersion(z, s2, df=n - 1 if target is None else n)
    widen = overdispersion and disp.overdispersed

    def limits_at(exposure: np.ndarray) -> dict[float, np.ndarray]:
        out: dict[float, np.ndarray] = {}
        for p in (*LEVELS["95"], *LEVELS["99.8"]):
            if widen:
                extra = disp.tau2 if model == "additive" else (disp.phi - 1) * variance / exposure
                out[p] = np.maximum(theta + stats.norm.ppf(p) * np.sqrt(variance / exposure + extra), 0.0)
            else:
                out[p] = exact_limit(p, theta, exposure, family)
        return out

    own = limits_at(e)
    rate = y / e
    if widen:
        z = (rate - theta) / np.sqrt(s2 + (disp.tau2 if model == "additive" else (disp.phi - 1) * s2))
    points = []
    for i in range(n):
        flag = "in_control"
        for level in ("99.8", "95"):
            low_p, high_p = LEVELS[level]
            if rate[i] > own[high_p][i] and flag == "in_control":
                flag = f"high_{level}"
            elif rate[i] < own[low_p][i] and flag == "in_control":
                flag = f"low_{level}"
        points.append(FunnelPoint(str(units[i]), int(y[i]), float(e[i]), float(rate[i] * per), float(z[i]), flag))

    grid = np.geomspace(e.min(), e.max(), GRID_POINTS) if e.min() < e.max() else e[:1]
    if family == "binomial":
        grid = np.unique(np.rint(grid))
    at = limits_at(grid)
    limits = tuple(
        FunnelLimit(
            float(g),
            float(at[0.025][k] * per),
            float(at[0.975][k] * per),
            float(at[0.001][k] * per),
            float(at[0.999][k] * per),
        )
        for k, g in enumerate(grid)
    )
    method = f"{family}_exact" + (f"+{model}_overdispersion" if widen else "")
    tau2 = disp.tau2 * per**2
    return Funnel(theta * per, float(per), tuple(points), limits, disp.phi, tau2, disp.overdispersed, method)


def poisson_funnel(
    counts: Sequence[int],
    exposures: Sequence[float],
    units: Sequence[str],
    *,
    per: float = 1000,
    target: float | None = None,
    overdispersion: bool = True,
    model: Model = "additive",
) -> Funnel:
    """Funnel of event rates per `per` units of exposure; target (per `per`) defaults to the pooled rate."""
    scale = _checks.positive(per, "per")
    return _funnel(
        counts, exposures, units, family="poisson", per=scale, target=target, overdispersion=overdispersion, model=model
    )


def binomial_funnel(
    counts: Sequence[int],
    sizes: Sequence[int],
    units: Sequence[str],
    *,
    target: float | None = None,
    overdispersion: bool = True,
    model: Model = "additive",
) -> Funnel:
    """Funnel of proportions; target defaults to the pooled proportion."""
    return _funnel(
        counts, sizes, units, family="binomial", per=1.0, target=target, overdispersion=overdispersion, model=model
    )
