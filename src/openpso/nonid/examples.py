"""Reviewed narratives as labelled examples for improving the engine (issue 5 item 5).

One JSON line per approved review of a narrative as it stands now: the identified text,
the final spans a person approved and the corrections they made on the way. The file is
PHI: it is written only on an explicit request, readable by its owner alone (0600), never
over an existing file, and the export is in the audit log (invariant 3).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpso.audit.trail import record
from openpso.nonid import review
from openpso.nonid.models import NarrativeReview, ReviewState
from openpso.organizations.models import Organization


def approved_reviews(*, provider: Organization | None = None) -> Iterator[NarrativeReview]:
    """The newest approved review of each report whose narrative has not changed since."""
    reviews = NarrativeReview.objects.filter(state=ReviewState.APPROVED).select_related("report", "report__provider")
    if provider is not None:
        reviews = reviews.filter(report__provider=provider)
    seen: set[Any] = set()
    for item in reviews.order_by("report_id", "-id").iterator(chunk_size=200):
        if item.report_id in seen:
            continue
        seen.add(item.report_id)
        if not review.is_stale(item):
            yield item


def example_of(item: NarrativeReview) -> dict[str, Any]:
    corrections = review.corrections_of(item)
    return {
        "id": str(item.report_id),
        "review": item.pk,
        "provider": item.report.provider.slug,
        "engine_version": item.engine_version,
        "text": item.report.narrative,
        "spans": [span.as_json() for span in review.final_spans(item, corrections)],
        "engine_spans": [span.as_json() for span in review.engine_spans(item)],
        "corrections": [
            {"action": c.action, "start": c.start, "end": c.end, "type": c.span_type, "at": c.made_at.isoformat()}
            for c in corrections
        ],
    }


def export_examples(*, out: Path, provider: Organization | None = None) -> int:
    """Write the examples to `out` (a new file, mode 0600); returns how many were written."""
    # O_EXCL: never write over (or through a link to) a file someone else may read.
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    written: dict[int, list[int]] = {}
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for item in approved_reviews(provider=provider):
                handle.write(json.dumps(example_of(item), ensure_ascii=False) + "\n")
                written.setdefault(item.report.provider_id, []).append(item.pk)
        for provider_id, review_ids in written.items():
            record(
                actor=None,
                action="deid.examples_exported",
                object_type="organizations.organization",
                object_id=provider_id,
                organization_id=provider_id,
                purpose="nonid.engine_improvement",
                detail={"reviews": review_ids, "count": len(review_ids), "file": out.name},
            )
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return sum(len(ids) for ids in written.values())
