"""The shape every SPC chart shares: points, phases, and the rules applied per phase.

`build` fits each phase on the chart's "rule scale" (a chart supplies the fit: centre and each
point's sigma), sets limits at centre ± 3 sigma, applies the Making Data Count rules (see
`openpso.analytics.stats.rules`) to that phase's present points, and maps values and limits back
to the display scale (per `per` units, or back-transformed for the t chart).

Choices: a lower limit that would fall below 0 is set to 0 for charts of counts, rates and times
(`floor`; Montgomery's convention — a value cannot fall below it, so it never signals). Missing
values (None) keep their place on the chart with value None and are skipped by the fit and the
rules. `phase_starts` indices start a new phase whose centre and limits use that phase's points
only (e.g. after an action date); the rules never run across a phase boundary. A phase with no
values has a NaN centre.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpso.analytics.stats import rules


@dataclass(frozen=True)
class ChartPoint:
    """One period on a chart, on the display scale (per `per` units for u charts).

    lower/upper are None where no limit can be set (run charts, missing values, a single point on
    an XmR chart); signals holds the rule ids the point takes part in (see `rules`).
    """

    label: str
    value: float | None
    center: float
    lower: float | None
    upper: float | None
    phase: int
    signals: tuple[str, ...]


@dataclass(frozen=True)
class ControlChart:
    kind: str  # run, p, u, c, p_prime, u_prime, g, t, xmr
    points: tuple[ChartPoint, ...]
    per: float = 1

    @property
    def signalled(self) -> tuple[ChartPoint, ...]:
        return tuple(p for p in self.points if p.signals)


@dataclass(frozen=True)
class RuleLengths:
    """How many consecutive points make a shift or a trend."""

    shift: int = rules.MDC_SHIFT
    trend: int = rules.MDC_TREND


MAKING_DATA_COUNT = RuleLengths()
PROVOST_MURRAY_RUN = RuleLengths(shift=rules.RUN_SHIFT, trend=rules.RUN_TREND)

# One phase's fit on the rule scale: given the present positions and their values,
# the centre and each point's sigma (None where no limits can be set).
Fit = Callable[[list[int], list[float]], tuple[float, list[float | None]]]


def present(scores: Sequence[float | None], positions: Sequence[int]) -> tuple[list[int], list[float]]:
    kept = [(i, v) for i in positions if (v := scores[i]) is not None]
    return [i for i, _ in kept], [v for _, v in kept]


def _limit(center: float, sigma: float | None, sign: int) -> float | None:
    return None if sigma is None else center + sign * 3 * sigma


def phases(n: int, phase_starts: Sequence[int]) -> list[list[int]]:
    starts = sorted(set(phase_starts) | {0})
    for s in starts:
        if not 0 <= s < max(n, 1):
            raise ValueError(f"phase_starts must be indices of points (0..{n - 1}), got {s}")
    bounds = [*starts, n]
    return [list(range(a, b)) for a, b in itertools.pairwise(bounds)]


def build(
    kind: str,
    labels: Sequence[str],
    scores: list[float | None],
    phase_starts: Sequence[int],
    fit: Fit,
    *,
    floor: bool,
    lengths: RuleLengths | None,
    per: float = 1,
    display: Callable[[float], float] = float,
    shown: Sequence[float | None] | None = None,
) -> ControlChart:
    """Fit centre and sigma per phase on the rule scale, apply the rules, map back to display."""
    lengths = lengths or MAKING_DATA_COUNT
    points: list[ChartPoint] = []
    for phase, positions in enumerate(phases(len(scores), phase_starts)):
        kept, vals = present(scores, positions)
        center, sigmas = fit(kept, vals) if kept else (math.nan, [])
        lows = [_limit(center, s, -1) for s in sigmas]
        highs = [_limit(center, s, +1) for s in sigmas]
        if floor:
            lows = [None if lo is None else max(lo, 0.0) for lo in lows]
        centres = [center] * len(kept)
        marks = rules.merge(
            rules.beyond_limits(vals, lows, highs),
            rules.shift(vals, centres, lengths.shift, skip_on_centre=False),
            rules.trend(vals, lengths.trend),
            rules.two_of_three(vals, centres, sigmas),
        )
        by_position = {i: k for k, i in enumerate(kept)}
        for i in positions:
            k = by_position.get(i)
            lo = hi = None
            if k is not None:
                low, high = lows[k], highs[k]
                lo = None if low is None else display(low)
                hi = None if high is None else display(high)
            points.append(
                ChartPoint(
                    label=str(labels[i]),
                    value=None if k is None else (display(vals[k]) if shown is None else shown[i]),
                    center=display(center) if kept else math.nan,
                    lower=lo,
                    upper=hi,
                    phase=phase,
                    signals=tuple(sorted(marks.get(k, ()))) if k is not None else (),
                )
            )
    return ControlChart(kind=kind, points=tuple(points), per=per)
