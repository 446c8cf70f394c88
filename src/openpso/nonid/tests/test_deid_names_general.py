"""Names in general writing: sentence subjects, speakers, lists, greetings, lower-case full names.

Every example is hand-written for this test."""

from __future__ import annotations

import pytest

from openpso.nonid.deid import find


def touched(text: str, value: str) -> bool:
    start = text.index(value)
    return any(s.start < start + len(value) and start < s.end for s in find(text, use_model=False))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a first name opening a sentence as its subject or as a speaker
        ("Call bell answered. Deborah is the night aide's sister.", "Deborah"),
        ("Brendan had brought the walker from home.", "Brendan"),
        ('Theresa: "Is she awake?" We said yes.', "Theresa"),
        # a list of names beside one already found
        ("Visitors today: Okonkwo, Lindqvist and Brandt, per Mr. Okonkwo.", "Lindqvist"),
        ("Visitors today: Okonkwo, Lindqvist and Brandt, per Mr. Okonkwo.", "Brandt"),
        # greeted or quoted
        ("Hi Ottoline, the results are back.", "Ottoline"),
        ('"We will come Sunday," said Wojciechowski.', "Wojciechowski"),
        # named by a question or a statement about a name
        ("Asked for her maiden name: she said her maiden name is Halvorsen", "Halvorsen"),
        ("What's your last name? Ekwueme", "Ekwueme"),
        # lower-case titles and relatives
        ("spoke with ms. Ravensworth about the bill", "Ravensworth"),
        ("her kid Tobiah was at the bedside", "Tobiah"),
        # first and last name typed in lower case, an initial between them
        ("please call back rosalind k hightower today", "rosalind k hightower"),
    ],
)
def test_names_in_general_writing_are_found(text: str, value: str) -> None:
    assert touched(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Pt and dtr-in-law at bedside, son and wife called.", "dtr-in-law"),
        ("Tylenol, Motrin and Zofran given per order.", "Motrin"),
        ("Foley and Hoyer used for transfer.", "Hoyer"),
        ("Hi flow O2 started at 0400.", "flow"),
        ("Will recheck BP at noon. Grace period for the bill.", "Grace"),
        ("given tylenol and motrin for pain", "motrin"),
    ],
)
def test_clinical_words_beside_names_and_cues_stay(text: str, value: str) -> None:
    assert not touched(text, value)
