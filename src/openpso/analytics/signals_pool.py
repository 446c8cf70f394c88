"""Emerging increases across the pool: a Poisson CUSUM per category within each provider type
and within each unit type, on monthly rates, each signal with the months behind it.

A fall or two more at one nursing home means nothing; the same rise across every nursing home
in the pool is what a PSO exists to see (user needs §3.5). The first `BASELINE` months set
each series' expected rate; the CUSUM then accumulates evidence of a rise above it.

Unit types have no denominators of their own (volumes are reported per provider), so a
category × unit-type series is counted against the whole pool's exposure: it signals when
that unit type's share of the pool's events grows.

Series names read `category:A48|provider_type:nursing_home`; `series_filters` turns one back
into the filters of the drill-down (`expressions.events_matching`).
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis.expr.types as ir  # type: ignore[import-untyped]
import pandas as pd  # type: ignore[import-untyped]

from openpso.analytics import expressions
from openpso.analytics.engine import Lake
from openpso.analytics.expressions import POOL, Scope
from openpso.analytics.stats.signals import Signal, poisson_cusum

BASELINE = 12


def signal_queries(lake: Lake, scope: Scope) -> dict[str, ir.Table]:
    """The queries `pool_signals` needs, by the names it takes them under."""
    return {
        "counts_by_category_type": expressions.monthly_counts(
            lake, scope, by=("category", "provider_type"), providers=False
        ),
        "counts_by_category_unit": expressions.monthly_counts(
            lake, scope, by=("category", "unit_type"), providers=False
        ),
        "exposure_by_type": expressions.monthly_exposure(lake, scope, by=("provider_type",)),
        "monthly_exposure": expressions.monthly_exposure(lake, scope),
    }


def detect_signals(lake: Lake, scope: Scope = POOL) -> list[Signal]:
    frames = {name: lake.execute(expr) for name, expr in signal_queries(lake, scope).items()}
    return pool_signals(frames)


def pool_signals(frames: Mapping[str, pd.DataFrame], *, baseline: int = BASELINE) -> list[Signal]:
    """Signals from the frames of `signal_queries`, strongest first (by observed/expected)."""
    found = [
        *_by_group(frames["counts_by_category_type"], frames["exposure_by_type"], "provider_type", baseline),
        *_by_group(frames["counts_by_category_unit"], _pool_exposure_by(frames), "unit_type", baseline),
    ]
    return sorted(found, key=lambda s: (-s.ratio, s.series))


def series_filters(series: str) -> dict[str, str]:
    """`category:A48|unit_type:icu` -> {"category": "A48", "unit_type": "icu"}."""
    return dict(part.split(":", 1) for part in series.split("|"))


def _pool_exposure_by(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The pool's exposure repeated for every unit type seen, so each unit series has a denominator."""
    units = frames["counts_by_category_unit"]["unit_type"].dropna().unique()
    exposure = frames["monthly_exposure"][["event_month", "exposure"]]
    if not len(units):
        return exposure.assign(unit_type=pd.Series(dtype="object"))
    return exposure.merge(pd.DataFrame({"unit_type": sorted(units)}), how="cross")


def _by_group(counts: pd.DataFrame, exposure: pd.DataFrame, group: str, baseline: int) -> list[Signal]:
    found: list[Signal] = []
    counts = counts.dropna(subset=["category", group])
    for (category, value), rows in counts.groupby(["category", group], sort=True):
        months = exposure[exposure[group] == value].sort_values("event_month")
        months = months[months["exposure"] > 0]
        if len(months) <= baseline:
            continue
        by_month = dict(zip(rows["event_month"], rows["n"], strict=True))
        series_counts = [int(by_month.get(m, 0)) for m in months["event_month"]]
        if sum(series_counts[:baseline]) == 0:
            continue  # no baseline rate to rise above: a first event is news, not a trend
        _, signal = poisson_cusum(
            series_counts,
            [float(x) for x in months["exposure"]],
            list(months["event_month"]),
            series=f"category:{category}|{group}:{value}",
            baseline=baseline,
        )
        if signal is not None:
            found.append(signal)
    return found
