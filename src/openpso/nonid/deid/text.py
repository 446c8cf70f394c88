"""Small text helpers the name and place recognizers share."""

from __future__ import annotations

from functools import lru_cache

import regex as re

from openpso.nonid.deid import lexicon

WORD = re.compile(r"\p{L}[\p{L}'’\-]*\p{L}|\p{L}")
_UPPER = re.compile(r"\p{Lu}")
_LOWER = re.compile(r"\p{Ll}")


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


@lru_cache(maxsize=8)
def is_upper_text(text: str) -> bool:
    """Whether case says nothing in this note: written in capitals (device reports, old systems)
    or with almost none (typed fast on a phone). Then names need a title, role or cue."""
    sample = text[:4000]  # enough letters to tell; counting a whole long note costs more than it says
    upper, lower = len(_UPPER.findall(sample)), len(_LOWER.findall(sample))
    letters = upper + lower
    return letters > 20 and (upper / letters > 0.8 or upper / letters < 0.01)


def census_name(lower: str) -> bool:
    """A first name or surname of the word lists (lower-cased)."""
    return lower in lexicon.last_names() or lower in lexicon.first_names()
