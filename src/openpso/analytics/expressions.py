"""The questions analytics ask of a lake, each an Ibis expression that any engine runs.

Counts come from the pre-aggregated tables (`agg_monthly`, `agg_categories`, `agg_factors`,
`agg_factor_totals`, written with every month partition; `openpso.lake.aggregates`): a dashboard then scans thousands
of rows, not millions of events. The raw `events` table is read for the drill-down, and for a
breakdown no aggregate carries; a query picks the first aggregate with the columns it needs
(`EVENT_AGGREGATES`), so an aggregate gaining a column speeds its queries up unchanged.

Every count comes with `providers`, the number of distinct providers behind it: small-cell
suppression (`openpso.nonid.suppression`) needs it before a number reaches a peer. Exposure is
each provider's own rate measure (`measures.RATE_MEASURE`) for the same month, so a rate never
mixes patient-days with EMS responses within a provider type.

Every expression orders its rows, so both engines return them in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis  # type: ignore[import-untyped]
import ibis.expr.types as ir  # type: ignore[import-untyped]

from openpso.analytics.measures import HARM_CODES, RATE_MEASURE
from openpso.commonformats.definitions import INCIDENT
from openpso.lake.aggregates import AGGREGATES

if TYPE_CHECKING:
    from openpso.analytics.engine import Lake

PEER_COLUMNS = ("provider_type", "size_band", "region")
# The aggregates that count events (smallest first); the agg_factor* tables count factors instead.
EVENT_AGGREGATES = tuple(name for name in AGGREGATES if not name.startswith("agg_factor"))


@dataclass(frozen=True)
class Scope:
    """Which providers' rows a query sees; None in a field means no restriction."""

    providers: frozenset[str] | None = None
    provider_type: str | None = None
    months: tuple[str, str] | None = None  # inclusive YYYY-MM range

    def apply(self, table: ir.Table, *, month: str = "event_month") -> ir.Table:
        if self.providers is not None:
            table = table.filter(table.provider.isin(sorted(self.providers)))
        if self.provider_type is not None and "provider_type" in table.columns:
            table = table.filter(table.provider_type == self.provider_type)
        if self.months is not None:
            table = table.filter(table[month].between(*self.months))
        return table


POOL = Scope()  # every member's rows


def monthly_counts(
    lake: Lake,
    scope: Scope,
    *,
    by: Sequence[str] = (),
    category: str | None = None,
    harmful_only: bool = False,
    providers: bool = True,
) -> ir.Table:
    """Events per month (and per `by`): event_month, *by, n, providers.

    `providers=False` leaves the providers column out: counting distinct providers is most of
    the cost of a fine breakdown (category by unit type), and a signal series has no use for it.
    """
    keys = ["event_month", *by]
    rows = _counted(lake, scope, {*keys, "harm"}, by_category=category is not None or "category" in by)
    if category is not None:
        rows = rows.filter(rows.category == category)
    if harmful_only:
        rows = rows.filter(rows.harm.isin(HARM_CODES))
    if not providers:
        return rows.group_by(keys).aggregate(n=rows.n.sum().cast("int64")).order_by(_ordered(keys))
    return _count(rows, keys)


def monthly_exposure(lake: Lake, scope: Scope, *, by: Sequence[str] = ()) -> ir.Table:
    """Exposure per month (and per peer column in `by`): event_month, *by, exposure, providers."""
    keys = ["event_month", *by]
    volumes = _exposure_rows(lake, scope)
    return (
        volumes.group_by(keys)
        .aggregate(exposure=volumes.value.sum().cast("float64"), providers=volumes.provider.nunique())
        .order_by(_ordered(keys))
    )


def provider_counts(lake: Lake, scope: Scope, *, category: str | None = None) -> ir.Table:
    """Each provider in scope with its events and exposure over the scope's months (zeros kept):
    provider, provider_type, size_band, region, n, exposure."""
    members = Scope(scope.providers, scope.provider_type).apply(lake.table("providers"))
    members = members.select("provider", *PEER_COLUMNS)
    rows = _counted(lake, scope, {"provider"}, by_category=category is not None)
    if category is not None:
        rows = rows.filter(rows.category == category)
    counts = rows.group_by(c_provider=rows.provider).aggregate(c_n=rows.n.sum())
    volumes = _exposure_rows(lake, scope)
    exposure = volumes.group_by(e_provider=volumes.provider).aggregate(e_exposure=volumes.value.sum())
    joined = members.left_join(counts, members.provider == counts.c_provider).left_join(
        exposure, members.provider == exposure.e_provider
    )
    return joined.select(
        "provider",
        *PEER_COLUMNS,
        n=joined.c_n.fill_null(0).cast("int64"),
        exposure=joined.e_exposure.fill_null(0).cast("float64"),
    ).order_by("provider")


def category_counts(lake: Lake, scope: Scope) -> ir.Table:
    """Events per DE21 category (an event counts in each of its categories): category, n, providers."""
    rows = scope.apply(lake.table("agg_categories"))
    return _count(rows.filter(rows.category.notnull()), ["category"], by_size=True)


def factor_counts(lake: Lake, scope: Scope, *, category: str | None = None) -> ir.Table:
    """Events per contributing factor: factor, n, providers.

    Per category from `agg_factors`; over all categories from `agg_factor_totals`, where an event
    in two categories counts once for its factor.
    """
    if category is None:
        rows = scope.apply(lake.table("agg_factor_totals"))
    else:
        rows = scope.apply(lake.table("agg_factors"))
        rows = rows.filter(rows.category == category)
    return _count(rows, ["factor"], by_size=True)


def harm_counts(lake: Lake, scope: Scope) -> ir.Table:
    """Incidents per harm level (near misses and unsafe conditions have none): harm, n, providers."""
    rows = scope.apply(lake.table("agg_monthly"))
    rows = rows.filter((rows.event_type == INCIDENT) & rows.harm.notnull())
    return _count(rows, ["harm"], by_size=True)


def unit_type_monthly(lake: Lake, scope: Scope) -> ir.Table:
    """Events per month and unit type (events with no unit type left out): event_month, unit_type, n, providers."""
    rows = scope.apply(lake.table("agg_monthly"))
    return _count(rows.filter(rows.unit_type.notnull()), ["event_month", "unit_type"])


def events_matching(
    lake: Lake, scope: Scope, *, category: str | None = None, unit_type: str | None = None, limit: int = 200
) -> ir.Table:
    """The events behind a number (a signal's drill-down), newest month first."""
    events = scope.apply(lake.table("events"))
    if category is not None:
        events = events.filter(events.categories.contains(category))
    if unit_type is not None:
        events = events.filter(events.unit_type == unit_type)
    columns = ("event_key", "event_month", "provider", "provider_type", "categories", "harm", "unit_type", "narrative")
    return events.select(*columns).order_by(ibis.desc("event_month"), "event_key").limit(limit)


def _counted(lake: Lake, scope: Scope, columns: set[str], *, by_category: bool) -> ir.Table:
    """Rows with an event count `n` carrying `columns`: the first aggregate that has them all,
    else the raw events (one row per event, or per event and category)."""
    needed = columns | ({"category"} if by_category else set())
    for name in EVENT_AGGREGATES:
        table = lake.table(name)
        # A table with a category column counts an event once per category: right only when
        # the question is per category.
        if needed <= set(table.columns) and ("category" in table.columns) == by_category:
            return scope.apply(table)
    events = scope.apply(lake.table("events"))
    if by_category:
        events = events.mutate(category=events.categories.unnest())
    # An event listing a category twice still counts once, as in the aggregates.
    keep = sorted(needed | {"provider", "event_key"})
    return events.select(*keep).distinct().mutate(n=ibis.literal(1, "int64"))


def _exposure_rows(lake: Lake, scope: Scope) -> ir.Table:
    """One row per provider and month in scope: the volume of the provider type's rate measure."""
    members = lake.table("providers").select("provider", *PEER_COLUMNS)
    if scope.provider_type is not None:
        members = members.filter(members.provider_type == scope.provider_type)
    volumes = lake.table("denominators")
    volumes = Scope(providers=scope.providers, months=scope.months).apply(volumes, month="month")
    joined = volumes.join(members, "provider")
    joined = joined.filter(joined.measure == joined.provider_type.substitute(RATE_MEASURE, else_=""))
    return joined.select("provider", *PEER_COLUMNS, event_month=joined.month, value=joined.value)


def _count(rows: ir.Table, keys: list[str], *, by_size: bool = False) -> ir.Table:
    # Per provider first, then per group: the same as a distinct count of providers, and
    # several times faster than COUNT(DISTINCT) over a million aggregate rows (docs/benchmarks.md).
    per_provider = rows.group_by([*keys, "provider"]).aggregate(n=rows.n.sum())
    counted = per_provider.group_by(keys).aggregate(
        n=per_provider.n.sum().cast("int64"), providers=per_provider.count().cast("int64")
    )
    order = [ibis.desc("n"), *_ordered(keys)] if by_size else _ordered(keys)
    return counted.order_by(order)


def _ordered(keys: Sequence[str]) -> list[ir.Value]:
    # Spark sorts nulls first and DuckDB last unless told: say it, so both engines agree.
    return [ibis.asc(key, nulls_first=False) for key in keys]
