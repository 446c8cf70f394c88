"""The engine adapter: lake tables as Ibis tables, missing ones empty, DuckDB with no network."""

from __future__ import annotations

from pathlib import Path

import pandas as pd  # type: ignore[import-untyped]
import pytest

from openpso.analytics import expressions
from openpso.analytics.engine import Lake
from openpso.analytics.expressions import Scope
from openpso.analytics.tests.engine_fixtures import write_tiny_lake
from openpso.lake.aggregates import AGGREGATES
from openpso.lake.schema import EVENTS


def test_partitioned_tables_read_in_the_lake_schema_without_the_folder_column(tmp_path: Path) -> None:
    lake = Lake(write_tiny_lake(tmp_path))
    assert list(lake.table("events").columns) == EVENTS.names
    assert list(lake.table("agg_categories").columns) == AGGREGATES["agg_categories"].names


def test_an_empty_lake_gives_empty_results_not_errors(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    assert not lake.exists()
    for expr in (
        expressions.monthly_counts(lake, Scope(), by=("category", "unit_type")),
        expressions.provider_counts(lake, Scope()),
        expressions.factor_counts(lake, Scope()),
        expressions.events_matching(lake, Scope(), category="A48"),
    ):
        assert lake.execute(expr).empty


def test_duckdb_never_fetches_extensions(tmp_path: Path) -> None:
    con = Lake(tmp_path).con.con  # the DuckDB connection under Ibis
    settings = dict(
        con.execute(
            "select name, value from duckdb_settings()"
            " where name in ('autoinstall_known_extensions', 'autoload_known_extensions')"
        ).fetchall()
    )
    assert settings == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}


def test_an_unknown_table_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        Lake(tmp_path).table("submissions")


def test_for_pso_reads_the_psos_own_lake(settings: object, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    lake = Lake.for_pso("demo-pso")
    assert lake.root == tmp_path / "lake" / "demo-pso"
    assert lake.engine == "duckdb"


def test_a_query_asked_again_runs_its_compiled_sql_and_gives_the_same_frame(tmp_path: Path) -> None:
    lake = Lake(write_tiny_lake(tmp_path))
    first = lake.execute(expressions.monthly_counts(lake, Scope(), by=("unit_type",)))
    again = lake.execute(expressions.monthly_counts(lake, Scope(), by=("unit_type",)))  # a new, equal expression
    assert len(lake._compiled) == 1
    pd.testing.assert_frame_equal(first, again)
    drill = expressions.events_matching(lake, Scope(), category="A48")
    pd.testing.assert_frame_equal(lake.execute(drill), lake.execute(drill))  # lists and nulls too
