"""Bulk import throughput: rows/s of `openpso import FILE.csv --mapping` against PostgreSQL COPY.

Runs on a throw-away PostgreSQL server (scripts/with-postgres.sh; fsync off, as for the tests)
unless --database-url names an empty scratch database. Sets up Django with temporary data and
keys directories, migrates, creates one provider, writes an N-row CSV export in a Datix-like
shape (reporting/bulk_import/tests/data), then times, in the same run:

- the import, exactly as `openpso import --provider SLUG FILE.csv --mapping MAPPING.json` runs it
  (the file kept encrypted, each row checked, each batch filed set-based through
  `reporting.actions.import_reports`: the reports and their history rows, the PSWP ledger entries,
  `report.filed` and `report.imported` in the audit chain, the narrative encrypted,
  `flows.reports_filed` after each batch; batches committed with the checkpoint);
- the baseline: `COPY … FROM STDIN (FORMAT csv, HEADER)` of the same file into a plain table of
  text columns (no validation, no ledger, no audit, no encryption).

Prints rows/s of both, their ratio (issue 17's target: >= 0.25), and the process's peak resident
memory (target: < 500 MB); writes them to var/bench/import.json. `--rows 1000000` is the issue's
size; the default is small so that `make bench` stays short.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
_UNDER_THROWAWAY = "OPENPSO_BENCH_IMPORT_THROWAWAY_PG"
TARGET_RATIO = 0.25
TARGET_PEAK_MB = 500
SAMPLE = ROOT / "src" / "openpso" / "reporting" / "bulk_import" / "tests" / "data" / "datix_like_export.csv"
MAPPING: dict[str, Any] = {
    "format": "openpso.import-mapping/1",
    "source_system": "datix",
    "columns": {
        "source_id": "Ref",
        "discovered_at": "Incident date",
        "discovered_time": "Time",
        "event_type": "Type",
        "categories": "Category",
        "narrative": "Description",
        "location_detail": "Exact location",
        "harm": "Severity",
        "patient_age_years": "Person age",
        "patient_sex": "Gender",
        "reporter_role": "Reporter job title",
    },
    "values": {
        "event_type": {"Incident affecting patient": "A3", "Near miss": "A6", "Hazard / unsafe condition": "A9"},
        "categories": {
            "Slips, trips and falls": "A48",
            "Medication": "A54",
            "Medical device / equipment": "A44",
            "Pressure ulcer": "A60",
            "Surgery": "A63",
        },
        "harm": {"No harm": "LA21151-8", "Low": "LA21150-0", "Moderate": "LA20749-0"},
        "patient_sex": {"Female": "F", "Male": "M"},
    },
    "date_format": "%d/%m/%Y",
    "list_separator": ";",
}


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def write_export(path: Path, rows: int) -> None:
    """N rows in the sample's shape: its six good rows again and again, each with its own Ref."""
    with open(SAMPLE, encoding="utf-8", newline="") as handle:
        header, *sample = list(csv.reader(handle))
    good = sample[:6]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for n in range(rows):
            row = list(good[n % len(good)])
            row[0] = f"W{1_000_000 + n}"
            writer.writerow(row)


def setup_django(workdir: Path) -> None:
    os.environ["OPENPSO_DATA_DIR"] = str(workdir / "data")
    os.environ["OPENPSO_KEYS_DIR"] = str(workdir / "keys")
    os.environ["OPENPSO_ENV"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "openpso.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def copy_baseline(path: Path) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_import_copy (ref text, incident_date text, incident_time text, type text, "
            "category text, description text, exact_location text, severity text, person_age text, gender text, "
            "reporter_job_title text, action_taken text)"
        )
        started = time.perf_counter()
        sql = "COPY bench_import_copy FROM STDIN (FORMAT csv, HEADER true)"
        with cursor.cursor.copy(sql) as copy, open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_import_copy")
        (count,) = cursor.fetchone()
    return count / seconds


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    setup_django(workdir)
    from django.db import connection

    from openpso import flows
    from openpso.organizations.models import Organization, OrgKind
    from openpso.reporting.bulk_import.command import import_file
    from openpso.reporting.bulk_import.mapping import ImportMapping

    if connection.vendor != "postgresql":
        raise SystemExit("bench_import needs PostgreSQL (its baseline is COPY)")
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    out(f"bulk import benchmark: {args.rows} rows; machine {machine}; load {os.getloadavg()[0]:.2f}")
    export = workdir / "export.csv"
    write_export(export, args.rows)
    out(f"export: {export.stat().st_size / 1e6:.1f} MB")
    provider = Organization.objects.create(slug="bench-p", name="Bench Hospital", kind=OrgKind.PROVIDER)
    mapping = ImportMapping.from_json(MAPPING)

    profiler = None
    if os.environ.get("OPENPSO_BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    outcome = import_file(provider=provider, path=export, mapping=mapping, dry_run=False, on_filed=flows.reports_filed)
    import_seconds = time.perf_counter() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    job = outcome.job
    assert job is not None
    if job.created != args.rows:
        raise SystemExit(f"imported {job.created} of {args.rows} rows: {outcome.lines[-5:]}")
    import_rate = args.rows / import_seconds
    out(f"import: {import_seconds:.1f} s, {import_rate:,.0f} rows/s")

    copy_rate = copy_baseline(export)
    out(f"COPY baseline: {copy_rate:,.0f} rows/s")
    ratio = import_rate / copy_rate
    peak = peak_mb()
    out(f"ratio import/COPY: {ratio:.4f} (target >= {TARGET_RATIO}) {'MET' if ratio >= TARGET_RATIO else 'NOT MET'}")
    met = "MET" if peak < TARGET_PEAK_MB else "NOT MET"
    out(f"peak resident memory: {peak:.0f} MB (target < {TARGET_PEAK_MB}) {met}")
    return {
        "rows": args.rows,
        "import_seconds": import_seconds,
        "import_rows_per_s": import_rate,
        "copy_rows_per_s": copy_rate,
        "ratio": ratio,
        "peak_mb": peak,
        "machine": machine,
        "load": os.getloadavg(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=int(os.environ.get("OPENPSO_BENCH_IMPORT_ROWS", "1000")))
    parser.add_argument("--database-url", help="an empty scratch PostgreSQL database (default: a throw-away server)")
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    elif os.environ.get(_UNDER_THROWAWAY) != "1":
        os.environ[_UNDER_THROWAWAY] = "1"
        script = str(ROOT / "scripts" / "with-postgres.sh")
        os.execv(script, [script, sys.executable, __file__, *sys.argv[1:]])  # noqa: S606 - our own script
    with tempfile.TemporaryDirectory(prefix="openpso-bench-import-") as tmp:
        figures = run(args, Path(tmp))
    results = ROOT / "var" / "bench"
    results.mkdir(parents=True, exist_ok=True)
    (results / "import.json").write_text(json.dumps(figures, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
