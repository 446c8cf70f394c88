"""PSO analyst dashboard: every query it runs, warm on DuckDB, against plain pandas in memory.

Builds (or reuses) a synthetic lake of N events (`openpso.lake.synth.write_lake`, default
10,000,000; `OPENPSO_BENCH_EVENTS` or `--events` to change it) under
`$OPENPSO_DATA_DIR/bench/` (else `var/bench/`), keyed on its parameters. Then, in the same run:

- the dashboard's full query set (`openpso.analytics.suite.dashboard_queries`) on DuckDB over
  the lake's pre-aggregates: one warm-up, then the best and median of N runs; the share of it
  spent compiling Ibis expressions to SQL is measured apart;
- the baseline: the same queries in plain pandas over the raw events, contributing factors,
  providers and denominators already loaded in memory (`benchmarks/analytics/pandas_baseline.py`);
- a check that both give the same numbers.

Prints the figures and the ratio; writes them to var/bench/analytics.json.
Targets (issue 7): at most 0.2 s on 2 cores, at least 5x pandas.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # run as a script by `openpso bench`: make `benchmarks.analytics` importable

PROVIDERS, MONTHS, SEED = 300, 24, 7
TARGET_S, TARGET_RATIO = 0.2, 5.0


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def lake_for(events: int) -> Path:
    """The benchmark lake for these parameters, written once and reused by later runs."""
    from openpso.lake.aggregates import AGGREGATES
    from openpso.lake.schema import LAYOUT
    from openpso.lake.synth import write_lake

    # A lake written before the layout or an aggregate changed is not reused.
    shape = hashlib.sha256(f"{LAYOUT}{sorted((k, str(v)) for k, v in AGGREGATES.items())}".encode()).hexdigest()[:8]
    base = (
        Path(os.environ["OPENPSO_DATA_DIR"]) / "bench" if os.environ.get("OPENPSO_DATA_DIR") else ROOT / "var" / "bench"
    )
    root = base / f"analytics-lake-e{events}-p{PROVIDERS}-m{MONTHS}-s{SEED}-{shape}"
    done = root / ".complete"
    if done.exists():
        out(f"lake: reusing {root}")
        return root
    started = time.perf_counter()

    def progress(written: int, total: int) -> None:
        sys.stderr.write(f"\rwriting the lake: {written:,}/{total:,} events")
        sys.stderr.flush()

    write_lake(root, events=events, providers=PROVIDERS, months=MONTHS, seed=SEED, progress=progress)
    sys.stderr.write("\n")
    done.write_text("")
    out(f"lake: wrote {root} in {time.perf_counter() - started:.1f} s")
    return root


def timed(run: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    seconds, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - started)
    return seconds, result


def per_query(lake: Any, repeat: int = 5) -> dict[str, float]:
    """Each dashboard query alone, warm: where the time goes."""
    from openpso.analytics.expressions import POOL
    from openpso.analytics.suite import pool_queries, recent_queries, recent_scope

    exprs = pool_queries(lake, POOL)
    recent = recent_scope(POOL, lake.execute(exprs["monthly_counts"]))
    if recent is not None:
        exprs |= recent_queries(lake, recent)
    best: dict[str, float] = {}
    for _ in range(repeat):
        for name, expr in exprs.items():
            started = time.perf_counter()
            lake.execute(expr)
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=int(os.environ.get("OPENPSO_BENCH_EVENTS", "10000000")))
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--pandas-repeat", type=int, default=3)
    args = parser.parse_args()
    figures = run(args.events, args.repeat, args.pandas_repeat)
    results = ROOT / "var" / "bench"
    results.mkdir(parents=True, exist_ok=True)
    (results / "analytics.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if figures["same_numbers"] else 1  # a miss of the targets is reported, a wrong number fails


def run(events: int, repeat: int, pandas_repeat: int) -> dict[str, Any]:
    import duckdb
    import ibis

    from benchmarks.analytics import pandas_baseline
    from openpso.analytics.engine import Lake
    from openpso.analytics.expressions import Scope
    from openpso.analytics.suite import dashboard_queries, pool_queries, recent_queries, recent_scope

    root = lake_for(events)
    out(
        f"analytics benchmark: the PSO analyst dashboard over {events:,} events, {PROVIDERS} providers, {MONTHS} months"
    )
    out(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()};"
        f" DuckDB {duckdb.__version__}, Ibis {ibis.__version__}"
    )

    lake = Lake(root)
    started = time.perf_counter()
    ours = dashboard_queries(lake)  # warm-up: views registered, files' metadata read once
    warmup_s = time.perf_counter() - started
    duck, ours = timed(lambda: dashboard_queries(lake), repeat)

    # What of it is Ibis turning expressions into SQL (done on every call, same for any engine).
    def compile_all() -> None:
        exprs = pool_queries(lake, Scope())
        recent = recent_scope(Scope(), ours["monthly_counts"])
        assert recent is not None
        exprs |= recent_queries(lake, recent)
        for expr in exprs.values():
            lake.con.compile(expr)

    compile_s, _ = timed(compile_all, repeat)

    started = time.perf_counter()
    raw = pandas_baseline.load(root)
    load_s = time.perf_counter() - started
    memory_gb = sum(f.memory_usage(deep=False).sum() for f in vars(raw).values()) / 1e9
    plain, theirs = timed(lambda: pandas_baseline.dashboard(raw), pandas_repeat)
    differ = pandas_baseline.same_numbers(ours, theirs)

    best, median = min(duck), statistics.median(duck)
    base_best = min(plain)
    ratio = base_best / best if best else 0.0
    rows = sum(len(f) for f in ours.values())
    compile_best, compile_median = min(compile_s), statistics.median(compile_s)
    out()
    out(f"{'run':<58} {'queries':>7} {'best s':>8} {'median s':>9}")
    out(f"{'DuckDB, warm, over the pre-aggregates (dashboard_queries)':<58} {len(ours):>7} {best:>8.3f} {median:>9.3f}")
    compiling = "  (not in it) Ibis compiling them all to SQL, uncached"
    out(f"{compiling:<58} {'':>7} {compile_best:>8.3f} {compile_median:>9.3f}")
    baseline = "baseline: pandas over the raw tables in memory"
    out(f"{baseline:<58} {len(theirs):>7} {base_best:>8.3f} {statistics.median(plain):>9.3f}")
    out()
    out(f"DuckDB first (cold) run {warmup_s:.2f} s; {rows:,} result rows")
    out(f"pandas: tables loaded in {load_s:.1f} s, {memory_gb:.2f} GB of columns (not timed)")
    for name, seconds in sorted(per_query(lake).items(), key=lambda kv: -kv[1]):
        out(f"  {name:<28} {seconds * 1000:>7.1f} ms (best of {repeat})")
    out(f"same numbers: {'yes' if not differ else 'NO, differ in ' + ', '.join(differ)}")
    met_s = "met" if best <= TARGET_S else "NOT met"
    met_ratio = "met" if ratio >= TARGET_RATIO else "NOT met"
    out(f"target {TARGET_S} s: {met_s}")
    out(f"ratio: DuckDB is {ratio:.1f}x faster than pandas (target {TARGET_RATIO:.0f}x: {met_ratio})")
    return {
        "events": events,
        "providers": PROVIDERS,
        "months": MONTHS,
        "machine": {"arch": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "duckdb": duckdb.__version__,
        "ibis": ibis.__version__,
        "queries": len(ours),
        "duckdb_cold_s": round(warmup_s, 3),
        "duckdb_best_s": round(best, 4),
        "duckdb_median_s": round(median, 4),
        "ibis_compile_best_s": round(compile_best, 4),
        "per_query_ms": {k: round(v * 1000, 1) for k, v in per_query(lake).items()},
        "pandas_load_s": round(load_s, 2),
        "pandas_best_s": round(base_best, 3),
        "pandas_median_s": round(statistics.median(plain), 3),
        "ratio": round(ratio, 2),
        "same_numbers": not differ,
        "differ": differ,
    }


if __name__ == "__main__":
    sys.exit(main())
