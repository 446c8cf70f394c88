"""The HERF core elements the reporting pages use, as a small view over the catalogue.

`herf_core()` predates the full catalogue (`openpso.commonformats.catalogue`); it stays so
the report model, forms and API schema keep one stable name for the few elements they store
in columns. The codes and wording come from the definition files, never from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from openpso.commonformats.answers import option_allowed
from openpso.commonformats.catalogue import form
from openpso.commonformats.model import AnswerOption, FormDefinition, Item


@dataclass(frozen=True)
class Answer:
    code: str
    display: str
    definition: str = ""
    near_miss: bool = True  # may be chosen for a near miss (HERF DE3 = A6)
    unsafe_condition: bool = True  # may be chosen for an unsafe condition (DE3 = A9)


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


# Stable names for the codes the code base branches on (HERF DE3, DE21).
INCIDENT, NEAR_MISS, UNSAFE_CONDITION = "A3", "A6", "A9"
OTHER_CATEGORY = "A66"

_HERF, _PIF = "cfer-h-1.2/herf", "cfer-h-1.2/pif"
_CORE = {
    "DE3": (_HERF, "HERF/DE3"),
    "DE21": (_HERF, "HERF/DE21"),
    "DE9": (_HERF, "HERF/DE9a"),
    "DE15": (_HERF, "HERF/DE15"),
    "DE18": (_HERF, "HERF/DE18"),
    "DE42": (_HERF, "HERF/DE42"),
    "DE33": (_HERF, "HERF/DE33"),
    "PIF/age": (_PIF, "PIF/age"),
    "PIF/harm": (_PIF, "PIF/harm"),
}


@cache
def herf_core() -> dict[str, Element]:
    return {key: _element(key, form(form_key), link_id) for key, (form_key, link_id) in _CORE.items()}


def _element(key: str, definition: FormDefinition, link_id: str) -> Element:
    item: Item = definition.item(link_id)
    return Element(
        element_id=key,
        text=item.text,
        loinc=item.loinc or "",
        answers=tuple(_answer(option, definition) for option in item.answers),
        max_length=item.max_length,
    )


def _answer(option: AnswerOption, definition: FormDefinition) -> Answer:
    return Answer(
        code=option.code,
        display=option.display,
        definition=option.definition,
        near_miss=option_allowed(option, {"HERF/DE3": NEAR_MISS}, form=definition),
        unsafe_condition=option_allowed(option, {"HERF/DE3": UNSAFE_CONDITION}, form=definition),
    )
