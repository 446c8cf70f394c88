"""A tiny hand-made lake for the query tests: few enough events to count by hand."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from openpso.lake import schema
from openpso.lake.aggregates import month_aggregates

PROFILE = "pso-pool/1"

PROVIDERS = {
    # provider: (provider_type, size_band, region)
    "P-HOSPA": ("hospital", "100-299", "south"),
    "P-HOSPB": ("hospital", "300+", "west"),
    "P-NURSE": ("nursing_home", "<100", "south"),
    "P-EMS": ("ems_agency", "small", "midwest"),
}


@dataclass(frozen=True)
class Ev:
    key: str
    provider: str
    month: str
    categories: tuple[str, ...]
    event_type: str = "A3"
    harm: str | None = "LA21151-8"
    unit_type: str | None = "med_surg"
    factors: tuple[str, ...] = ()


EVENTS = [
    Ev("E-1", "P-HOSPA", "2026-01", ("A48",), harm="LA20749-0", unit_type="icu", factors=("OPSO-SIR-CF-STAFFING",)),
    Ev("E-2", "P-HOSPA", "2026-01", ("A54", "A44"), harm="LA21151-8", factors=("OPSO-SIR-CF-STAFFING", "A66")),
    Ev("E-3", "P-HOSPA", "2026-02", ("A48",), harm="LA20748-2", unit_type="icu"),
    Ev("E-4", "P-HOSPB", "2026-01", ("A54",), event_type="A6", harm=None, factors=("OPSO-SIR-CF-HUMAN",)),
    Ev("E-5", "P-HOSPB", "2026-02", ("A48",), harm="LA21150-0", unit_type=None),
    Ev("E-6", "P-NURSE", "2026-01", ("A48",), harm="LA20747-4", unit_type="ltc"),
    Ev("E-7", "P-NURSE", "2026-02", ("A48",), harm="LA21151-8", unit_type="ltc", factors=("OPSO-SIR-CF-STAFFING",)),
    Ev("E-8", "P-NURSE", "2026-03", ("A60",), event_type="A9", harm=None, unit_type="ltc"),
    Ev("E-9", "P-EMS", "2026-03", ("A54",), harm="LA4489-6", unit_type="medic_unit"),
]

DENOMINATORS = [
    # provider, month, measure, value
    *[("P-HOSPA", m, "patient_days", 1000) for m in ("2026-01", "2026-02", "2026-03")],
    *[("P-HOSPA", m, "admissions", 200) for m in ("2026-01", "2026-02", "2026-03")],
    *[("P-HOSPB", m, "patient_days", 3000) for m in ("2026-01", "2026-02", "2026-03")],
    *[("P-NURSE", m, "patient_days", 500) for m in ("2026-01", "2026-02", "2026-03")],
    *[("P-EMS", m, "ems_responses", 250) for m in ("2026-01", "2026-02", "2026-03")],
]


def write_tiny_lake(root: Path, *, factors: bool = True) -> Path:
    by_month: dict[str, list[Ev]] = defaultdict(list)
    for ev in EVENTS:
        by_month[ev.month].append(ev)
    for month, evs in by_month.items():
        events = pa.Table.from_pylist([_event_row(ev) for ev in evs], schema=schema.EVENTS)
        factor_rows = [
            {"event_key": ev.key, "event_month": ev.month, "factor": f, "profile": PROFILE}
            for ev in evs
            for f in (ev.factors if factors else ())
        ]
        cf = pa.Table.from_pylist(factor_rows, schema=schema.CONTRIBUTING_FACTORS)
        tables = {"events": events, **month_aggregates(events, cf)}
        if factor_rows:
            tables["contributing_factors"] = cf
        for name, table in tables.items():
            _write(table, root / name / f"month={month}" / "part.parquet")
    providers = [
        {"provider": p, "provider_type": t, "size_band": s, "region": r, "profile": PROFILE}
        for p, (t, s, r) in PROVIDERS.items()
    ]
    _write(pa.Table.from_pylist(providers, schema=schema.PROVIDERS), root / "providers" / "part.parquet")
    denominators = [
        {"provider": p, "month": m, "year": int(m[:4]), "measure": k, "value": v, "profile": PROFILE}
        for p, m, k, v in DENOMINATORS
    ]
    _write(pa.Table.from_pylist(denominators, schema=schema.DENOMINATORS), root / "denominators" / "part.parquet")
    return root


def _event_row(ev: Ev) -> dict[str, Any]:
    provider_type, size_band, region = PROVIDERS[ev.provider]
    return {
        "event_key": ev.key,
        "provider": ev.provider,
        "provider_type": provider_type,
        "size_band": size_band,
        "region": region,
        "event_month": ev.month,
        "event_year": int(ev.month[:4]),
        "event_type": ev.event_type,
        "categories": list(ev.categories),
        "harm": ev.harm,
        "unit_type": ev.unit_type,
        "modules": [],
        "answers": "{}",
        "narrative": f"Narrative of {ev.key}",
        "method": "push",
        "version_number": 1,
        "profile": PROFILE,
        "engine_version": "openpso-deid 1.0",
    }


def _write(table: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")


_SYNTHETIC: dict[tuple[int, int, int, int], Path] = {}


def synthetic_lake(
    folder: Path, *, events: int = 30_000, providers: int = 40, months: int = 24, seed: int = 11
) -> Path:
    """A synthetic lake (lake.synth, planted signals included), written once per test process."""
    from openpso.lake.synth import write_lake

    key = (events, providers, months, seed)
    if key not in _SYNTHETIC:
        write_lake(folder, events=events, providers=providers, months=months, seed=seed)
        _SYNTHETIC[key] = folder
    return _SYNTHETIC[key]
