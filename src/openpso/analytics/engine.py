"""Where the analytics run: one PSO's lake as Ibis tables, on DuckDB or on Apache Spark.

Every query (`analytics.expressions`) is an Ibis expression written once; this module is the only
place that knows which engine runs it. DuckDB, embedded, is the default (a PSO's pool fits one
machine); PySpark (the optional `spark` extra, local mode in the tests) runs the same
expressions unchanged where a pool outgrows it. The engine parity test keeps the two honest.

Tables are read straight from the lake's Parquet files (docs/lake.md). The month folders add a
`month` column equal to `event_month`; it is dropped so both engines see the lake's schemas.
A table with no file yet (a new PSO, no contributing factors reported) reads as an empty table
of its schema, so every query gives an empty result rather than an error.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any, Literal

import ibis  # type: ignore[import-untyped]
import ibis.expr.types as ir  # type: ignore[import-untyped]
import pandas as pd  # type: ignore[import-untyped]
import pyarrow as pa  # type: ignore[import-untyped]

from openpso.analytics.themes import TABLES as THEME_TABLES
from openpso.lake import schema
from openpso.lake.aggregates import AGGREGATES
from openpso.lake.files import PART

Engine = Literal["duckdb", "pyspark"]

PARTITIONED: dict[str, Any] = {**schema.PARTITIONED, **AGGREGATES}
# theme_* are written by the themes step (analytics.themes), not by the lake refresh.
FLAT: dict[str, Any] = {"providers": schema.PROVIDERS, "denominators": schema.DENOMINATORS, **THEME_TABLES}


def spark_session() -> Any:
    """A local Spark session for the analytics: two cores, no UI, UTC, quiet logs."""
    from pyspark.sql import SparkSession  # optional extra: imported only when asked for

    session = (
        SparkSession.builder.master("local[2]")
        .appName("openpso-analytics")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        # A local session's data is small to Spark: 200 shuffle partitions and adaptive
        # re-planning of every stage are pure overhead there (they halve the parity test's time).
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.adaptive.enabled", "false")
        # `month=2026-10` must stay a string; the column is dropped anyway, but inference would
        # try (and fail) to read it as a date first.
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    # py4j logs each closed connection at INFO, even from finalizers at interpreter exit.
    logging.getLogger("py4j").setLevel(logging.ERROR)
    return session


class Lake:
    """One PSO's lake on one engine. Build it once and reuse it: tables are registered lazily."""

    def __init__(self, root: Path, engine: Engine = "duckdb", *, spark: Any = None) -> None:
        self.root = Path(root)
        self.engine = engine
        self._spark = spark
        self._con: Any = None
        self._tables: dict[str, ir.Table] = {}
        self._compiled: dict[Any, tuple[str, Any]] = {}

    @classmethod
    def for_pso(cls, pso_slug: str) -> Lake:
        from openpso.lake.files import lake_dir

        return cls(lake_dir(pso_slug))

    def exists(self) -> bool:
        return (self.root / "events").is_dir()

    @property
    def con(self) -> Any:
        if self._con is None:
            self._con = self._connect()
        return self._con

    def _connect(self) -> Any:
        if self.engine == "duckdb":
            # Nothing is fetched at run time: an extension DuckDB lacks is an error, not a download.
            return ibis.duckdb.connect(autoinstall_known_extensions=False, autoload_known_extensions=False)
        if self.engine == "pyspark":
            return ibis.pyspark.connect(self._spark if self._spark is not None else spark_session())
        raise ValueError(f"unknown engine {self.engine!r}")

    def table(self, name: str) -> ir.Table:
        if name not in self._tables:
            self._tables[name] = self._read(name)
        return self._tables[name]

    def execute(self, expr: ir.Expr) -> pd.DataFrame:
        """Run `expr`; rows come in the order the expression sets (every query orders its rows)."""
        table = expr.as_table()
        key = table.op()
        if self.engine == "duckdb" and key in self._compiled:
            return self._run_compiled(*self._compiled[key])
        frame = self.con.execute(table)
        if self.engine == "duckdb":
            # Compiling the dashboard's expressions to SQL takes a third of its 0.2 s budget
            # (docs/benchmarks.md), and a dashboard asks the same questions on every view: each
            # is compiled once per Lake. The SQL still reads the files on every run.
            self._compiled[key] = (self.con.compile(table), table.schema())
        return frame.reset_index(drop=True)

    def _run_compiled(self, sql: str, ibis_schema: Any) -> pd.DataFrame:
        from ibis.backends.duckdb.converter import DuckDBPandasData  # type: ignore[import-untyped]

        result = self.con.con.sql(sql).to_arrow_table()
        # The same conversion Ibis applies, so a cached run returns the same frame as the first.
        frame = pd.DataFrame(
            {
                name: column.to_pylist() if _as_python(column) else column.to_pandas()
                for name, column in zip(result.column_names, result.columns, strict=True)
            }
        )
        return DuckDBPandasData.convert_table(frame, ibis_schema).reset_index(drop=True)

    def _read(self, name: str) -> ir.Table:
        if name in PARTITIONED:
            files = sorted((self.root / name).glob(f"*/{PART}"))
            if not files:
                return _empty(PARTITIONED[name])
            if self.engine == "duckdb":
                source = str(self.root / name / "*" / PART)
                table = self.con.read_parquet(source, table_name=_view(name), hive_partitioning=True)
            else:
                table = self.con.read_parquet(str(self.root / name), table_name=_view(name))
            return table.drop("month") if "month" in table.columns else table
        if name in FLAT:
            path = self.root / name / PART
            if not path.exists():
                return _empty(FLAT[name])
            return self.con.read_parquet(str(path), table_name=_view(name))
        raise KeyError(f"no lake table {name!r}")


def _empty(arrow_schema: Any) -> ir.Table:
    return ibis.memtable(pa.Table.from_pylist([], schema=arrow_schema))


def _as_python(column: Any) -> bool:
    return bool(pa.types.is_nested(column.type) or pa.types.is_dictionary(column.type) or column.null_count)


def _view(name: str) -> str:
    # Unique per Lake: two lakes on one Spark session must not overwrite each other's views.
    return f"lake_{name}_{uuid.uuid4().hex[:8]}"
