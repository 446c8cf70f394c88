"""Statistical process control charts: run, p, u, c, Laney p′/u′, g, t and XmR.

Limits are 3 sigma about the centre line of each phase (Shewhart; Montgomery, *Introduction to
Statistical Quality Control*, 6th ed., ch. 6-7):
- p:  p̄ ± 3·√(p̄(1−p̄)/nᵢ), p̄ = Σx/Σn — per-point limits for varying denominators.
- u:  ū ± 3·√(ū/eᵢ), ū = Σx/Σe, shown per `per` units of exposure.
- c:  c̄ ± 3·√c̄.
- p′, u′ (Laney 2002, Quality Engineering 14:531): zᵢ = (yᵢ − ȳ)/σᵢ, σ_z = mean|zᵢ − zᵢ₋₁|/1.128,
  limits ȳ ± 3·σᵢ·σ_z. σ_z > 1 widens the p/u limits for overdispersion between subgroups that
  large denominators expose; with fewer than two points σ_z is not estimable and is taken as 1.
- g (Benneyan 2001, Health Care Manag Sci 4:305): cases between events ~ geometric from 0,
  centre ḡ, 3-sigma variant with σ = √(ḡ(ḡ+1)) — the convention of Provost & Murray 2011.
- t (Nelson 1994, J Qual Technol 26:239; Provost & Murray 2011): y = t^(1/3.6) is near normal
  for exponential times; an XmR chart on y, back-transformed (centre ȳ^3.6).
- XmR: x̄ ± 2.66·MR̄ (MR̄ = mean moving range; 2.66 = 3/1.128 as used by Making Data Count),
  sigma for the 2-sigma rule = 2.66·MR̄/3 so the limits are exactly 3 sigma.

Lower limits below 0 are shown as 0 except on XmR charts; missing values (None) and zero
denominators give a point with value None; phases recompute centre and limits — see
`openpso.analytics.stats.chart`. Rules: see `openpso.analytics.stats.rules`.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import replace

from openpso.analytics.stats import _checks, rules
from openpso.analytics.stats.chart import (
    MAKING_DATA_COUNT,
    PROVOST_MURRAY_RUN,
    ChartPoint,
    ControlChart,
    Fit,
    RuleLengths,
    build,
    phases,
    present,
)

__all__ = [
    "MAKING_DATA_COUNT",
    "PROVOST_MURRAY_RUN",
    "ChartPoint",
    "ControlChart",
    "RuleLengths",
    "c_chart",
    "g_chart",
    "laney_p_chart",
    "laney_u_chart",
    "p_chart",
    "run_chart",
    "t_chart",
    "u_chart",
    "xmr_chart",
]

MR_D2 = 1.128  # d2 for moving ranges of two
XMR_LIMIT = 2.66


def _ratio_scores(
    counts: Sequence[float | None], bases: Sequence[float | None], labels: Sequence[str], base_name: str
) -> tuple[list[float | None], list[int], list[float]]:
    _checks.same_length(counts=counts, **{base_name: bases}, labels=labels)
    scores: list[float | None] = []
    xs: list[int] = []
    ns: list[float] = []
    for x, n in zip(counts, bases, strict=True):
        if x is None or n is None or n == 0:
            scores.append(None)
            xs.append(0)
            ns.append(0.0)
            continue
        xs.append(_checks.count(x, "counts"))
        ns.append(_checks.positive(n, base_name))
        scores.append(xs[-1] / ns[-1])
    return scores, xs, ns


def _attribute_fit(xs: list[int], ns: list[float], variance: Callable[[float], float], laney: bool) -> Fit:
    """Fit for p/u charts (variance(ȳ) per unit denominator), optionally with Laney's sigma_z."""

    def fit(kept: list[int], _: list[float]) -> tuple[float, list[float | None]]:
        ybar = sum(xs[i] for i in kept) / sum(ns[i] for i in kept)
        sigmas = [math.sqrt(variance(ybar) / ns[i]) for i in kept]
        # sigma_z needs two points and non-zero sigmas (ȳ strictly inside (0, 1) for p).
        if laney and len(kept) >= 2 and all(sigmas):
            z = [(xs[i] / ns[i] - ybar) / s for i, s in zip(kept, sigmas, strict=True)]
            sigma_z = statistics.fmean(abs(b - a) for a, b in itertools.pairwise(z)) / MR_D2
            sigmas = [s * sigma_z for s in sigmas]
        return ybar, list(sigmas)

    return fit


def p_chart(
    counts: Sequence[float | None],
    sizes: Sequence[float | None],
    labels: Sequence[str],
    *,
    phase_starts: Sequence[int] = (),
    lengths: RuleLengths | None = None,
) -> ControlChart:
    """Proportion chart: `counts` of `sizes` per period (e.g. harmful events of all events)."""
    return _p(counts, sizes, labels, phase_starts, lengths, laney=False)


def laney_p_chart(
    counts: Sequence[float | None],
    sizes: Sequence[float | None],
    labels: Sequence[str],
    *,
    phase_starts: Sequence[int] = (),
    lengths: RuleLengths | None = None,
) -> ControlChart:
    """Laney p′ chart: the p chart with limits scaled by the between-period sigma_z."""
    return _p(counts, sizes, labels, phase_starts, lengths, laney=True)


def _p(
    counts: Sequence[float | None],
    sizes: Sequence[float | None],
    labels: Sequence[str],
    phase_starts: Sequence[int],
    lengths: RuleLengths | None,
    *,
    laney: bool,
) -> ControlChart:
    scores, xs, ns = _ratio_scores(counts, sizes, labels, "sizes")
    if any(x > n for x, n in zip(xs, ns, strict=True)):
        raise ValueError("counts must not exceed sizes")
    fit = _attribute_fit(xs, ns, lambda p: p * (1 - p), laney)
    chart = build("p_prime" if laney else "p", labels, scores, phase_starts, fit, floor=True, lengths=lengths)
    # A proportion cannot exceed 1, so an upper limit above 1 is shown as 1.
    capped = [replace(p, upper=min(p.upper, 1.0)) if p.upper is not None else p for p in chart.points]
    return replace(chart, points=tuple(capped))


def u_chart(
    counts: Sequence[float | None],
    exposures: Sequence[float | None],
    labels: Sequence[str],
    *,
    per: float = 1000,
    phase_starts: Sequence[int] = (),
    lengths: RuleLengths | None = None,
) -> ControlChart:
    """Rate chart: events per `per` units of exposure (e.g. per 1,000 patient-days)."""
    return _u(counts, exposures, labels, per, phase_starts, lengths, laney=False)


def laney_u_chart(
    counts: Sequence[float | None],
    exposures: Sequence[float | None],
    labels: Sequence[str],
    *,
    per: float = 1000,
    phase_starts: Sequence[int] = (),
    lengths: RuleLengths | None = None,
) -> ControlChart:
    """Laney u′ chart: the u chart with limits scaled by the between-period sigma_z."""
    return _u(counts, exposures, labels, per, phase_starts, lengths, laney=True)


def _u(
    counts: Sequence[float | None],
    exposures: Sequence[float | None],
    labels: Sequence[str],
    per: float,
    phase_starts: Sequence[int],
    lengths: RuleLengths | None,
    *,
    laney: bool,
) -> ControlChart:
    scale = _checks.positive(per, "per")
    scores, xs, ns = _ratio_scores(counts, exposures, labels, "exposures")
    fit = _attribute_fit(xs, ns, lambda u: u, laney)
    kind = "u_prime" if laney else "u"
    return build(
        kind, labels, scores, phase_starts, fit, floor=True, lengths=lengths, per=scale, display=lambda v: v * scale
    )


def c_chart(
    counts: Sequence[float | None],
    labels: Sequence[str],
    *,
    phase_starts: Sequence[int] = (),
    lengths: RuleLengths | None = None,
) -> ControlChart:
    """Count chart for equal areas of opportunity: c̄ ± 3√c̄."""
    _checks.same_length(counts=counts, labels=labels)
    scores: list[float | None] = [None if x is None else float(_checks.count(x, "counts")) for x in counts]

    def fit(_: list[int], vals: list[float]) -> tuple[float, list[float | None]]:
        cbar = statistics.fmean(vals)
        return cbar, [math.sqrt(cbar)] * len(vals)

    return build("c", labels, scores, phase_starts, fit, floor=True, lengths=lengths)


def _xmr_fit() -> Fit:
    def fit(_: list[int], xs: list[float]) -> tuple[float, list[float | None]]:
        mean = statistics.fmean(xs)
        if len(xs) < 2:
            return mean, [None] * len(xs)
        mr = statistics.fmean(abs(b - a) for a, b in itertools.pairwise(xs))
        return mean, [XMR_LIMIT * mr / 3] * len(xs)

    return fit


def xmr_chart(
    values: Sequence[float | None],
    labels: Sequence[str],
    *,
    phase_starts: Sequence[int] = (),
    lengths: RuleLengths | None = None,
) -> ControlChart:
    """Individuals and moving range (XmR) chart: x̄ ± 2.66·MR̄."""
    _checks.same_length(values=values, labels=labels)
    scores: list[float | None] = [None if v is None else float(v) for v in values]
    return build("xmr", labels, scores, phase_starts, _xmr_fit(), floor=False, lengths=lengths)


def g_chart(
    between: Sequence[float | None],
    labels: Sequence[str],
    *,
    phase_starts: Sequence[int] = (),
    lengths: RuleLengths | None = None,
) -> ControlChart:
    """g chart: cases (opportunities) between successive events; ḡ + 3√(ḡ(ḡ+1)), lower limit 0."""
    _checks.same_length(between=between, labels=labels)
    scores: list[float | None] = [None if g is None else _checks.non_negative(g, "between") for g in between]

    def fit(_: list[int], vals: list[float]) -> tuple[float, list[float | None]]:
        gbar = statistics.fmean(vals)
        return gbar, [math.sqrt(gbar * (gbar + 1))] * len(vals)

    return build("g", labels, scores, phase_starts, fit, floor=True, lengths=lengths)


T_POWER = 3.6


def t_chart(
    between: Sequence[float | None],
    labels: Sequence[str],
    *,
    phase_starts: Sequence[int] = (),
    lengths: RuleLengths | None = None,
) -> ControlChart:
    """t chart: time between rare events; XmR on t^(1/3.6), limits back-transformed."""
    _checks.same_length(between=between, labels=labels)
    scores: list[float | None] = [
        None if t is None else _checks.non_negative(t, "between") ** (1 / T_POWER) for t in between
    ]
    # Rules run on the transformed scale (near normal); the transform is monotone so the
    # back-transformed chart shows the same points beyond limits and on each side of the centre.
    return build(
        "t",
        labels,
        scores,
        phase_starts,
        _xmr_fit(),
        floor=True,
        lengths=lengths,
        display=lambda y: max(y, 0.0) ** T_POWER,
        shown=[None if t is None else float(t) for t in between],
    )


def run_chart(
    values: Sequence[float | None],
    labels: Sequence[str],
    *,
    phase_starts: Sequence[int] = (),
    lengths: RuleLengths | None = None,
    runs_alpha: float = 0.025,
) -> ControlChart:
    """Run chart about the median with Provost & Murray's shift, trend and runs rules."""
    _checks.same_length(values=values, labels=labels)
    lengths = lengths or PROVOST_MURRAY_RUN
    points: list[ChartPoint] = []
    for phase, positions in enumerate(phases(len(values), phase_starts)):
        kept, raw = present(values, positions)
        vals = [float(v) for v in raw]
        median = statistics.median(vals) if vals else math.nan
        marks = rules.merge(
            rules.shift(vals, [median] * len(vals), lengths.shift, skip_on_centre=True),
            rules.trend(vals, lengths.trend),
            rules.runs_test(vals, median, alpha=runs_alpha),
        )
        by_position = {i: k for k, i in enumerate(kept)}
        for i in positions:
            k = by_position.get(i)
            value = None if k is None else vals[k]
            signals = () if k is None else tuple(sorted(marks.get(k, ())))
            points.append(ChartPoint(str(labels[i]), value, median, None, None, phase, signals))
    return ControlChart(kind="run", points=tuple(points))
