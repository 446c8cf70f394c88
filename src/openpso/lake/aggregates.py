"""Pre-aggregated counts per month, written beside each events partition.

Dashboards ask the same few questions of millions of events (counts per month by category,
harm, unit type, contributing factor, within peer groups). Counting them once per month
partition, when the partition is written, makes those questions a scan of a few thousand
rows instead of millions. The aggregates are always a function of the month's events and
contributing factors alone (`month_aggregates`), so a partition rewritten incrementally and
one rebuilt from scratch give the same files.

Pure pyarrow: the refresh and the synthetic generator (`lake.synth`) share this function.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]


def _field(name: str, description: str, *, kind: Any = None, nullable: bool = True) -> Any:
    return pa.field(name, kind or pa.string(), nullable=nullable, metadata={"description": description})


_PEERS = [
    _field("provider", "Provider pseudonym (random code from the PSO-held table)", nullable=False),
    _field("provider_type", "Provider type (peer attribute)"),
    _field("size_band", "Bed-size band (hospitals) or response-volume band (EMS)"),
    _field("region", "US Census region of the provider's State"),
    _field("event_month", "Month the events were discovered, YYYY-MM (the partition)"),
]

AGG_MONTHLY = pa.schema(
    [
        *_PEERS,
        _field("event_type", "HERF DE3: A3 incident, A6 near miss, A9 unsafe condition"),
        _field("harm", "AHRQ harm scale (LOINC answer code), incidents only"),
        _field("unit_type", "Type of the unit"),
        _field("n", "Events in the group (one per event)", kind=pa.int64(), nullable=False),
    ]
)

AGG_CATEGORIES = pa.schema(
    [
        *_PEERS,
        _field("category", "HERF DE21 category code; null for an event with no category"),
        _field("event_type", "HERF DE3: A3 incident, A6 near miss, A9 unsafe condition"),
        _field("harm", "AHRQ harm scale (LOINC answer code), incidents only"),
        # The category-by-unit-type signals read it; without it they scan every event (1.7 s of
        # the 10M-event dashboard's 1.8 s, docs/benchmarks.md).
        _field("unit_type", "Type of the unit"),
        _field(
            "n", "Events in the group (an event counts once in each of its categories)", kind=pa.int64(), nullable=False
        ),
    ]
)

# OpenPSO's contributing-factor list, not AHRQ's (openpso-ext/contributing-factors-1.0).
_FACTOR = "Contributing-factor code: OpenPSO extension (not an AHRQ Common Formats code)"

AGG_FACTORS = pa.schema(
    [
        *_PEERS,
        _field("factor", _FACTOR, nullable=False),
        _field("category", "HERF DE21 category code of the event; null for an event with no category"),
        _field("n", "Events with the factor, once per category of each event", kind=pa.int64(), nullable=False),
    ]
)

# Events per factor over all categories: not derivable from agg_factors, where an event with two
# categories counts twice.
AGG_FACTOR_TOTALS = pa.schema(
    [
        *_PEERS,
        _field("factor", _FACTOR, nullable=False),
        _field("n", "Events with the factor (one per event)", kind=pa.int64(), nullable=False),
    ]
)

AGGREGATES: dict[str, Any] = {
    "agg_monthly": AGG_MONTHLY,
    "agg_categories": AGG_CATEGORIES,
    "agg_factors": AGG_FACTORS,
    "agg_factor_totals": AGG_FACTOR_TOTALS,
}

_PEER_NAMES = [f.name for f in _PEERS]


def month_aggregates(events: Any, factors: Any) -> dict[str, Any]:
    """The aggregate tables of one month's `events` and `contributing_factors` tables.

    Groups are every column but `n`; nulls form their own group. Rows are sorted, so the same
    events give the same files. A factor row whose event is not in `events` is not counted.
    """
    by_category = _by_category(events)
    factor_rows = factors.select(["event_key", "factor"]).join(
        by_category.select(["event_key", *_PEER_NAMES, "category"]), keys="event_key", join_type="inner"
    )
    return {
        "agg_monthly": _count(events, AGG_MONTHLY),
        "agg_categories": _count(by_category, AGG_CATEGORIES),
        "agg_factors": _count(factor_rows, AGG_FACTORS),
        "agg_factor_totals": _count(factor_rows, AGG_FACTOR_TOTALS),
    }


def _by_category(events: Any) -> Any:
    """One row per event and category; an event with no category keeps one row, category null."""
    categories = events["categories"].combine_chunks() if events.num_rows else pa.array([], pa.list_(pa.string()))
    empty = pc.equal(pc.list_value_length(categories), 0)
    # An empty list would vanish when flattened; a one-null list keeps the event in the counts.
    filled = pc.if_else(empty, pa.scalar([None], pa.list_(pa.string())), categories)
    parents = pc.list_parent_indices(filled)
    columns = ["event_key", *_PEER_NAMES, "event_type", "harm", "unit_type"]
    rows = events.select(columns).take(parents)
    return rows.append_column("category", pc.list_flatten(filled))


def _count(rows: Any, target: Any) -> Any:
    """Distinct events per group: a code listed twice on one event still counts the event once."""
    keys = [name for name in target.names if name != "n"]
    counted = rows.group_by(keys, use_threads=False).aggregate([("event_key", "count_distinct")])
    counted = counted.rename_columns([*keys, "n"]).select(target.names)
    return counted.cast(target).sort_by([(name, "ascending") for name in keys])
