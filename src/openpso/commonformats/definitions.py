"""AHRQ Common Formats definitions, loaded from the versioned data files beside this module.

The data files are the single source of codes and wording: forms and API validation are
built from them, so a code is never typed twice. AHRQ data-element IDs (DE…) and answer
IDs (A…) and LOINC codes are kept exactly as published.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Answer:
    code: str
    display: str
    definition: str = ""
    near_miss: bool = True
    unsafe_condition: bool = True


@dataclass(frozen=True)
class Element:
    element_id: str
    text: str
    loinc: str
    answers: tuple[Answer, ...]
    max_length: int | None = None

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(a.code for a in self.answers)

    def answer(self, code: str) -> Answer:
        for candidate in self.answers:
            if candidate.code == code:
                return candidate
        raise KeyError(f"{self.element_id}: unknown answer code {code!r}")

    def choices(self) -> list[tuple[str, str]]:
        return [(a.code, a.display) for a in self.answers]


@cache
def load_form(path: str) -> dict[str, Element]:
    raw = json.loads((DATA_DIR / path).read_text())
    elements: dict[str, Element] = {}
    for element_id, spec in raw["elements"].items():
        answers = tuple(
            Answer(
                code=a["code"],
                display=a["display"],
                definition=a.get("definition", ""),
                near_miss=a.get("near_miss", True),
                unsafe_condition=a.get("unsafe_condition", True),
            )
            for a in spec.get("answers", [])
        )
        elements[element_id] = Element(
            element_id=element_id,
            text=spec["text"],
            loinc=spec.get("loinc", ""),
            answers=answers,
            max_length=spec.get("max_length"),
        )
    return elements


def herf_core() -> dict[str, Element]:
    return load_form("cfer-h-1.2/herf-core.json")


# Stable names for the codes the code base branches on.
INCIDENT, NEAR_MISS, UNSAFE_CONDITION = "A3", "A6", "A9"
OTHER_CATEGORY = "A66"
