"""Confirmed codings as labelled examples for the code suggester (issue 18 item 3).

`openpso confirmed-codings --out FILE.jsonl [--provider SLUG]` writes, for each report filed with
a suggestion (`reporting.SuggestionOutcome`) whose narrative review a safety manager approved as
the narrative stands now, one line in the shape `openpso.suggest` trains on
(`src/openpso/suggest/data/confirmed/*.jsonl`, `suggest.corpus`):
`{"id", "text", "event_type", "categories", "harm", "setting": "confirmed", "style": "report"}`.

- The text is the approved scrubbed narrative (`review.approved_scrubbed_text`): exactly what the
  pool holds of it, never the identified narrative. Reports with no approved review as they stand
  are left out.
- The codes are the report's as they stand at the export (the reporter's choice after the
  suggestion; a person looked at the report to approve its narrative). Harm only for an incident.
- The id is a digest of the report's id: the file names no report.
- Written only into a new file (never over one), readable by its owner (0600), and audited per
  provider with the count (invariant 3). Read it before committing it to `data/confirmed/`.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.commonformats.definitions import INCIDENT
from openpso.nonid import review
from openpso.nonid.events import NonidAction
from openpso.organizations.models import Organization
from openpso.reporting.models import EventReport, SuggestionOutcome
from openpso.suggest.codes import CATEGORIES, EVENT_TYPES, HARM


def example_id(report: EventReport) -> str:
    return "confirmed-" + hashlib.sha256(str(report.pk).encode()).hexdigest()[:16]


def example_of(report: EventReport, text: str) -> dict[str, Any] | None:
    """The labelled example, or None when the report's codes are not ones the suggester learns."""
    categories = [c for c in report.categories or [] if c in CATEGORIES]
    if report.event_type not in EVENT_TYPES or not categories:
        return None
    harm = report.harm if report.event_type == INCIDENT and report.harm in HARM else None
    return {
        "id": example_id(report),
        "text": text,
        "event_type": report.event_type,
        "categories": sorted(categories),
        "harm": harm,
        "setting": "confirmed",
        "style": "report",
    }


def confirmed_reports(*, provider: Organization | None = None) -> Any:
    with_suggestion = SuggestionOutcome.objects.values("report_id")
    reports = EventReport.objects.filter(pk__in=with_suggestion).select_related("provider").order_by("reported_at")
    return reports.filter(provider=provider) if provider is not None else reports


def export_confirmed(*, out: Path, provider: Organization | None = None) -> int:
    """Write the examples to `out` (a new file, mode 0600); returns how many were written."""
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never over, or through a link
    written: dict[int, int] = {}
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for report in confirmed_reports(provider=provider).iterator(chunk_size=200):
                text = review.approved_scrubbed_text(report)
                example = example_of(report, text) if text else None
                if example is None:
                    continue
                handle.write(json.dumps(example, ensure_ascii=False) + "\n")
                written[report.provider_id] = written.get(report.provider_id, 0) + 1
        for provider_id, count in written.items():
            record(
                actor=None,
                action=NonidAction.CONFIRMED_CODINGS_EXPORTED,
                object_type=object_type_of(Organization),
                object_id=provider_id,
                organization_id=provider_id,
                purpose="suggest.training",
                detail={"count": count, "file": out.name},
            )
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return sum(written.values())
