"""Writing the release data to a folder: CDA documents for the national database, or FHIR R5 NDJSON.

One call per format, used by `openpso export` and by the API's background Bulk Data jobs. Each
writes nothing unless every document passes its check (the CDA R2 schema; the R5 AdverseEvent
model), so a bad export leaves no partial set behind; each records the release (`Release` row and
`nonid.released` audit event) with the profile and k it was made under.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from openpso.audit.actor import Actor
from openpso.lake.exports import cda, fhir_r5, succession, validate
from openpso.lake.exports.jobs import NDJSON_NAME
from openpso.lake.exports.released import ReleaseBatch, record, released_events
from openpso.organizations.models import Organization

FORMATS = ("cda", "fhir-ndjson")
Progress = Callable[[int, int], None]


class ExportFailed(ValueError):
    """A document failed its check; the message names the event, the element and why."""


@dataclass
class ExportResult:
    format: str
    events: int
    files: list[Path] = field(default_factory=list)
    new_versions: int = 0  # CDA: documents that are a new version (first or replacing) in this export
    line: str = ""  # the release line: profile, dates, k
    release_id: int | None = None


def export(
    fmt: str,
    *,
    pso: Organization,
    since: dt.date,
    out: Path,
    actor: Actor | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    if fmt not in FORMATS:
        raise ValueError(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")
    batch = released_events(pso=pso, since=since)
    writer = _cda if fmt == "cda" else _ndjson
    # CDA in one transaction: a document that fails its check leaves no stored version and no
    # release. NDJSON stores nothing but the release, and its job's progress must be seen as it goes.
    with transaction.atomic() if fmt == "cda" else contextlib.nullcontext():
        result = writer(batch, out, progress)
        result.line = batch.line()
        if batch.events:
            what = f"national database export ({fmt}) since {since:%Y-%m-%d}"
            result.release_id = record(batch, what=what, actor=actor, object_id=out.name).pk
    return result


def _cda(batch: ReleaseBatch, out: Path, progress: Progress | None) -> ExportResult:
    result = ExportResult("cda", len(batch.events))
    documents: list[tuple[str, bytes]] = []
    for done, (event, step) in enumerate(
        zip(batch.events, succession.versions(batch.pso, batch.events), strict=True), 1
    ):
        xml = cda.document(
            event,
            pso_slug=batch.pso.slug,
            pso_name=batch.pso.name,
            version=step.version,
            replaces=step.replaces,
        )
        problems = validate.problems(xml)
        if problems:
            raise ExportFailed(f"event {event.event_key} (CDA): " + "; ".join(problems))
        documents.append((f"{event.event_key}-v{step.version.number}.xml", xml))
        result.new_versions += step.new
        if progress is not None:
            progress(done, len(batch.events))
    out.mkdir(parents=True, exist_ok=True)
    for name, xml in documents:
        result.files.append(_write(out / name, xml))
    return result


def _ndjson(batch: ReleaseBatch, out: Path, progress: Progress | None) -> ExportResult:
    result = ExportResult("fhir-ndjson", len(batch.events))
    lines: list[str] = []
    for done, event in enumerate(batch.events, start=1):
        resource = fhir_r5.adverse_event(event, pso_slug=batch.pso.slug)
        problems = fhir_r5.check(resource)
        if problems:
            raise ExportFailed(f"event {event.event_key} (FHIR R5): " + "; ".join(problems))
        lines.append(json.dumps(resource, ensure_ascii=False, separators=(",", ":")))
        if progress is not None:
            progress(done, len(batch.events))
    out.mkdir(parents=True, exist_ok=True)
    result.files.append(_write(out / NDJSON_NAME, "".join(line + "\n" for line in lines).encode("utf-8")))
    return result


def _write(path: Path, data: bytes) -> Path:
    """Write `data` to a temporary name beside `path` and move it into place (never half a file)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
