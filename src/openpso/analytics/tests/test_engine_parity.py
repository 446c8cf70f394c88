"""One code path, two engines: the whole analytics suite on DuckDB and on Spark, same lake, same tables.

The suite (`analytics.suite.run_suite`) runs every query and every statistic the dashboards
show; here it runs once on embedded DuckDB and once on PySpark in local mode over the same
synthetic lake, and every table must match: same columns, same rows in the same order,
numbers equal (floats to 1e-9). PySpark is the optional `spark` extra, which `make test`
installs, so this runs in CI; without it the test is skipped and says why.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd  # type: ignore[import-untyped]
import pytest

from openpso.analytics.engine import Lake, spark_session
from openpso.analytics.suite import run_suite
from openpso.analytics.tests import engine_fixtures


@pytest.fixture(scope="module")
def synthetic_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return engine_fixtures.synthetic_lake(tmp_path_factory.mktemp("synthetic-lake"))


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark", reason="PySpark is the optional `spark` extra (pip install -e '.[spark]')")
    session = spark_session()
    yield session
    session.stop()


@pytest.fixture(scope="module")
def on_duckdb(synthetic_lake: Path) -> dict[str, pd.DataFrame]:
    return run_suite(Lake(synthetic_lake, "duckdb"))


@pytest.fixture(scope="module")
def on_spark(synthetic_lake: Path, spark: Any) -> dict[str, pd.DataFrame]:
    return run_suite(Lake(synthetic_lake, "pyspark", spark=spark))


def test_both_engines_give_the_same_tables(
    on_duckdb: dict[str, pd.DataFrame], on_spark: dict[str, pd.DataFrame]
) -> None:
    assert sorted(on_spark) == sorted(on_duckdb)
    for name, expected in on_duckdb.items():
        found = on_spark[name]
        assert list(found.columns) == list(expected.columns), name
        assert len(found) == len(expected), name
        for column in expected.columns:
            mismatched = [
                i for i, (a, b) in enumerate(zip(expected[column], found[column], strict=True)) if not same(a, b)
            ]
            assert not mismatched, f"{name}.{column} differs in rows {mismatched[:5]}"


def test_the_suite_is_not_trivially_empty(on_duckdb: dict[str, pd.DataFrame]) -> None:
    # Parity of empty tables would prove nothing: the synthetic lake fills every one of them.
    assert all(len(frame) for frame in on_duckdb.values()), [n for n, f in on_duckdb.items() if f.empty]
    assert on_duckdb["monthly_counts"]["n"].sum() == 30_000


def same(a: Any, b: Any) -> bool:
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    if hasattr(a, "__len__") and not isinstance(a, str):
        return list(a) == list(b)  # a list column (categories) arrives as a list or an array
    return bool(a == b)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def test_the_themes_step_and_panel_queries_give_the_same_tables_on_both_engines(
    synthetic_lake: Path, spark: Any, tmp_path: Path
) -> None:
    # Clustering runs in Python (analytics.themes); what it reads and what the panel reads are Ibis.
    import shutil

    from openpso.analytics.expressions import Scope
    from openpso.analytics.panels import available_months
    from openpso.analytics.themes import refresh_themes, scrubbed_narratives, theme_monthly, theme_terms

    root = tmp_path / "lake"
    shutil.copytree(synthetic_lake, root)
    refresh_themes(Lake(root, "duckdb"))
    duck, sparked = Lake(root, "duckdb"), Lake(root, "pyspark", spark=spark)
    months = available_months(duck)
    scope = Scope(months=(months[-6], months[-1]))
    for name, query in (
        ("narratives", lambda lake: scrubbed_narratives(lake, scope)),
        ("theme_monthly", lambda lake: theme_monthly(lake, scope)),
        ("theme_terms", theme_terms),
    ):
        expected, found = duck.execute(query(duck)), sparked.execute(query(sparked))
        assert len(expected), name
        assert list(found.columns) == list(expected.columns), name
        assert expected.astype(object).values.tolist() == found.astype(object).values.tolist(), name
