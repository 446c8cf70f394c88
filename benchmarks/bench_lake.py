"""Lake refresh throughput: events/s through non-identification into Parquet, and what it costs.

Sets up its own Django (temporary data and keys directories, a temporary SQLite database),
migrates, creates the demo network and N submissions made from the demo's synthetic drafts
(planted PHI in narratives and answers), then times, in the same run:

- the full first refresh (every event through the pipeline and the narrative engine, warm),
  with the share of its time spent in de-identification;
- the baseline: the same submissions read and written as month-partitioned Parquet with no
  non-identification at all (what a lake would cost if it copied the identified documents);
- a refresh with nothing to do, and one after 1% of the events got a new version.

Prints the figures and the ratio of the refresh to the baseline (the price of non-identification);
writes them to var/bench/lake.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def setup_django(workdir: Path) -> None:
    os.environ["OPENPSO_DATA_DIR"] = str(workdir / "data")
    os.environ["OPENPSO_KEYS_DIR"] = str(workdir / "keys")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["OPENPSO_ENV"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "openpso.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def baseline(pso: Any, root: Path) -> tuple[float, int]:
    """The same current submissions written as month partitions, identified and untouched."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from openpso.submissions.models import Submission

    started = time.perf_counter()
    by_month: dict[dt.date, list[dict[str, Any]]] = {}
    for sub in Submission.objects.filter(pso=pso, current=True).iterator(chunk_size=256):
        doc = sub.document
        by_month.setdefault(sub.event_month, []).append(
            {
                "event_id": doc["event_id"],
                "provider_id": doc["provider_id"],
                "unit": json.dumps(doc.get("unit")),
                "event_type": doc.get("event_type"),
                "categories": doc.get("categories"),
                "discovered_at": doc.get("discovered_at"),
                "harm": doc.get("harm"),
                "patient": json.dumps(doc.get("patient")),
                "answers": json.dumps(doc.get("answers"), sort_keys=True),
                "narrative": doc.get("narrative", ""),
                "location_detail": doc.get("location_detail"),
                "analysis": json.dumps(doc.get("analysis")),
            }
        )
    rows = 0
    for month, items in by_month.items():
        path = root / f"month={month:%Y-%m}" / "part.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(items), path, compression="zstd")
        rows += len(items)
    return time.perf_counter() - started, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=6000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="openpso-bench-lake-") as tmp:
        workdir = Path(tmp)
        setup_django(workdir)
        figures = run(args.events, workdir)
    results = ROOT / "var" / "bench"
    results.mkdir(parents=True, exist_ok=True)
    (results / "lake.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def run(events: int, workdir: Path) -> dict[str, Any]:
    from django.db import transaction

    from openpso.lake.refresh import refresh_lake
    from openpso.nonid.deid import VERSION, ScrubContext, find_many, lexicon, ner
    from openpso.nonid.tests.pipeline_fixtures import build_pool, new_version

    started = time.perf_counter()
    with transaction.atomic():
        pool = build_pool(events=events, identifying_answers=False)  # as the submission builder sends them
    setup_s = time.perf_counter() - started
    out(f"lake refresh benchmark: {events:,} submissions from the demo's drafts ({setup_s:.1f} s to create)")
    out(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; engine {VERSION}")

    started = time.perf_counter()  # word lists and model loaded once per process, as in the task worker
    lexicon.warm()
    ner.warm()
    find_many(["Warm-up: Dr. Quortle saw the patient on 3/14."], contexts=[ScrubContext()])
    warmup_s = time.perf_counter() - started

    first = refresh_lake()
    base_s, base_rows = baseline(pool.pso, workdir / "baseline")
    noop = refresh_lake()
    changed = max(1, events // 100)
    for sub in pool.submissions[:: max(1, len(pool.submissions) // changed)][:changed]:
        new_version(sub, narrative=sub.document["narrative"] + " Follow-up: family informed.")
    again = refresh_lake()

    share = first.deid_seconds / first.seconds if first.seconds else 0.0
    base_rate = base_rows / base_s if base_s else 0.0
    ratio = first.seconds / base_s if base_s else 0.0
    out()
    out(f"{'run':<44} {'events':>7} {'seconds':>8} {'events/s':>9} {'partitions':>10}")
    out(
        f"{'full refresh (non-identification, warm engine)':<44} {first.events:>7,} {first.seconds:>8.2f}"
        f" {first.events_per_s:>9,.1f} {first.partitions_written:>10}"
    )
    out(f"{'baseline: same rows to Parquet, no non-id':<44} {base_rows:>7,} {base_s:>8.2f} {base_rate:>9,.1f} {'':>10}")
    out(
        f"{'refresh with nothing new':<44} {noop.events:>7,} {noop.seconds:>8.2f} {'':>9} {noop.partitions_written:>10}"
    )
    out(
        f"{'refresh after 1% got a new version':<44} {again.events:>7,} {again.seconds:>8.2f}"
        f" {again.events_per_s:>9,.1f} {again.partitions_written:>10}"
    )
    out()
    out(
        f"de-identification share of the full refresh: {share:.0%}"
        f" ({first.deid_seconds:.2f} s of {first.seconds:.2f} s);"
        f" whole pipeline {first.nonid_seconds:.2f} s; engine warm-up {warmup_s:.2f} s (not counted)"
    )
    out(
        f"ratio: the refresh takes {ratio:.1f}x the baseline's time"
        f" (non-identification costs {first.seconds - base_s:.2f} s for {first.events:,} events)"
    )
    return {
        "events": events,
        "machine": {"arch": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "engine": VERSION,
        "setup_s": round(setup_s, 2),
        "engine_warmup_s": round(warmup_s, 2),
        "full_refresh": first.as_dict(),
        "deid_share": round(share, 3),
        "baseline_s": round(base_s, 3),
        "baseline_events_per_s": round(base_rate, 1),
        "refresh_to_baseline_ratio": round(ratio, 2),
        "noop_refresh": noop.as_dict(),
        "one_percent_refresh": again.as_dict(),
    }


if __name__ == "__main__":
    sys.exit(main())
