"""The whole analytics suite over one lake: the dashboard's queries, then the statistics on them.

`dashboard_queries` is exactly what the PSO analyst's dashboard asks the engine (the analytics
benchmark times it); `run_suite` adds the drill-down and applies the statistics — u charts of
the pool's monthly rates, Paretos, a funnel of providers' fall rates, empirical-Bayes peer
rankings and pool signals — returning every result as a table. The engine parity test runs it on
DuckDB and on Spark and compares every table, so everything analytics compute is covered by it.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Callable, Iterable
from typing import Any

import ibis.expr.types as ir  # type: ignore[import-untyped]
import pandas as pd  # type: ignore[import-untyped]

from openpso.analytics import expressions
from openpso.analytics.engine import Lake
from openpso.analytics.expressions import POOL, Scope
from openpso.analytics.measures import FALLS, PER
from openpso.analytics.signals_pool import pool_signals, signal_queries
from openpso.analytics.stats.funnel import poisson_funnel
from openpso.analytics.stats.pareto import pareto
from openpso.analytics.stats.shrinkage import eb_poisson
from openpso.analytics.stats.spc import ControlChart, laney_u_chart, u_chart
from openpso.lib.months import month_index, shift_month

RECENT_MONTHS = 12  # funnels and peer rankings compare providers over the last year


def dashboard_queries(lake: Lake, scope: Scope = POOL) -> dict[str, pd.DataFrame]:
    """Run every query of the PSO analyst's dashboard; the last year's queries follow the pool's
    latest month, so they run once that is known."""
    frames = {name: lake.execute(expr) for name, expr in _built(pool_queries, lake, scope).items()}
    recent = recent_scope(scope, frames["monthly_counts"])
    if recent is not None:
        frames |= {name: lake.execute(expr) for name, expr in _built(recent_queries, lake, recent).items()}
    else:
        frames |= {name: _empty_provider_counts() for name in ("provider_counts", "provider_falls")}
    return frames


Builder = Callable[[Lake, Scope], dict[str, ir.Table]]
_BUILT: weakref.WeakKeyDictionary[Lake, dict[tuple[Builder, Scope], dict[str, ir.Table]]] = weakref.WeakKeyDictionary()


def _built(build: Builder, lake: Lake, scope: Scope) -> dict[str, ir.Table]:
    """The expressions of `build`, built once per lake and scope: building them is a tenth of a
    warm dashboard's time, and a lake answers the same questions on every view."""
    per_lake = _BUILT.setdefault(lake, {})
    if (build, scope) not in per_lake:
        per_lake[build, scope] = build(lake, scope)
    return per_lake[build, scope]


def pool_queries(lake: Lake, scope: Scope) -> dict[str, ir.Table]:
    return {
        "monthly_counts": expressions.monthly_counts(lake, scope),
        "monthly_harmful": expressions.monthly_counts(lake, scope, harmful_only=True),
        "category_counts": expressions.category_counts(lake, scope),
        "factor_counts": expressions.factor_counts(lake, scope),
        "harm_counts": expressions.harm_counts(lake, scope),
        "unit_type_monthly": expressions.unit_type_monthly(lake, scope),
        **signal_queries(lake, scope),  # monthly_exposure among them
    }


def recent_queries(lake: Lake, recent: Scope) -> dict[str, ir.Table]:
    return {
        "provider_counts": expressions.provider_counts(lake, recent),
        "provider_falls": expressions.provider_counts(lake, recent, category=FALLS),
    }


def recent_months(period: tuple[str, str], months: int = RECENT_MONTHS) -> tuple[str, str]:
    """The last `months` months of `period` (fewer where the period is shorter), for funnels and
    rankings and for the words that name them."""
    return max(shift_month(period[1], -(months - 1)), period[0]), period[1]


def recent_words(period: tuple[str, str]) -> str:
    """`recent_months` in words, e.g. "the 12 months 2025-11 to 2026-10" (the label follows
    the months shown, not a fixed "last 12 months")."""
    first, last = recent_months(period)
    count = month_index(last) - month_index(first) + 1
    return f"the {count} month{'s' if count != 1 else ''} {first} to {last}"


def recent_scope(scope: Scope, monthly: pd.DataFrame, months: int = RECENT_MONTHS) -> Scope | None:
    """`scope` narrowed to the `months` months up to its latest month with events."""
    if monthly.empty:
        return None
    last = str(monthly["event_month"].max())
    first = shift_month(last, -(months - 1))
    if scope.months is not None:
        first = max(first, scope.months[0])
    return dataclasses.replace(scope, months=(first, last))


def run_suite(lake: Lake, scope: Scope = POOL) -> dict[str, pd.DataFrame]:
    frames = dashboard_queries(lake, scope)
    frames["drill_falls"] = lake.execute(expressions.events_matching(lake, scope, category=FALLS, limit=50))
    return frames | statistics(frames)


def statistics(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The statistics of the suite, each as a table, from the frames of `dashboard_queries`."""
    exposure = frames["monthly_exposure"]
    events, harmful = (_on_months(frames[name], exposure) for name in ("monthly_counts", "monthly_harmful"))
    tables = {
        "u_chart_events": _chart(u_chart, events, exposure),
        "u_prime_chart_events": _chart(laney_u_chart, events, exposure),
        "u_chart_harmful": _chart(u_chart, harmful, exposure),
        "pareto_categories": _pareto(frames["category_counts"], "category"),
        "pareto_factors": _pareto(frames["factor_counts"], "factor"),
    }
    falls = _with_exposure(frames["provider_falls"])
    if len(falls) >= 2:
        funnel = poisson_funnel(_ints(falls["n"]), _floats(falls["exposure"]), list(falls["provider"]), per=PER)
        tables["funnel_falls"] = table(funnel.points, target=funnel.target, phi=funnel.phi, method=funnel.method)
        tables["funnel_falls_limits"] = table(funnel.limits)
    peers = _with_exposure(frames["provider_counts"])
    if len(peers) >= 2:
        groups = [f"{t}/{s}" for t, s in zip(peers["provider_type"], peers["size_band"], strict=True)]
        ranked = eb_poisson(_ints(peers["n"]), _floats(peers["exposure"]), list(peers["provider"]), groups=groups)
        tables["peer_ranking"] = table(ranked)
    signals = pool_signals(frames)
    tables["signals"] = table(signals, drop=("evidence",))
    tables["signal_evidence"] = pd.DataFrame(
        [{"series": s.series} | dataclasses.asdict(e) for s in signals for e in s.evidence],
        columns=["series", "label", "observed", "expected", "statistic"],
    )
    return tables


def table(items: Iterable[Any], *, drop: tuple[str, ...] = (), **constants: Any) -> pd.DataFrame:
    """Dataclasses as rows; a tuple of labels (a point's rule signals) as one comma-joined cell."""
    rows = []
    for item in items:
        row = {k: v for k, v in dataclasses.asdict(item).items() if k not in drop}
        rows.append({k: ",".join(v) if isinstance(v, tuple) else v for k, v in row.items()} | constants)
    return pd.DataFrame(rows)


def _chart(build: Any, counts: list[int], exposure: pd.DataFrame) -> pd.DataFrame:
    if len(counts) < 2:
        return pd.DataFrame()
    chart: ControlChart = build(counts, _floats(exposure["exposure"]), list(exposure["event_month"]), per=PER)
    return table(chart.points, kind=chart.kind)


def _on_months(counts: pd.DataFrame, exposure: pd.DataFrame) -> list[int]:
    """Counts for every month with exposure, zero where no event was reported."""
    by_month = dict(zip(counts["event_month"], counts["n"], strict=True))
    return [int(by_month.get(m, 0)) for m in exposure["event_month"]]


def _pareto(counts: pd.DataFrame, column: str) -> pd.DataFrame:
    return table(pareto(dict(zip(counts[column], _ints(counts["n"]), strict=True))))


def _with_exposure(providers: pd.DataFrame) -> pd.DataFrame:
    # A provider that reported no volume has no rate: it cannot sit on a funnel or be ranked.
    return providers[providers["exposure"] > 0].reset_index(drop=True)


def _empty_provider_counts() -> pd.DataFrame:
    return pd.DataFrame(columns=["provider", *expressions.PEER_COLUMNS, "n", "exposure"])


def _ints(values: pd.Series) -> list[int]:
    return [int(v) for v in values]


def _floats(values: pd.Series) -> list[float]:
    return [float(v) for v in values]
