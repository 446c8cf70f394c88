"""Issue 14 item 5: no released provider table holds a combination of peer attributes shared by
fewer than k providers, over random provider tables (hypothesis). The check counts classes here,
independently of `measure_k`."""

from __future__ import annotations

import pandas as pd  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpso.nonid.profiles import RELEASE, RELEASE_ED
from openpso.nonid.release import SUPPRESSED, ReleaseRefused, measure_k, release_peers

TYPES = ["hospital", "nursing_home", "ems_agency", "community_pharmacy", "ambulatory", "other"]
BANDS = ["<100", "100-299", "300+", None]
REGIONS = ["Northeast", "Midwest", "South", "West", None]


@st.composite
def provider_tables(draw):
    n = draw(st.integers(1, 60))
    rows = [
        {
            "provider": f"P-{i:04d}",
            "provider_type": draw(st.sampled_from(TYPES)),
            "size_band": draw(st.sampled_from(BANDS)),
            "region": draw(st.sampled_from(REGIONS)),
        }
        for i in range(n)
    ]
    frame = pd.DataFrame(rows)
    # Some providers appear on several rows (a provider-level table joined to its events).
    repeats = draw(st.lists(st.integers(0, n - 1), max_size=10))
    return pd.concat([frame, frame.iloc[repeats]], ignore_index=True)


def smallest_class(frame, qis):
    if not qis:
        return frame["provider"].nunique()
    # Plain Python, apart from the code under test; a missing value is a value of its own
    # (pandas 3 keeps NaN through astype(str), so the values are spelled out here).
    classes: dict[tuple[str, ...], set[object]] = {}
    for provider, *values in frame[["provider", *qis]].itertuples(index=False):
        key = tuple("<none>" if pd.isna(v) else str(v) for v in values)
        classes.setdefault(key, set()).add(provider)
    return min(len(members) for members in classes.values())


@settings(max_examples=300, deadline=None)
@given(provider_tables(), st.sampled_from([2, 3, 5, 8]), st.sampled_from([RELEASE, RELEASE_ED]))
def test_every_released_combination_holds_at_least_k_providers(table, k, profile):
    providers = table["provider"].nunique()
    if providers < k:
        with pytest.raises(ReleaseRefused):
            release_peers(table, profile=profile, k=k)
        return
    released = release_peers(table, profile=profile, k=k)
    assert smallest_class(released.frame, released.qis) >= k
    assert released.k_measured == smallest_class(released.frame, released.qis)
    assert "size_band" not in released.qis  # neither release profile keeps it
    assert set(released.frame["provider"]) == set(table["provider"])  # no provider lost or added
    # A released type is the provider's own type, its group, or suppressed: never another type.
    if "provider_type" in released.qis:
        merged = released.frame.merge(table.drop_duplicates("provider"), on="provider", suffixes=("", "_was"))
        for was, now in zip(merged["provider_type_was"], merged["provider_type"], strict=True):
            assert now in {was, SUPPRESSED, "inpatient", "outpatient", "ems"}


def test_the_demo_shape_unique_on_type_band_and_region_is_coarsened_to_k_5():
    # 15 of 23 providers unique on type + size band + region, as in the demo lake (issue 14 item 5).
    rows: list[tuple[str, str | None, str | None]] = [("hospital", "300+", "South")] * 4
    rows += [("nursing_home", "<100", "Midwest")] * 4
    rows += [(TYPES[i % 6], BANDS[i % 3], REGIONS[i % 4]) for i in range(15)]
    table = pd.DataFrame(
        [{"provider": f"P-{i}", "provider_type": t, "size_band": b, "region": r} for i, (t, b, r) in enumerate(rows)]
    )
    assert measure_k(table, ["provider_type", "size_band", "region"]) == 1
    released = release_peers(table, profile=RELEASE, k=5)
    assert released.k_measured >= 5
    assert released.steps[0] == "size band not released under release/1"


def test_measure_k_counts_providers_not_rows():
    table = pd.DataFrame({"provider": ["a", "a", "a", "b"], "provider_type": ["x", "x", "x", "y"]})
    assert measure_k(table, ["provider_type"]) == 1
    assert measure_k(table, []) == 2
    assert measure_k(table.iloc[0:0], ["provider_type"]) is None


MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, len(MONTHS) - 1),
    st.integers(1, 24),
    st.sampled_from([RELEASE, RELEASE_ED]),
    st.dictionaries(st.sampled_from(MONTHS), st.integers(0, 50)),
)
def test_no_peer_series_carries_a_date_finer_than_its_profile(start, length, profile, counts):
    from openpso.analytics.dashboards.provider import by_period, periods_of

    window = MONTHS[start : start + length]
    periods = periods_of(window, profile)
    summed = by_period(counts, window, profile)
    width = 4 if profile.date_precision == "year" else 7
    assert all(len(p) == width for p in [*periods, *summed])
    assert set(summed) <= set(periods)
    assert sum(summed.values()) == sum(v for m, v in counts.items() if m in window)  # nothing lost or invented
