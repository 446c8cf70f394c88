"""The PSO analyst dashboard's queries written plainly in pandas over the raw lake tables.

The baseline of `bench_analytics`: what an analyst would write with the events, contributing
factors, providers and denominators loaded in memory (only the columns the queries need), no
pre-aggregation. `load` reads them; `dashboard` answers every query of
`openpso.analytics.suite.dashboard_queries` for the whole pool, with the same columns, so
`same_numbers` can check both give the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds  # type: ignore[import-untyped]

from openpso.analytics.measures import FALLS, HARM_CODES, RATE_MEASURE
from openpso.analytics.suite import RECENT_MONTHS
from openpso.lib.months import shift_month

EVENT_COLUMNS = [
    "event_key",
    "provider",
    "provider_type",
    "event_month",
    "event_type",
    "categories",
    "harm",
    "unit_type",
]


@dataclass
class Raw:
    events: pd.DataFrame
    factors: pd.DataFrame
    providers: pd.DataFrame
    denominators: pd.DataFrame


def load(root: Path) -> Raw:
    def partitioned(name: str, columns: list[str]) -> pd.DataFrame:
        return ds.dataset(root / name, format="parquet").to_table(columns=columns).to_pandas()

    return Raw(
        events=partitioned("events", EVENT_COLUMNS),
        factors=partitioned("contributing_factors", ["event_key", "factor"]),
        providers=pd.read_parquet(
            root / "providers" / "part.parquet", columns=["provider", "provider_type", "size_band", "region"]
        ),
        denominators=pd.read_parquet(
            root / "denominators" / "part.parquet", columns=["provider", "month", "measure", "value"]
        ),
    )


def dashboard(raw: Raw) -> dict[str, pd.DataFrame]:
    events = raw.events
    by_category = events.explode("categories").rename(columns={"categories": "category"})
    exposure_rows = _exposure_rows(raw)
    out = {
        "monthly_counts": _count(events, ["event_month"]),
        "monthly_harmful": _count(events[events["harm"].isin(HARM_CODES)], ["event_month"]),
        "category_counts": _count(by_category[by_category["category"].notna()], ["category"], by_size=True),
        "factor_counts": _count(
            raw.factors.drop_duplicates(["event_key", "factor"]).merge(
                events[["event_key", "provider"]], on="event_key"
            ),
            ["factor"],
            by_size=True,
        ),
        "harm_counts": _count(events[(events["event_type"] == "A3") & events["harm"].notna()], ["harm"], by_size=True),
        "unit_type_monthly": _count(events[events["unit_type"].notna()], ["event_month", "unit_type"]),
        "counts_by_category_type": _sizes(by_category, ["event_month", "category", "provider_type"]),
        "counts_by_category_unit": _sizes(by_category, ["event_month", "category", "unit_type"]),
        "exposure_by_type": _exposure(exposure_rows, ["event_month", "provider_type"]),
        "monthly_exposure": _exposure(exposure_rows, ["event_month"]),
    }
    last = events["event_month"].max()
    first = shift_month(last, -(RECENT_MONTHS - 1))
    recent = events[events["event_month"].between(first, last)]
    recent_falls = by_category[by_category["event_month"].between(first, last) & (by_category["category"] == FALLS)]
    recent_exposure = exposure_rows[exposure_rows["event_month"].between(first, last)]
    out["provider_counts"] = _per_provider(raw.providers, recent, recent_exposure)
    out["provider_falls"] = _per_provider(raw.providers, recent_falls, recent_exposure)
    return out


def _count(rows: pd.DataFrame, keys: list[str], *, by_size: bool = False) -> pd.DataFrame:
    counted = (
        rows.groupby(keys, dropna=False).agg(n=("provider", "size"), providers=("provider", "nunique")).reset_index()
    )
    order = (["n", *keys], [False, *[True] * len(keys)]) if by_size else (keys, [True] * len(keys))
    return counted.sort_values(order[0], ascending=order[1], na_position="last").reset_index(drop=True)


def _sizes(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    counted = rows.groupby(keys, dropna=False).size().rename("n").reset_index()
    return counted.sort_values(keys, na_position="last").reset_index(drop=True)


def _exposure_rows(raw: Raw) -> pd.DataFrame:
    joined = raw.denominators.merge(raw.providers, on="provider")
    joined = joined[joined["measure"] == joined["provider_type"].map(RATE_MEASURE)]
    return joined.rename(columns={"month": "event_month"})


def _exposure(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = rows.groupby(keys).agg(exposure=("value", "sum"), providers=("provider", "nunique")).reset_index()
    return out.assign(exposure=out["exposure"].astype("float64")).sort_values(keys).reset_index(drop=True)


def _per_provider(providers: pd.DataFrame, events: pd.DataFrame, exposure: pd.DataFrame) -> pd.DataFrame:
    counts = events.groupby("provider").size().rename("n")
    volumes = exposure.groupby("provider")["value"].sum().rename("exposure")
    out = providers.set_index("provider").join(counts).join(volumes).reset_index()
    out["n"] = out["n"].fillna(0).astype("int64")
    out["exposure"] = out["exposure"].fillna(0).astype("float64")
    return out.sort_values("provider").reset_index(drop=True)


def same_numbers(ours: dict[str, pd.DataFrame], theirs: dict[str, pd.DataFrame]) -> list[str]:
    """Names of the tables where the two disagree (rows compared in key order, numbers exactly)."""
    differ = []
    for name, frame in theirs.items():
        mine = ours[name][list(frame.columns)]
        keys = [c for c in frame.columns if c not in ("n", "providers", "exposure")]
        left, right = (_normal(f, keys) for f in (mine, frame))
        if not left.equals(right):
            differ.append(name)
    return differ


def _normal(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    frame = frame.astype({c: "float64" for c in ("n", "providers", "exposure") if c in frame.columns})
    frame = frame.astype(dict.fromkeys(keys, "object")).fillna(dict.fromkeys(keys, ""))
    return frame.sort_values(keys).reset_index(drop=True)
