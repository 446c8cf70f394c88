"""Reviewed narratives as labelled examples for improving the engine, and
the regression set the engine is checked against.

`export_examples`: one JSON line per approved review of a narrative as it stands now: the
identified text, the final spans a person approved and the corrections they made on the way.
The file is PHI: it is written only on an explicit request, readable by its owner alone
(0600), never over an existing file, and the export is in the audit log (invariant 3).

`check_regressions`: every approved correction replayed against the engine as it is now —
does it find what a reviewer added, does it still take what a reviewer undid. The result is
offsets, types and ids only, never text, so it may be printed and logged.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.nonid import review
from openpso.nonid.deid import Span, find_many
from openpso.nonid.events import NonidAction
from openpso.nonid.models import CorrectionAction, NarrativeReview, ReviewState
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
    written: dict[int, list[int]] = {}  # ids only: the narratives are not held
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for item in approved_reviews(provider=provider):
                handle.write(json.dumps(example_of(item), ensure_ascii=False) + "\n")
                _note_read(written, item)
        _audit_reads(written, action=NonidAction.EXAMPLES_EXPORTED, file=out.name)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return sum(len(ids) for ids in written.values())


# What the engine does now with a span a reviewer added (regressions: MISSED, PARTLY_MISSED)…
CAUGHT, CAUGHT_AS_OTHER, PARTLY_MISSED, MISSED = "caught", "caught_as_other_type", "partly_missed", "missed"
# …and with one a reviewer undid (a false positive: taking it again hides words, names no one).
NOT_FLAGGED, STILL_FLAGGED = "no_longer_flagged", "still_flagged"
REGRESSIONS = frozenset({PARTLY_MISSED, MISSED})
_BATCH = 50  # narratives per engine call


@dataclass(frozen=True)
class CorrectionCheck:
    """One approved correction against the engine now: offsets and types, never the text."""

    action: str  # CorrectionAction: ADD (a span the reviewer marked) or REMOVE (one they undid)
    start: int
    end: int
    span_type: str
    outcome: str
    engine_types: tuple[str, ...] = ()  # the types the engine gives the characters now

    @property
    def regressed(self) -> bool:
        return self.outcome in REGRESSIONS


@dataclass(frozen=True)
class ReviewCheck:
    review_id: int
    report_id: Any
    provider_id: int
    checks: tuple[CorrectionCheck, ...]

    @property
    def regressions(self) -> tuple[CorrectionCheck, ...]:
        return tuple(c for c in self.checks if c.regressed)


def check_regressions(*, provider: Organization | None = None) -> Iterator[ReviewCheck]:
    """Each approved review with corrections (`approved_reviews`), its corrections replayed
    against the current engine with the context the review was made with. Only corrections
    that stand in the approved result count: the spans a reviewer added (as they were kept),
    and the engine's spans a reviewer undid and did not mark again."""
    reviews = (item for item in approved_reviews(provider=provider) if item.corrections.exists())
    while batch := list(islice(reviews, _BATCH)):
        narratives = [item.report.narrative for item in batch]
        read: dict[int, list[int]] = {}
        for item in batch:
            _note_read(read, item)
        _audit_reads(read, action=NonidAction.REGRESSIONS_CHECKED)
        contexts = [review.context_for(item.report) for item in batch]
        for item, narrative, engine in zip(batch, narratives, find_many(narratives, contexts=contexts), strict=True):
            checks = _checks(item, narrative, engine)
            if checks:
                yield ReviewCheck(item.pk, item.report_id, item.report.provider_id, checks)


def _note_read(by_provider: dict[int, list[int]], item: NarrativeReview) -> None:
    by_provider.setdefault(item.report.provider_id, []).append(item.pk)


def _audit_reads(by_provider: dict[int, list[int]], *, action: NonidAction, **detail: str) -> None:
    """Narratives are PSWP read outside any page: one audit event per provider whose reviews
    were read, with the review ids only (the export also names its file)."""
    for provider_id, review_ids in by_provider.items():
        record(
            actor=None,
            action=action,
            object_type=object_type_of(Organization),
            object_id=provider_id,
            organization_id=provider_id,
            purpose="nonid.engine_improvement",
            detail={"reviews": review_ids, "count": len(review_ids), **detail},
        )


def _checks(item: NarrativeReview, narrative: str, engine: tuple[Span, ...]) -> tuple[CorrectionCheck, ...]:
    corrections = review.corrections_of(item)
    final = review.final_spans(item, corrections)
    kept = {(s.start, s.end) for s in final}
    checks = [_added(span, narrative, engine) for span in final if span.source == review.REVIEWER]
    undone = {
        (c.start, c.end, c.span_type)
        for c in corrections
        if c.action == CorrectionAction.REMOVE and (c.start, c.end) not in kept
    }
    for start, end, span_type in sorted(undone):
        over = _types_over(engine, start, end)
        outcome = STILL_FLAGGED if over else NOT_FLAGGED
        checks.append(CorrectionCheck(CorrectionAction.REMOVE, start, end, span_type, outcome, over))
    return tuple(checks)


def _added(span: Span, narrative: str, engine: tuple[Span, ...]) -> CorrectionCheck:
    wanted = [i for i in range(span.start, span.end) if not narrative[i].isspace()]
    covered = [i for i in wanted if any(s.start <= i < s.end for s in engine)]
    types = _types_over(engine, span.start, span.end)
    if not covered:
        outcome = MISSED
    elif len(covered) < len(wanted):
        outcome = PARTLY_MISSED  # a visible piece of an identifier can still name someone
    else:
        outcome = CAUGHT if set(types) == {span.type} else CAUGHT_AS_OTHER
    return CorrectionCheck(CorrectionAction.ADD, span.start, span.end, span.type, outcome, types)


def _types_over(engine: Iterable[Span], start: int, end: int) -> tuple[str, ...]:
    return tuple(sorted({s.type for s in engine if s.start < end and s.end > start}))
