"""`scrub()`: find every identifier in a narrative and replace it by a typed placeholder."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import regex as re

from openpso.nonid.deid import ner, patterns, people, places
from openpso.nonid.deid.replace import redact
from openpso.nonid.deid.text import is_upper_text
from openpso.nonid.deid.types import DEFAULT_POLICY, Policy, ScrubContext, ScrubResult, Span

VERSION = "openpso-deid 1.8"

# When spans overlap they are merged into one; the merged span takes the type that says
# most about what was there.
_PRIORITY = {
    "EMAIL": 12,
    "URL": 11,
    "PHONE": 10,
    "MRN": 9,
    "AGE": 9,
    "DATE": 8,
    "TIME": 8,
    "ADDRESS": 7,
    "FACILITY": 7,
    "PATIENT": 6,
    "STAFF": 6,
    "ROOM": 6,
    "ID": 5,
    "PERSON": 4,
}
# FDA's own privacy redactions, "(b)(6)" and friends, stay exactly as they are.
_FOIA_MARKER = re.compile(r"\(\s*[bB]\s*\)\s*\(\s*\d\s*\)(?:\s*\(\s*[A-Za-z]\s*\))?")


def find(text: str, *, context: ScrubContext | None = None, use_model: bool = True) -> tuple[Span, ...]:
    """Every identifier in `text`: sorted, non-overlapping spans with offsets into `text`."""
    return find_many([text], contexts=[context], use_model=use_model)[0]


def find_many(
    texts: Sequence[str], *, contexts: Sequence[ScrubContext | None] | None = None, use_model: bool = True
) -> list[tuple[Span, ...]]:
    """`find()` for a batch: the model reads every doubtful window of the batch in one pass."""
    contexts = contexts or [None] * len(texts)
    found = [_rules(text, context) for text, context in zip(texts, contexts, strict=True)]
    if use_model:
        upper = [is_upper_text(text) for text in texts]
        todo = [i for i, text in enumerate(texts) if text.strip() and not upper[i]]
        extra = ner.entities([texts[i] for i in todo], [found[i] for i in todo])
        for i, spans in zip(todo, extra, strict=True):
            if spans:
                found[i] += spans
                found[i] += people.propagate(texts[i], spans)
    return [
        merge(_without_possessive(text, _outside_foia_markers(text, spans)))
        for text, spans in zip(texts, found, strict=True)
    ]


_NAMED = frozenset({"PATIENT", "STAFF", "PERSON", "FACILITY"})


def _without_possessive(text: str, spans: list[Span]) -> list[Span]:
    """A name's possessive "'s" is no part of it ("Gina's cell" keeps "'s cell")."""
    return [
        Span(s.start, s.end - 2, s.type, s.source)
        if s.type in _NAMED and s.end - s.start > 3 and text[s.end - 2 : s.end] in ("'s", "’s", "'S", "’S")
        else s
        for s in spans
    ]


def _rules(text: str, context: ScrubContext | None) -> list[Span]:
    if not text or not text.strip():
        return []
    found = patterns.shapes(text)
    found += people.names(text, context)
    found += places.find(text)
    found += places.label_towns(text, found)
    found += places.address_blocks(text, found)
    found += places.town_lines(text, found)
    found += places.organisations(text, found)
    if context is not None and not context.is_empty():
        found += people.known(text, context)
    found += people.propagate(text, found)
    return found


def _outside_foia_markers(text: str, spans: list[Span]) -> list[Span]:
    markers = [(m.start(), m.end()) for m in _FOIA_MARKER.finditer(text)]
    if not markers:
        return spans
    starts = [start for start, _ in markers]

    def touches_marker(span: Span) -> bool:
        # Markers do not overlap each other, so only the last one starting before the span's end can touch it.
        i = bisect.bisect_left(starts, span.end) - 1
        return i >= 0 and markers[i][1] > span.start

    return [s for s in spans if not touches_marker(s)]


def merge(spans: list[Span]) -> tuple[Span, ...]:
    """Overlapping spans become one; its type is the most telling of theirs."""
    merged: list[Span] = []
    for span in sorted(s for s in spans if s.end > s.start):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            best = max((last, span), key=lambda s: (_PRIORITY.get(s.type, 0), s.end - s.start))
            merged[-1] = Span(last.start, max(last.end, span.end), best.type, best.source)
        else:
            merged.append(span)
    return tuple(merged)


def scrub(text: str, *, context: ScrubContext | None = None, policy: Policy = DEFAULT_POLICY) -> ScrubResult:
    spans = find(text, context=context)
    return ScrubResult(text=redact(text, spans, policy), spans=spans)
