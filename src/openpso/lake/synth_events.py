"""One month of the synthetic lake: events, contributing factors and actions, drawn as arrays.

Every column is drawn for all the month's events at once (numpy, then Arrow), never event by
event: ten million events must take minutes, not hours. Rows come out sorted by event key,
as the refresh writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from openpso.commonformats.definitions import herf_core
from openpso.lake import schema
from openpso.lake import synth_mix as mix
from openpso.nonid.deid.engine import VERSION
from openpso.nonid.profiles import LAKE_PROFILE

PROFILE = LAKE_PROFILE.id
ENGINE = VERSION  # as if the narratives went through the engine
_BASE32 = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", dtype=np.uint8)
_AGE_BANDS = ("0-17", "18-44", "45-64", "65-74", "75-84", "85-89", "90+")
_AGE_EDGES = (18, 45, 65, 75, 85, 90)
_PLACES = ("patient room", "hallway", "bathroom", "medication room", "nurses' station", "treatment area")
_HARMED = 4  # harm codes before this index (death .. mild) are harm


@dataclass
class Pool:
    pseudonyms: list[str]
    types: np.ndarray  # per provider: index into mix.PROVIDER_TYPES
    bands: list[str | None]
    regions: list[str]
    volume: np.ndarray  # (providers, months): the rate measure
    expected: np.ndarray  # (providers, months, categories, units): expected events, relative


def month_tables(
    rng: np.random.Generator, counts: np.ndarray, *, pool: Pool, later: list[str], months_left: int
) -> dict[str, Any]:
    """The events, contributing_factors and actions tables of one month.

    `counts`: events per (provider, category, unit) cell, flattened; `later`: this month's
    label and the ones after it (for action due dates); `months_left`: months of the lake
    after this one (an action due after the lake's end cannot be done yet).
    """
    shape = (len(pool.pseudonyms), len(mix.CATEGORIES), len(mix.UNIT_TYPES))
    cell = rng.permutation(np.repeat(np.arange(counts.size), counts))
    p, c, u = np.unravel_index(cell, shape)
    n = cell.size
    keys = random_keys(rng, "E-", 16, n)
    keys = keys.take(pc.sort_indices(keys))  # random keys in sorted order: rows in key order
    t = pool.types[p]
    et = _event_types(rng, t, c)
    harm = np.where(et == 0, _draw(rng, _harm_table()[c]), len(mix.HARMS))
    label = later[0]
    columns: dict[str, Any] = {
        "event_key": keys,
        "provider": pa.array(pool.pseudonyms).take(p),
        "provider_type": pa.array(mix.PROVIDER_TYPES).take(t),
        "size_band": pa.array(pool.bands, pa.string()).take(p),
        "region": pa.array(pool.regions).take(p),
        "event_month": pa.repeat(label, n),
        "event_year": pa.array(np.full(n, int(label[:4]), np.int16)),
        "event_type": pa.array(["A3", "A6", "A9"]).take(et),
        "categories": _categories(rng, t, c, et),
        "harm": pa.array([*mix.HARMS, None], pa.string()).take(harm),
        **_patient(rng, t, c, et),
        "unit_type": pa.array(mix.UNIT_TYPES).take(u),
        "modules": pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, np.int32)), pa.array([], pa.string())),
        "answers": pa.repeat("{}", n),
        "narrative": _narratives(rng, c, et, harm),
        "location_detail": _maybe(rng, pa.array(_PLACES).take(rng.integers(0, len(_PLACES), n)), 0.6),
        "category_other": _category_other(rng, c),
        "reporter_role": _maybe(rng, _pick(rng, _flat(mix.REPORTER_ROLES, mix.PROVIDER_TYPES), t), 0.12),
        "method": pa.array(["push", "functional"]).take((rng.random(n) < 0.15).astype(np.int8)),
        "version_number": pa.array(_draw(rng, np.tile([[0.92, 0.99, 1.0]], (n, 1))).astype(np.int32) + 1),
        "profile": pa.repeat(PROFILE, n),
        "engine_version": pa.repeat(ENGINE, n),
    }
    events = pa.Table.from_arrays([columns[name] for name in schema.EVENTS.names], schema=schema.EVENTS)
    factors, with_factors = _factors(rng, keys, c, et, harm, label)
    return {
        "events": events,
        "contributing_factors": factors,
        "actions": _actions(rng, keys, with_factors, label, later, months_left),
    }


def random_keys(rng: np.random.Generator, prefix: str, length: int, n: int) -> Any:
    """`n` random strings `prefix` + `length` base32 characters, as an Arrow string array."""
    width = len(prefix) + length
    chars = np.empty((n, width), dtype=np.uint8)
    chars[:, : len(prefix)] = np.frombuffer(prefix.encode(), dtype=np.uint8)
    chars[:, len(prefix) :] = _BASE32[rng.integers(0, 32, size=(n, length))]
    offsets = np.arange(0, width * (n + 1), width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes()))


# Drawing helpers ------------------------------------------------------------------------


def _draw(rng: np.random.Generator, cumulative: np.ndarray) -> np.ndarray:
    """One index per row of `cumulative` (rows of cumulative probabilities ending in 1)."""
    r = rng.random(size=(cumulative.shape[0],))
    drawn: np.ndarray = np.minimum((r[:, None] >= cumulative).sum(axis=1), cumulative.shape[1] - 1)
    return drawn


def _cumulative(weights: Any) -> np.ndarray:
    w: np.ndarray = np.asarray(weights, float)
    cumulative: np.ndarray = np.cumsum(w, axis=-1) / w.sum(axis=-1, keepdims=True)
    return cumulative


def _maybe(rng: np.random.Generator, values: Any, missing: float) -> Any:
    """`values` with a share `missing` of them null (fields reporters leave blank)."""
    return pc.if_else(pa.array(rng.random(len(values)) < missing), pa.scalar(None, values.type), values)


def _flat(options: dict[str, tuple[str, ...]], groups: tuple[str, ...]) -> tuple[Any, np.ndarray, np.ndarray]:
    texts = [text for group in groups for text in options.get(group, ())]
    count = np.array([len(options.get(group, ())) for group in groups])
    return pa.array(texts, pa.string()), np.concatenate([[0], np.cumsum(count)[:-1]]), count


def _pick(rng: np.random.Generator, flat: tuple[Any, np.ndarray, np.ndarray], group: np.ndarray) -> Any:
    """One text per row from the options of the row's group."""
    texts, start, count = flat
    return texts.take(start[group] + (rng.random(group.size) * count[group]).astype(np.int64))


# Columns --------------------------------------------------------------------------------


@cache
def _flags() -> tuple[np.ndarray, np.ndarray]:
    """Which DE21 categories accept a near miss and an unsafe condition (AHRQ HERF)."""
    answers = [herf_core()["DE21"].answer(code) for code in mix.CATEGORIES]
    return np.array([a.near_miss for a in answers]), np.array([a.unsafe_condition for a in answers])


@cache
def _event_type_table() -> np.ndarray:
    """(provider type, category) → cumulative probabilities of incident, near miss, unsafe condition."""
    near_miss, unsafe = _flags()
    table = np.zeros((len(mix.PROVIDER_TYPES), len(mix.CATEGORIES), 3))
    for t, kind in enumerate(mix.PROVIDER_TYPES):
        both = (30, 55, 15) if kind == mix.PHARMACY else (55, 30, 15)  # verification catches most
        table[t] = np.where((near_miss & unsafe)[:, None], both, np.where(near_miss[:, None], (72, 28, 0), (1, 0, 0)))
    return _cumulative(table)


@cache
def _harm_table() -> np.ndarray:
    return _cumulative([mix.HARMED_MIX if code in mix.HARMED_CATEGORIES else mix.HARM_MIX for code in mix.CATEGORIES])


def _event_types(rng: np.random.Generator, t: np.ndarray, c: np.ndarray) -> np.ndarray:
    return _draw(rng, _event_type_table()[t, c])


def _categories(rng: np.random.Generator, t: np.ndarray, c: np.ndarray, et: np.ndarray) -> Any:
    """The leading category, and now and then a second one that fits the event type."""
    near_miss, unsafe = _flags()
    second = np.array(
        [mix.CATEGORIES.index(mix.SECONDARY[code]) if code in mix.SECONDARY else 0 for code in mix.CATEGORIES]
    )
    offered = np.array(
        [[mix.CATEGORY_MIX[kind].get(code, 0) > 0 for code in mix.CATEGORIES] for kind in mix.PROVIDER_TYPES]
    )
    has_second = np.array([code in mix.SECONDARY for code in mix.CATEGORIES])[c] & offered[t, second[c]]
    has_second &= np.where(et == 1, near_miss[second[c]], np.where(et == 2, unsafe[second[c]], True))
    has_second &= rng.random(c.size) < mix.SECONDARY_SHARE
    offsets = np.concatenate([[0], np.cumsum(1 + has_second)]).astype(np.int32)
    codes = np.empty(offsets[-1], np.int64)
    codes[offsets[:-1]] = c
    codes[offsets[:-1][has_second] + 1] = second[c[has_second]]
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(mix.CATEGORIES).take(codes))


def _patient(rng: np.random.Generator, t: np.ndarray, c: np.ndarray, et: np.ndarray) -> dict[str, Any]:
    """Age, age band, sex and ZIP3 as the lake keeps them; none for an unsafe condition."""
    n = c.size
    low = np.array([0, 18, 45, 65, 90])[_draw(rng, np.tile(_cumulative([6, 18, 27, 44, 5]), (n, 1)))]
    high = np.array([17, 44, 64, 89, 103])[np.searchsorted([0, 18, 45, 65, 90], low)]
    age = low + (rng.random(n) * (high - low + 1)).astype(np.int64)
    resident = t == mix.PROVIDER_TYPES.index(mix.NURSING_HOME)
    age = np.where(resident, np.where(rng.random(n) < 0.2, 90, rng.integers(62, 90, n)), age)
    age = np.where(c == mix.CATEGORIES.index("A57"), rng.integers(17, 44, n), age)
    age = np.minimum(age, 90)  # Safe Harbor: over 89 is written 90
    no_patient = et == 2
    missing = no_patient | (rng.random(n) < 0.08)
    band = pa.array(_AGE_BANDS).take(np.searchsorted(_AGE_EDGES, age, side="right"))
    sex = pa.array(["F", "M", "UNK"]).take(_draw(rng, np.tile(_cumulative([51, 47, 2]), (n, 1))))
    sex = pc.if_else(pa.array(c == mix.CATEGORIES.index("A57")), "F", sex)
    zip3 = pa.array([*mix.ZIP3, "000"]).take(rng.integers(0, len(mix.ZIP3) + 1, n))
    return {
        "patient_age_years": pa.array(age.astype(np.int16), mask=missing),
        "patient_age_band": pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), band),
        "patient_sex": pc.if_else(pa.array(no_patient | (rng.random(n) < 0.05)), pa.scalar(None, pa.string()), sex),
        "patient_zip3": pc.if_else(pa.array(no_patient | (rng.random(n) < 0.5)), pa.scalar(None, pa.string()), zip3),
    }


def _narratives(rng: np.random.Generator, c: np.ndarray, et: np.ndarray, harm: np.ndarray) -> Any:
    """What happened (by category; unsafe conditions have their own), then how it ended."""
    unsafe_texts = {f"{code}/unsafe": texts for code, texts in mix.UNSAFE_WHAT.items()}
    groups = (*mix.CATEGORIES, *(f"{code}/unsafe" for code in mix.CATEGORIES))
    what_group = np.where((et == 2) & np.isin(c, [mix.CATEGORIES.index(k) for k in mix.UNSAFE_WHAT]), c + 10, c)
    what = _pick(rng, _flat(mix.WHAT | unsafe_texts, groups), what_group)
    endings = {**mix.HARM_ENDINGS, "near_miss": mix.NEAR_MISS_ENDINGS, "unsafe": mix.UNSAFE_ENDINGS}
    ending_group = np.where(et == 1, len(mix.HARMS), np.where(et == 2, len(mix.HARMS) + 1, harm))
    ending = _pick(rng, _flat(endings, (*mix.HARMS, "near_miss", "unsafe")), ending_group)
    return pc.binary_join_element_wise(what, ending, " ")


def _category_other(rng: np.random.Generator, c: np.ndarray) -> Any:
    other = pa.array(mix.OTHER_TEXTS).take(rng.integers(0, len(mix.OTHER_TEXTS), c.size))
    return pc.if_else(pa.array(c == mix.CATEGORIES.index("A66")), other, pa.scalar(None, pa.string()))


@cache
def _factor_weights() -> np.ndarray:
    return np.log([mix.FACTOR_MIX_BY_CATEGORY.get(code, mix.FACTOR_MIX) for code in mix.CATEGORIES])


def _factors(
    rng: np.random.Generator, keys: Any, c: np.ndarray, et: np.ndarray, harm: np.ndarray, label: str
) -> tuple[Any, np.ndarray]:
    """One to three distinct factors for events that were analysed; most harm gets analysed."""
    analysed_share = np.where(et == 0, np.where(harm < _HARMED, 0.5, 0.2), np.where(et == 1, 0.15, 0.1))
    analysed = np.nonzero(rng.random(c.size) < analysed_share)[0]
    how_many = _draw(rng, np.tile(_cumulative([50, 35, 15]), (analysed.size, 1))) + 1
    # Distinct factors weighted by category: the top k of Gumbel-perturbed log weights.
    scores = _factor_weights()[c[analysed]] - np.log(-np.log(rng.random((analysed.size, len(mix.FACTORS)))))
    top = np.argsort(-scores, axis=1)[:, :3]
    chosen = np.arange(3)[None, :] < how_many[:, None]
    events = np.repeat(analysed, how_many)
    n = events.size
    table = pa.Table.from_arrays(
        [keys.take(events), pa.repeat(label, n), pa.array(mix.FACTORS).take(top[chosen]), pa.repeat(PROFILE, n)],
        schema=schema.CONTRIBUTING_FACTORS,
    )
    return table, analysed


def _actions(
    rng: np.random.Generator, keys: Any, analysed: np.ndarray, label: str, later: list[str], months_left: int
) -> Any:
    """RCA² actions for most analysed events: due 1–4 months on; done only once due and past."""
    per_event = _draw(rng, np.tile(_cumulative([25, 55, 20]), (analysed.size, 1)))
    events = np.repeat(analysed, per_event)
    n = events.size
    kind = _draw(rng, np.tile(_cumulative([w for _, _, w in mix.ACTIONS]), (n, 1)))
    due = rng.integers(1, 5, n)
    can_be_done = due <= months_left
    status = np.where(
        can_be_done,
        _draw(rng, np.tile(_cumulative([10, 20, 70]), (n, 1))),
        _draw(rng, np.tile(_cumulative([50, 50, 0]), (n, 1))),
    )  # 0 planned, 1 in_progress, 2 done
    done = status == 2
    implemented = np.clip(due + rng.integers(-2, 2, n), 0, months_left)
    months = pa.array(later)
    years = pa.array(np.array([int(m[:4]) for m in later], np.int16))
    none_month, none_year = pa.scalar(None, pa.string()), pa.scalar(None, pa.int16())
    columns = [
        keys.take(events),
        pa.repeat(label, n),
        pa.array([code for code, _, _ in mix.ACTIONS]).take(kind),
        pa.array([strength for _, strength, _ in mix.ACTIONS]).take(kind),
        pa.array(["planned", "in_progress", "done"]).take(status),
        months.take(due),
        years.take(due),
        pc.if_else(pa.array(done), months.take(implemented), none_month),
        pc.if_else(pa.array(done), years.take(implemented), none_year),
        pa.repeat(PROFILE, n),
    ]
    return pa.Table.from_arrays(columns, schema=schema.ACTIONS)
