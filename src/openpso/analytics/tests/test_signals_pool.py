"""Pool signals find what the synthetic lake planted (lake.synth.PLANTED), with their evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from openpso.analytics.engine import Lake
from openpso.analytics.signals_pool import detect_signals, series_filters
from openpso.analytics.stats.signals import Signal
from openpso.analytics.tests.engine_fixtures import synthetic_lake


@pytest.fixture(scope="module")
def signals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Signal]:
    lake = Lake(synthetic_lake(tmp_path_factory.mktemp("synthetic-lake")))
    return {s.series: s for s in detect_signals(lake)}


def test_it_finds_the_rise_in_falls_at_nursing_homes(signals: dict[str, Signal]) -> None:
    found = signals["category:A48|provider_type:nursing_home"]
    assert found.label >= "2026-05"  # the ramp covers the last six months, to 2026-10
    assert found.observed > found.expected


def test_it_finds_the_device_rise_on_icu_units(signals: dict[str, Signal]) -> None:
    found = signals["category:A44|unit_type:icu"]
    assert found.label >= "2026-06"  # planted over the last five months
    assert found.evidence  # the months behind the signal


def test_a_series_name_gives_back_its_drill_down_filters() -> None:
    assert series_filters("category:A44|unit_type:icu") == {"category": "A44", "unit_type": "icu"}


def test_a_lake_with_no_events_has_no_signals(tmp_path: Path) -> None:
    assert detect_signals(Lake(tmp_path)) == []
