"""`openpso import --provider SLUG FILE.csv|FILE.xlsx --mapping MAPPING.json [--dry-run]`.

The command line's side of a bulk import, with the same steps as the pages: the file is kept
encrypted as an import job, the given mapping is confirmed (and saved for the provider's
source system), then either the dry run lists every row that would fail, or the rows are
imported in this process (no task queue needed), resumable with the same command.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openpso.organizations.models import Organization
from openpso.reporting.bulk_import import actions, reader
from openpso.reporting.bulk_import.dry_run import dry_run as check_rows
from openpso.reporting.bulk_import.mapping import ImportMapping, MappingInvalid
from openpso.reporting.models import ImportJob, ImportStatus

BULK_SUFFIXES = (".csv", ".xlsx")


class BulkImportFailed(Exception):
    def __init__(self, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Outcome:
    job: ImportJob | None
    lines: list[str]
    failing_rows: int


def is_bulk(path: Path) -> bool:
    return path.suffix.lower() in BULK_SUFFIXES


def read_mapping(path: Path) -> ImportMapping:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BulkImportFailed([f"{path}: cannot read the mapping as JSON ({exc.__class__.__name__})"]) from None
    try:
        return ImportMapping.from_json(data)
    except MappingInvalid as exc:
        raise BulkImportFailed([f"{path}: {p}" for p in exc.problems]) from None


def _chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            yield chunk


def import_file(
    *,
    provider: Organization,
    path: Path,
    mapping: ImportMapping,
    dry_run: bool,
    on_filed: actions.OnFiled,
) -> Outcome:
    """Dry-run or import one export; a file imported before by an unfinished job resumes it.
    The dry run reads the file where it is and keeps nothing."""
    if dry_run:
        with reader.open_rows(file_format=reader.format_of(path.name), path=path) as rows:
            result = check_rows(mapping, rows, provider=provider)
        lines = [f"{path}: row {p.row}: {p.column}: {p.reason}" for p in result.problems]
        lines.append(f"{path}: dry run: {result.rows} rows, {result.failing_rows} would fail; nothing was imported")
        return Outcome(None, lines, result.failing_rows)
    job = _unfinished(provider, mapping, path)
    if job is None:
        job = actions.upload(
            user=None,
            provider=provider,
            source_system=mapping.source_system,
            file_name=path.name,
            chunks=_chunks(path),
            mapping=mapping,
        )
        actions.confirm_mapping(user=None, job=job, mapping=mapping)
    if job.status == ImportStatus.UPLOADED:
        job.status = ImportStatus.CHECKED
        actions.queue(user=None, job=job)
    job = actions.run(job_id=job.pk, on_filed=on_filed)
    lines = [f"{path}: row {p['row']}: {p['column']}: {p['reason']}" for p in job.problems or []]
    lines.append(
        f"{path}: {job.rows_done} rows: {job.created} filed, {job.amended} amended, "
        f"{job.unchanged} unchanged, {job.failed} failed (import {job.pk})"
    )
    return Outcome(job, lines, job.failed)


def _unfinished(provider: Organization, mapping: ImportMapping, path: Path) -> ImportJob | None:
    """The command's earlier run of this file that stopped before its end (a crash): resumed."""
    return (
        ImportJob.objects.filter(
            provider=provider,
            source_system=mapping.source_system,
            created_by=None,
            status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING],
            file_bytes=path.stat().st_size,
            mapping=mapping.as_json(),
        )
        .order_by("-created_at")
        .first()
    )
