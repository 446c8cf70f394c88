"""A synthetic lake at any size, written straight into the lake's files (no database).

`write_lake(root, events=N)` writes every lake table in the lake's schemas and layout
(`lake.schema`, `lake.files`), plus the month aggregates (`lake.aggregates`), one month at a
time, so memory stays bounded by one month whatever N is. It exists to measure and test the
analytics at scale: `openpso lake synth --events 10000000 --out DIR`.

The pool: `providers` members of five types (hospitals most, then nursing homes, EMS
agencies, pharmacies, ambulatory practices) with size bands and Census regions; each
provider-month has its denominators (hospital: patient days and admissions; nursing home:
patient days; EMS: responses; others: encounters) and an expected number of events = a
rate per 1,000 of its type's measure × its volume × its own reporting culture × noise. The
events of the whole lake are shared out over months and then over (provider, category,
unit type) cells by multinomial draws, so the total is exactly N and every cell count is
Poisson-like. Volumes are scaled by one factor so the rates stay realistic at any N: a lake
with more events has larger providers, not higher rates.

Planted signals (`PLANTED`), multiplying the expected count of their cells; the rate ratio
is relative to the same cells without the signal:

- `falls_nursing_home`: falls (A48) at nursing homes rise over the last 6 months, a ramp
  to ×1.8 in the last month;
- `medication_one_hospital`: medication events (A54) ×2.5 from 4 months before the end, at
  one hospital (pseudonym `PLANTED_HOSPITAL`);
- `device_icu`: device events (A44) ×2 on `icu` units over the last 5 months.

Everything is drawn from `numpy.random.default_rng` seeded with `seed` (and the month), so
the same arguments write the same files. Pseudonyms and event keys are random strings of
the lake's shapes: this pool has no key.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]

from openpso.lake import files, schema
from openpso.lake import synth_mix as mix
from openpso.lake.aggregates import month_aggregates
from openpso.lake.synth_events import Pool, month_tables, random_keys
from openpso.lib.months import month_index, month_label, shift_month

Progress = Callable[[int, int], None]
PLANTED_HOSPITAL = "P-QH7KM2ZRW4TB"


@dataclass(frozen=True)
class PlantedSignal:
    key: str
    category: str  # DE21 code
    last_months: int  # the signal covers the last `last_months` months of the lake
    ratio: float  # rate ratio against the same cells without it (the final month's, for a ramp)
    shape: str  # "step" or "ramp" (linear from 1 to `ratio` over `last_months`)
    provider_type: str | None = None
    unit_type: str | None = None
    provider: str | None = None
    description: str = ""

    def start_month(self, end_month: str) -> str:
        return shift_month(end_month, 1 - self.last_months)

    def multiplier(self, months_before_end: int) -> float:
        """The factor on the expected count `months_before_end` months before the last (0 = last)."""
        if months_before_end >= self.last_months:
            return 1.0
        if self.shape == "step":
            return self.ratio
        step = self.last_months - months_before_end
        return 1.0 + (self.ratio - 1.0) * step / self.last_months


PLANTED: list[PlantedSignal] = [
    PlantedSignal(
        "falls_nursing_home", "A48", 6, 1.8, "ramp", provider_type=mix.NURSING_HOME,
        description="Falls at nursing homes rise over the last 6 months, to 1.8 times the rate",
    ),
    PlantedSignal(
        "medication_one_hospital", "A54", 4, 2.5, "step", provider=PLANTED_HOSPITAL,
        description="Medication events at one hospital are 2.5 times the rate for the last 4 months",
    ),
    PlantedSignal(
        "device_icu", "A44", 5, 2.0, "step", unit_type="icu",
        description="Device events on ICU units are twice the rate for the last 5 months",
    ),
]  # fmt: skip


@dataclass
class SynthSummary:
    events: int = 0
    contributing_factors: int = 0
    actions: int = 0
    providers: int = 0
    months: list[str] = field(default_factory=list)
    seconds: float = 0.0
    planted: list[PlantedSignal] = field(default_factory=lambda: list(PLANTED))


def write_lake(
    root: Path,
    *,
    events: int,
    providers: int = 300,
    months: int = 24,
    seed: int = 7,
    end_month: str = "2026-10",
    progress: Progress | None = None,
) -> SynthSummary:
    """Write a synthetic lake of exactly `events` events into `root` and say what it wrote."""
    if events < 0 or providers < len(mix.PROVIDER_TYPES) or months < 1:
        raise ValueError("events must be ≥ 0, providers ≥ 5 and months ≥ 1")
    started = time.perf_counter()
    first = month_index(end_month) - months + 1
    later = [month_label(first + i) for i in range(months + 8)]  # action due dates run past the end
    labels = later[:months]
    pool = _pool(np.random.default_rng([seed, 0]), providers=providers, first=first, months=months)
    per_month = pool.expected.sum(axis=(0, 2, 3))
    counts = np.random.default_rng([seed, 1]).multinomial(events, per_month / per_month.sum())
    # One factor on every volume keeps the rates per 1,000 realistic at any N.
    scale = events / per_month.sum() if events else 1.0
    summary = SynthSummary(providers=providers, months=labels)
    _write_small_tables(root, pool, labels, scale)
    for i, label in enumerate(labels):
        rng = np.random.default_rng([seed, 2, i])
        cells = pool.expected[:, i].ravel()
        drawn = rng.multinomial(int(counts[i]), cells / cells.sum()) if counts[i] else np.zeros(cells.size, np.int64)
        tables = month_tables(rng, drawn, pool=pool, later=later[i:], months_left=months - 1 - i)
        partition = dt.date(int(label[:4]), int(label[5:]), 1)
        tables |= month_aggregates(tables["events"], tables["contributing_factors"])
        for name, table in tables.items():
            files.write(table, files.partition_path(root, name, partition))
        summary.events += tables["events"].num_rows
        summary.contributing_factors += tables["contributing_factors"].num_rows
        summary.actions += tables["actions"].num_rows
        if progress:
            progress(summary.events, events)
    summary.seconds = time.perf_counter() - started
    return summary


def _pool(rng: np.random.Generator, *, providers: int, first: int, months: int) -> Pool:
    types = rng.choice(len(mix.PROVIDER_TYPES), size=providers, p=mix.PROVIDER_SHARE)
    types[: len(mix.PROVIDER_TYPES)] = np.arange(len(mix.PROVIDER_TYPES))  # every type at least once
    pseudonyms = [PLANTED_HOSPITAL, *_random_strings(rng, "P-", 12, providers - 1)]
    regions = list(rng.choice(list(mix.REGIONS), size=providers, p=list(mix.REGIONS.values())))
    bands: list[str | None] = []
    size = np.ones(providers)  # monthly volume of the rate measure at a 30-day month
    for p, t in enumerate(types):
        kind = mix.PROVIDER_TYPES[t]
        if kind == mix.HOSPITAL:
            band = "300-499" if p == 0 else str(rng.choice(list(mix.HOSPITAL_BANDS), p=_shares(mix.HOSPITAL_BANDS)))
            size[p] = mix.HOSPITAL_BANDS[band][1] * 0.72 * 30 * rng.uniform(0.8, 1.2)
        elif kind == mix.EMS:
            band = str(rng.choice(list(mix.EMS_BANDS), p=_shares(mix.EMS_BANDS)))
            size[p] = mix.EMS_BANDS[band][1] / 12 * rng.uniform(0.8, 1.2)
        else:
            band = None
            size[p] = {mix.NURSING_HOME: rng.uniform(60, 200) * 0.86 * 30, mix.PHARMACY: rng.uniform(3000, 8000)}.get(
                kind, rng.uniform(1000, 5000)
            )
        bands.append(band)
    month_of_year = (first + np.arange(months)) % 12  # 0 = January
    season = 1 + 0.08 * np.cos(2 * np.pi * month_of_year / 12)  # winter peak, summer trough
    volume = size[:, None] * season[None, :] * rng.uniform(0.95, 1.05, size=(providers, months))
    culture = rng.lognormal(0.0, 0.3, size=providers)  # reporting culture differs between providers
    noise = rng.gamma(40.0, 1 / 40.0, size=(providers, months))  # overdispersion month to month
    rate = np.array([mix.RATE_PER_1000[mix.PROVIDER_TYPES[t]] for t in types])
    base = volume / 1000 * rate[:, None] * culture[:, None] * noise
    mixes = np.stack([_cell_mix(kind) for kind in mix.PROVIDER_TYPES])  # (types, categories, units)
    expected = base[:, :, None, None] * mixes[types][:, None, :, :]
    _plant(expected, types=types, pseudonyms=pseudonyms)
    return Pool(pseudonyms, types, bands, regions, volume, expected)


def _cell_mix(kind: str) -> np.ndarray:
    """Share of a provider type's events in each (category, unit type) cell; sums to 1."""
    cells = np.zeros((len(mix.CATEGORIES), len(mix.UNIT_TYPES)))
    units = mix.UNIT_MIX[kind]
    for c, code in enumerate(mix.CATEGORIES):
        weight = mix.CATEGORY_MIX[kind].get(code, 0.0)
        favoured = mix.UNIT_AFFINITY.get(code, set())
        row = np.array([units.get(u, 0.0) * (4.0 if u in favoured else 1.0) for u in mix.UNIT_TYPES])
        if code in mix.ONLY_THERE:
            row *= np.array([u in favoured for u in mix.UNIT_TYPES])
        if weight and row.sum():
            cells[c] = weight * row / row.sum()
    shares: np.ndarray = cells / cells.sum()
    return shares


def _plant(expected: np.ndarray, *, types: np.ndarray, pseudonyms: list[str]) -> None:
    months = expected.shape[1]
    for signal in PLANTED:
        providers = np.ones(len(types), bool)
        if signal.provider_type is not None:
            providers &= types == mix.PROVIDER_TYPES.index(signal.provider_type)
        if signal.provider is not None:
            providers &= np.array([p == signal.provider for p in pseudonyms])
        units = slice(None) if signal.unit_type is None else mix.UNIT_TYPES.index(signal.unit_type)
        c = mix.CATEGORIES.index(signal.category)
        for m in range(months):
            expected[providers, m, c, units] *= signal.multiplier(months - 1 - m)


def _write_small_tables(root: Path, pool: Pool, labels: list[str], scale: float) -> None:
    kinds = [mix.PROVIDER_TYPES[t] for t in pool.types]
    profile = "pso-pool/1"
    providers = {
        "provider": pool.pseudonyms,
        "provider_type": kinds,
        "size_band": pool.bands,
        "region": pool.regions,
        "profile": [profile] * len(kinds),
    }
    rows: dict[str, list[Any]] = {name: [] for name in schema.DENOMINATORS.names}
    for p, kind in enumerate(kinds):
        for m, label in enumerate(labels):
            value = max(1, round(float(pool.volume[p, m]) * scale))
            for measure in mix.MEASURES[kind]:
                rows["provider"].append(pool.pseudonyms[p])
                rows["month"].append(label)
                rows["year"].append(int(label[:4]))
                rows["measure"].append(measure)
                rows["value"].append(value if measure != "admissions" else round(value / mix.AVERAGE_STAY_DAYS))
                rows["profile"].append(profile)
    order = np.argsort(pool.pseudonyms, kind="stable")
    files.write(pa.table(providers, schema=schema.PROVIDERS).take(order), files.table_path(root, "providers"))
    denominators = pa.table(rows, schema=schema.DENOMINATORS)
    files.write(
        denominators.sort_by([("provider", "ascending"), ("month", "ascending")]),
        files.table_path(root, "denominators"),
    )


def _random_strings(rng: np.random.Generator, prefix: str, length: int, n: int) -> list[str]:
    return [str(s) for s in random_keys(rng, prefix, length, n).to_pylist()]


def _shares(table: dict[str, tuple[float, int]]) -> list[float]:
    return [share for share, _ in table.values()]
