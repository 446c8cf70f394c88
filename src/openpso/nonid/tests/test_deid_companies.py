"""Companies and employers in general writing (hand-written examples)."""

from __future__ import annotations

import pytest

from openpso.nonid.deid import find


def touched(text: str, value: str) -> bool:
    start = text.index(value)
    return any(s.start < start + len(value) and start < s.end for s in find(text, use_model=False))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Husband is a driver for Quarrington Technologies downtown.", "Quarrington"),
        ("Brisket Holdings owns the building where she fell.", "Brisket"),
        ("Letter from Vellacott Insurance about the claim.", "Vellacott"),
        ("Pt works at Ferndowe as a welder; injured at work.", "Ferndowe"),
        ("She used to work for Tallistrand before retiring.", "Tallistrand"),
    ],
)
def test_companies_and_employers_are_found(text: str, value: str) -> None:
    assert touched(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Pt works at home; wife works for the county.", "county"),
        ("Case manager working with Social Work on placement.", "Social"),
        ("Discussed options with Pharmacy Solutions team.", "Pharmacy"),
        ("RN worked with Dr. Patel on the order.", "Dr."),
    ],
)
def test_generic_employers_and_cues_stay(text: str, value: str) -> None:
    assert not touched(text, value)
