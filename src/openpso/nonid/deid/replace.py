"""Turn found spans into readable placeholders: `[PATIENT]`, `[DATE]`, `[STAFF]` …"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from openpso.nonid.deid.types import DEFAULT_POLICY, Policy, Span

_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_SHORT_YEAR = re.compile(r"(?:^\d{1,2}([/\-.])\d{1,2}\1|^\d{1,2}-[a-z]{3,9}\.?-|')(\d\d)$", re.IGNORECASE)
_PLACEHOLDER = {
    "PERSON": "[NAME]",
    "EMAIL": "[EMAIL]",
    "URL": "[URL]",
}


# Words that make the date after them a date of birth, whose year would tell the age.
_BIRTH_CUE = re.compile(
    r"(?:\bd\.?\s?o\.?\s?b\b\.?|\bborn\b|\bbirth\s*(?:date|day)?\b|\bbirthdate\b|\bb\.)\s*(?:on|in|:|-|was|is)?\s*:?\s*$",
    re.IGNORECASE,
)
# Safe Harbor: a year 90 or more years back is an element of a date indicative of an age over 89.
_OLDEST_KEPT_YEARS = 89


def placeholder(span_text: str, span_type: str, policy: Policy = DEFAULT_POLICY, *, birth: bool = False) -> str:
    """The placeholder for one span; `birth`: the span is a date of birth (its year is never kept)."""
    if span_type == "AGE":
        return "90+"  # Safe Harbor: ages over 89 are aggregated into one category
    if span_type == "DATE" and policy.dates == "year" and not birth:
        year = _year_of(span_text)
        if year and int(year) >= dt.datetime.now(dt.UTC).year - _OLDEST_KEPT_YEARS:
            return f"[DATE {year}]"
    return _PLACEHOLDER.get(span_type, f"[{span_type}]")


def is_birth_date(text: str, start: int) -> bool:
    """Whether the date starting at `start` in `text` is written as a date of birth ("DOB 3/14/1990")."""
    return bool(_BIRTH_CUE.search(text, max(0, start - 24), start))


def _year_of(text: str) -> str:
    found = _YEAR.search(text)
    if found:
        return found.group(1)
    short = _SHORT_YEAR.search(text.strip())
    if short:
        # "07/22/19", "22-Jul-19", "Jul 22 '19": two-digit years up to 40 are read as 20xx, the rest as 19xx.
        two = int(short.group(2))
        return f"20{two:02d}" if two <= 40 else f"19{two:02d}"
    return ""


def redact(text: str, spans: Iterable[Span], policy: Policy = DEFAULT_POLICY) -> str:
    """Replace each span of `text` (offsets into `text`, non-overlapping) by its placeholder."""
    out: list[str] = []
    last = 0
    for span in sorted(spans):
        if span.start < last:  # overlapping input: the earlier span already covers it
            continue
        out.append(text[last : span.start])
        birth = span.type == "DATE" and policy.dates == "year" and is_birth_date(text, span.start)
        out.append(placeholder(text[span.start : span.end], span.type, policy, birth=birth))
        last = span.end
    out.append(text[last:])
    return "".join(out)
