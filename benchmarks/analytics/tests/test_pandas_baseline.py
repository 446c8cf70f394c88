"""The benchmark's pandas baseline answers the dashboard's queries with the engine's numbers."""

from __future__ import annotations

from pathlib import Path

from benchmarks.analytics import pandas_baseline
from openpso.analytics.engine import Lake
from openpso.analytics.suite import dashboard_queries
from openpso.analytics.tests.engine_fixtures import write_tiny_lake


def test_pandas_and_the_engine_give_the_same_numbers(tmp_path: Path) -> None:
    root = write_tiny_lake(tmp_path)
    ours = dashboard_queries(Lake(root))
    theirs = pandas_baseline.dashboard(pandas_baseline.load(root))
    assert set(theirs) == set(ours)
    assert pandas_baseline.same_numbers(ours, theirs) == []


def test_a_changed_count_is_caught(tmp_path: Path) -> None:
    root = write_tiny_lake(tmp_path)
    ours = dashboard_queries(Lake(root))
    theirs = pandas_baseline.dashboard(pandas_baseline.load(root))
    theirs["category_counts"].loc[0, "n"] += 1
    assert pandas_baseline.same_numbers(ours, theirs) == ["category_counts"]
