"""The month aggregates count exactly what a plain Python count of the events says."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from openpso.lake.aggregates import AGGREGATES, month_aggregates
from openpso.lake.schema import CONTRIBUTING_FACTORS, EVENTS

PEERS = ("provider", "provider_type", "size_band", "region", "event_month")


def event(key: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(EVENTS.names)
    row |= {
        "event_key": key,
        "provider": "P-AAAAAAAAAAAA",
        "provider_type": "hospital",
        "size_band": "100-199",
        "region": "south",
        "event_month": "2026-01",
        "event_year": 2026,
        "event_type": "A3",
        "categories": ["A48"],
        "harm": "LA21151-8",
        "unit_type": "med_surg",
        "modules": [],
        "answers": "{}",
        "narrative": "",
        "method": "push",
        "version_number": 1,
        "profile": "pso-pool/1",
        "engine_version": "openpso-deid 1.0",
    }
    return row | values


def factor(key: str, code: str) -> dict[str, Any]:
    return {"event_key": key, "event_month": "2026-01", "factor": code, "profile": "pso-pool/1"}


def tables(events: list[dict[str, Any]], factors: list[dict[str, Any]]) -> dict[str, Any]:
    return month_aggregates(
        pa.Table.from_pylist(events, schema=EVENTS), pa.Table.from_pylist(factors, schema=CONTRIBUTING_FACTORS)
    )


def counts(table: Any) -> Counter[tuple[Any, ...]]:
    keys = [name for name in table.column_names if name != "n"]
    return Counter({tuple(row[k] for k in keys): row["n"] for row in table.to_pylist()})


def naive(events: list[dict[str, Any]], factors: list[dict[str, Any]]) -> dict[str, Counter[tuple[Any, ...]]]:
    monthly: Counter[tuple[Any, ...]] = Counter()
    categories: Counter[tuple[Any, ...]] = Counter()
    by_factor: Counter[tuple[Any, ...]] = Counter()
    factor_totals: Counter[tuple[Any, ...]] = Counter()
    by_key = {e["event_key"]: e for e in events}
    for e in events:
        peers = tuple(e[name] for name in PEERS)
        monthly[(*peers, e["event_type"], e["harm"], e["unit_type"])] += 1
        for code in sorted(set(e["categories"])) or [None]:
            categories[(*peers, code, e["event_type"], e["harm"], e["unit_type"])] += 1
    for key, code in {(f["event_key"], f["factor"]) for f in factors}:
        found = by_key.get(key)
        if found is None:
            continue
        for category in sorted(set(found["categories"])) or [None]:
            by_factor[(*(found[name] for name in PEERS), code, category)] += 1
        factor_totals[(*(found[name] for name in PEERS), code)] += 1
    return {
        "agg_monthly": monthly,
        "agg_categories": categories,
        "agg_factors": by_factor,
        "agg_factor_totals": factor_totals,
    }


def test_an_event_counts_once_in_each_of_its_categories():
    events = [event("E-1", categories=["A48", "A54"]), event("E-2"), event("E-3", categories=["A48", "A48"])]
    found = tables(events, [])
    assert counts(found["agg_monthly"]) == Counter(
        {("P-AAAAAAAAAAAA", "hospital", "100-199", "south", "2026-01", "A3", "LA21151-8", "med_surg"): 3}
    )
    by_category = {row["category"]: row["n"] for row in found["agg_categories"].to_pylist()}
    assert by_category == {"A48": 3, "A54": 1}


def test_nulls_are_their_own_group_and_an_event_without_category_is_kept():
    events = [event("E-1", harm=None, event_type="A6"), event("E-2", unit_type=None), event("E-3", categories=[])]
    found = tables(events, [factor("E-3", "SIR-1")])
    assert sum(counts(found["agg_monthly"]).values()) == 3
    assert len(found["agg_monthly"]) == 3
    uncategorised = [r["n"] for r in found["agg_categories"].to_pylist() if r["category"] is None]
    assert uncategorised == [1]
    assert [(r["factor"], r["category"], r["n"]) for r in found["agg_factors"].to_pylist()] == [("SIR-1", None, 1)]


def test_factors_count_events_per_category_and_ignore_unknown_events():
    events = [event("E-1", categories=["A48", "A44"]), event("E-2")]
    factors = [factor("E-1", "F1"), factor("E-1", "F1"), factor("E-2", "F1"), factor("E-9", "F1")]
    rows = {(r["factor"], r["category"]): r["n"] for r in tables(events, factors)["agg_factors"].to_pylist()}
    assert rows == {("F1", "A44"): 1, ("F1", "A48"): 2}


def test_empty_months_give_empty_tables_in_the_aggregate_schemas():
    found = tables([], [])
    for name, schema in AGGREGATES.items():
        assert found[name].num_rows == 0
        assert found[name].schema.equals(schema)


def test_the_same_events_in_another_order_give_the_same_tables():
    events = [event(f"E-{i}", provider=f"P-{i % 3}", harm=[None, "LA21150-0"][i % 2]) for i in range(20)]
    factors = [factor(f"E-{i}", f"F{i % 4}") for i in range(20)]
    forward, backward = tables(events, factors), tables(events[::-1], factors[::-1])
    for name in AGGREGATES:
        assert forward[name].equals(backward[name])


maybe = st.one_of(st.none(), st.sampled_from(["a", "b"]))
events_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "provider": st.sampled_from(["P-1", "P-2", "P-3"]),
            "provider_type": maybe,
            "size_band": maybe,
            "region": maybe,
            "event_type": st.sampled_from(["A3", "A6", "A9"]),
            "harm": maybe,
            "unit_type": maybe,
            "categories": st.lists(st.sampled_from(["A44", "A48", "A54"]), max_size=3),
            "factors": st.lists(st.sampled_from(["F1", "F2"]), max_size=3),
        }
    ),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(events_strategy)
def test_aggregates_equal_a_plain_count(drawn: list[dict[str, Any]]):
    events = [event(f"E-{i}", **{k: v for k, v in d.items() if k != "factors"}) for i, d in enumerate(drawn)]
    factors = [factor(f"E-{i}", code) for i, d in enumerate(drawn) for code in d["factors"]]
    found = tables(events, factors)
    expected = naive(events, factors)
    for name in AGGREGATES:
        assert counts(found[name]) == expected[name], name
        assert found[name].schema.equals(AGGREGATES[name])
