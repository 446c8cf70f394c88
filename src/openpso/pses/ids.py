"""Ids as people type them: "R-3F2A1B2C", "e-3f2a", "3f2a1b2c-1d…" → a UUID prefix lookup."""

from __future__ import annotations

_ID_PREFIXES = ("R-", "E-", "A-")
_HEX = frozenset("0123456789abcdef")


def id_prefix(text: str) -> str:
    """The hex digits of an id the person typed, or "" if it is not one (at least 4 hex
    digits, so that a word like "bed" is not taken for an id)."""
    text = text.strip()
    if text[:2].upper() in _ID_PREFIXES:
        text = text[2:]
    digits = text.replace("-", "").lower()
    if len(digits) < 4 or len(digits) > 32 or not set(digits) <= _HEX:
        return ""
    return digits


def dashed(digits: str) -> str:
    """Hex digits with the dashes of a UUID's text form, for `pk__istartswith`: PostgreSQL
    compares the dashed text, SQLite strips the dashes from both sides."""
    out = digits[:8]
    for start, end in ((8, 12), (12, 16), (16, 20), (20, 32)):
        if len(digits) > start:
            out += "-" + digits[start:end]
    return out
