"""The suggester's codes are the Common Formats' own (it keeps a copy to run without Django)."""

from __future__ import annotations

import json
from pathlib import Path

from openpso.suggest.codes import CATEGORIES, EVENT_TYPES, HARM
from openpso.suggest.rules import keyword_suggest

CF = Path(__file__).resolve().parents[2] / "commonformats" / "data" / "cfer-h-1.2"


def _answer_codes(node: object) -> list[list[str]]:
    found: list[list[str]] = []
    if isinstance(node, dict):
        answers = node.get("answers")
        if isinstance(answers, list):
            found.append([a["code"] for a in answers if isinstance(a, dict) and "code" in a])
        for value in node.values():
            found += _answer_codes(value)
    elif isinstance(node, list):
        for value in node:
            found += _answer_codes(value)
    return found


def test_event_types_and_categories_are_herf_1_2_answers():
    lists = _answer_codes(json.loads((CF / "herf.json").read_text()))
    assert list(EVENT_TYPES) in lists
    assert list(CATEGORIES) in lists


def test_harm_codes_are_the_pif_harm_scale():
    lists = _answer_codes(json.loads((CF / "pif.json").read_text()))
    assert any(set(HARM) - {"LA4489-6"} <= set(codes) for codes in lists)


def test_keyword_baseline_reads_the_definitions_cues():
    assert keyword_suggest("Patient found on the floor next to the bed") == ("A3", ["A48"])
    assert keyword_suggest("Wrong dose of insulin caught before it was given")[0] == "A6"
    assert keyword_suggest("Exit blocked; no patient involved")[0] == "A9"
