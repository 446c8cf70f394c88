"""The approved review's spans on their way to the pool.

The reviewer's word is final: when a safety manager approved the de-identification review of
a narrative as it stands, the submission document carries the spans they approved under
`narrative_review` (offsets, types, who found each — never the text) beside the narrative,
which is sent as written. The PSO's non-identification run (`nonid.pipeline`) then replaces
exactly those spans, with `redact_text`, instead of running the engine on the narrative, so the
pooled narrative is byte for byte the scrubbed text the reviewer approved
(`review.approved_scrubbed_text`). Both sides call `redact_text`: one placeholder format.

The spans are read back defensively (`spans_from_document`): anything that does not fit the
narrative sent with them (an offset outside it, overlapping or unsorted spans, an unknown
type) is not used, and the engine scrubs the narrative as if there were no review.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpso.nonid.deid import SPAN_TYPES, Policy, Span, redact

DOCUMENT_FIELD = "narrative_review"
REVIEWER = "reviewer"  # the `source` of a span a person added
# Every date in pooled free text loses its year too: a birth year can say that a patient is
# over 89, which Safe Harbor forbids (164.514(b)(2)(i)(C)); the structured columns carry the
# event's month or year.
TEXT_POLICY = Policy(dates="placeholder")


def redact_text(text: str, spans: Iterable[Span]) -> str:
    """`text` with each span replaced by its placeholder, as the pool holds free text."""
    return redact(text, spans, TEXT_POLICY)


def to_document(*, review_id: int, engine_version: str, spans: Sequence[Span]) -> dict[str, Any]:
    """The `narrative_review` entry of a submission document (docs/submissions.md). No approval
    time: nothing may date an anonymous report finer than the hour (invariant 2)."""
    return {
        "review": review_id,
        "engine_version": engine_version,
        "spans": [{"start": s.start, "end": s.end, "type": s.type, "source": s.source} for s in spans],
    }


def spans_from_document(entry: Any, narrative: str) -> tuple[Span, ...] | None:
    """The approved spans of a document's `narrative_review` entry, or None when there is
    none or they do not fit `narrative` (then the engine scrubs it, as without a review)."""
    if not isinstance(entry, Mapping) or not isinstance(entry.get("spans"), list):
        return None
    spans: list[Span] = []
    last = 0
    for item in entry["spans"]:
        if not isinstance(item, Mapping):
            return None
        start, end, kind = item.get("start"), item.get("end"), item.get("type")
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(kind, str)):
            return None
        if isinstance(start, bool) or isinstance(end, bool):
            return None
        if not last <= start < end <= len(narrative) or kind not in SPAN_TYPES:
            return None  # sorted, non-overlapping and inside the text, as `redact` expects
        source = item.get("source")
        spans.append(Span(start, end, kind, source if isinstance(source, str) else ""))
        last = end
    return tuple(spans)


def review_id_of(entry: Any) -> int | None:
    value = entry.get("review") if isinstance(entry, Mapping) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
