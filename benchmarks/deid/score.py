"""How the de-identification benchmark scores a tool: span recall, character recall and precision.

Pure functions and a tally; no files, no processes. Offsets are character offsets into the
input text, end exclusive, as in the `openpso deid --jsonl` contract.

Span recall and character precision are defined exactly as in the clinical-notes-dev corpus's
own scorer (data/clinical-notes-dev/score.py; tests/test_dev_set.py checks they agree): any
overlap finds a gold span, whatever its type; every character counts, whitespace included, over
the union of the predicted spans. One deliberate difference: an empty predicted span finds
nothing here (it removes nothing), where that scorer would count one strictly inside a gold span.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Span(NamedTuple):
    start: int
    end: int
    type: str


@dataclass(frozen=True)
class Note:
    """One input text and its gold identifier spans (none for a corpus without gold)."""

    id: str
    text: str
    gold: tuple[Span, ...] = ()
    setting: str = ""  # where the note was written (clinical-notes-dev's settings), "" when unknown


@dataclass(frozen=True)
class Prediction:
    """What a tool answered for one note; `error` set when it answered with an error line."""

    id: str
    spans: tuple[Span, ...] = ()
    text: str | None = None
    error: str | None = None


# HIPAA Safe Harbor (45 CFR 164.514(b)(2)(i)(C)) and 42 CFR 3.212 require ages over 89 to be
# removed, not younger ones; a gold AGE of 89 or under is reported under its own label and
# left out of the headline, so a tool is neither rewarded nor blamed for it.
AGE_NOT_REQUIRED = "AGE ≤ 89 (not required)"
_NUMBER = re.compile(r"\d+")
# Safe Harbor keeps years: a gold DATE_TIME (presidio-synth) that is a year and nothing else
# ("founded in 1983") is reported under its own label and left out of the headline, as young
# ages are. clinical-notes-dev marks a year alone only where it is the birth year of someone
# over 89, which stays required.
YEAR_NOT_REQUIRED = "year alone (not required)"
_YEAR_ONLY = re.compile(r"(?:1[89]|20)\d\d")
_DATE_TYPES = frozenset({"DATE_TIME"})  # Presidio's label; clinical-notes-dev marks a year alone only as a birth year
# Days of the week are no date element under the engine's policy (issue 14: they stay, as times
# of day do), so a presidio-synth DATE_TIME that is only a weekday is reported on its own.
WEEKDAY_NOT_REQUIRED = "day of week (not required)"
_WEEKDAY_ONLY = re.compile(r"(?i:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?i:day)?")
# Safe Harbor removes geographic subdivisions smaller than a state; a country or a US state may
# stay. presidio-synth's GPE mixes them with cities, so those two are reported on their own.
REGION_NOT_REQUIRED = "country or US state (not required)"
_PLACE_TYPES = frozenset({"GPE"})
_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")  # "Cyprus (Greek)"


def _regions() -> frozenset[str]:
    """Country names and US states, lower case, from Faker's English address data (a dependency)."""
    global _REGIONS
    if _REGIONS is None:
        from faker.providers.address.en import Provider as English
        from faker.providers.address.en_US import Provider as American

        names = [*English.countries, *American.states, "United States", "United Kingdom", "USA", "UK"]
        _REGIONS = frozenset(name.lower() for name in names)
    return _REGIONS


_REGIONS: frozenset[str] | None = None


@dataclass(frozen=True)
class Scope:
    """Which gold labels count in a corpus's headline figures; every label is still reported."""

    excluded: frozenset[str] = frozenset()
    remarks: dict[str, str] = field(default_factory=dict)

    def counts(self, label: str) -> bool:
        return (
            label not in (AGE_NOT_REQUIRED, YEAR_NOT_REQUIRED, WEEKDAY_NOT_REQUIRED, REGION_NOT_REQUIRED)
            and label not in self.excluded
        )


SCOPES: dict[str, Scope] = {
    "clinical-notes-dev": Scope(),
    "openpso-demo": Scope(),
    # Presidio's synthetic set annotates more than Safe Harbor lists: TITLE (job titles) and NRP
    # (nationality, religion, political group) are not identifiers, so they stay out of the
    # headline. GPE mixes cities (sub-state geography, an identifier) with countries and US states
    # (allowed): a GPE that is a country or a US state is reported on its own row and left out,
    # the rest stays in. ORGANIZATION stays in: Safe Harbor removes an individual's employer's name.
    "presidio-synth": Scope(
        excluded=frozenset({"TITLE", "NRP"}),
        remarks={
            "TITLE": "not an identifier; out of headline",
            "NRP": "not an identifier; out of headline",
            "GPE": "cities and other places below a state (countries and US states on their own row)",
        },
    ),
    "maude": Scope(),
}


def gold_label(span: Span, text: str) -> str:
    """The label a gold span is reported under: its type, or a not-required label (ages ≤ 89, years alone)."""
    if span.type in _DATE_TYPES and _YEAR_ONLY.fullmatch(text[span.start : span.end]):
        return YEAR_NOT_REQUIRED
    if span.type in _DATE_TYPES and _WEEKDAY_ONLY.fullmatch(text[span.start : span.end].strip()):
        return WEEKDAY_NOT_REQUIRED
    if span.type in _PLACE_TYPES and _QUALIFIER.sub("", text[span.start : span.end]).strip().lower() in _regions():
        return REGION_NOT_REQUIRED
    if span.type == "AGE":
        number = _NUMBER.search(text[span.start : span.end])
        # An age written without digits ("ninety") stays required: we cannot tell, so we ask.
        if number and int(number.group()) <= 89:
            return AGE_NOT_REQUIRED
    return span.type


def overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end and a.start < a.end and b.start < b.end


def found(gold: Span, predicted: Iterable[Span]) -> bool:
    """A gold span counts as found when any predicted span overlaps it, whatever its type."""
    return any(overlaps(gold, p) for p in predicted)


def mask(length: int, spans: Iterable[Span]) -> bytearray:
    """One byte per character, 1 where any of `spans` covers it."""
    covered = bytearray(length)
    for span in spans:
        start, end = max(span.start, 0), min(span.end, length)
        if end > start:
            covered[start:end] = b"\x01" * (end - start)
    return covered


def count(*masks: bytearray) -> int:
    """Characters set in every mask."""
    return sum(1 for bits in zip(*masks, strict=True) if all(bits))


def runs(covered: bytearray) -> int:
    """Separate stretches of covered characters: what a reader sees as distinct redactions."""
    return sum(1 for i, bit in enumerate(covered) if bit and (i == 0 or not covered[i - 1]))


_WORD = re.compile(r"\S+")


MARKERS: dict[str, re.Pattern[str]] = {
    # FOIA exemption 6 (personal privacy): FDA's own redaction of MAUDE identifiers.
    "(b)(6)": re.compile(r"\([bB]\) ?\(6\)"),
    # FOIA exemption 4 (trade secrets): not PHI, but a tool that eats it damages the text all the same.
    "(b)(4)": re.compile(r"\([bB]\) ?\(4\)"),
}


def damaged_markers(pattern: re.Pattern[str], source: str, output: str, spans: Sequence[Span]) -> tuple[int, int]:
    """(markers in the input, markers damaged): overlapped by a span, or missing from the output."""
    markers = [Span(m.start(), m.end(), "MARKER") for m in pattern.finditer(source)]
    hit = sum(1 for marker in markers if found(marker, spans))
    missing = max(0, len(markers) - len(pattern.findall(output)))
    return len(markers), max(hit, missing)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass
class Tally:
    """Running totals over one tool's answers for one corpus."""

    scope: Scope = field(default_factory=Scope)
    notes: int = 0
    errors: int = 0
    total: Counter[str] = field(default_factory=Counter)  # gold spans per label
    hits: Counter[str] = field(default_factory=Counter)  # of which found
    gold_chars: int = 0  # headline gold characters
    gold_chars_covered: int = 0
    predicted_chars: int = 0
    predicted_chars_in_gold: int = 0  # inside any gold span, in scope or not
    input_chars: int = 0
    input_words: int = 0  # runs of non-whitespace
    predicted_runs: int = 0  # distinct redacted stretches (overlapping or touching spans merged)
    markers: Counter[str] = field(default_factory=Counter)
    markers_damaged: Counter[str] = field(default_factory=Counter)

    def add(self, note: Note, prediction: Prediction) -> None:
        """Score one note. An error answer predicts nothing, so its gold spans are all misses."""
        self.notes += 1
        spans = () if prediction.error is not None else prediction.spans
        self.errors += prediction.error is not None
        labels = [gold_label(g, note.text) for g in note.gold]
        for gold, label in zip(note.gold, labels, strict=True):
            self.total[label] += 1
            self.hits[label] += found(gold, spans)
        headline = [g for g, label in zip(note.gold, labels, strict=True) if self.scope.counts(label)]
        predicted = mask(len(note.text), spans)
        gold_headline, gold_any = mask(len(note.text), headline), mask(len(note.text), note.gold)
        self.input_chars += len(note.text)
        self.input_words += len(_WORD.findall(note.text))
        self.predicted_runs += runs(predicted)
        self.gold_chars += count(gold_headline)
        self.gold_chars_covered += count(gold_headline, predicted)
        self.predicted_chars += count(predicted)
        self.predicted_chars_in_gold += count(predicted, gold_any)
        if prediction.text is not None:
            for name, pattern in MARKERS.items():
                total, damaged = damaged_markers(pattern, note.text, prediction.text, spans)
                self.markers[name] += total
                self.markers_damaged[name] += damaged

    def span_recall(self) -> float | None:
        labels = [label for label in self.total if self.scope.counts(label)]
        return _ratio(sum(self.hits[label] for label in labels), sum(self.total[label] for label in labels))

    def summary(self) -> dict[str, Any]:
        """Every measured figure, JSON-ready; a ratio with nothing to divide by is None."""
        per_type = {
            label: {
                "found": self.hits[label],
                "total": total,
                "recall": self.hits[label] / total,
                "headline": self.scope.counts(label),
                "remark": self.scope.remarks.get(label, ""),
            }
            for label, total in sorted(self.total.items(), key=lambda item: (-item[1], item[0]))
        }
        return {
            "notes": self.notes,
            "errors": self.errors,
            "gold_spans": sum(t for label, t in self.total.items() if self.scope.counts(label)),
            "span_recall": self.span_recall(),
            "char_recall": _ratio(self.gold_chars_covered, self.gold_chars),
            "char_precision": _ratio(self.predicted_chars_in_gold, self.predicted_chars) if self.total else None,
            "predicted_chars_per_1k": _ratio(1000 * self.predicted_chars, self.input_chars),
            # On a corpus without gold (MAUDE) every redacted stretch is a false positive.
            "predicted_per_1k_words": _ratio(1000 * self.predicted_runs, self.input_words),
            "per_type": per_type,
            "markers": {name: {"total": self.markers[name], "damaged": self.markers_damaged[name]} for name in MARKERS},
        }
