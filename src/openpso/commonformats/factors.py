"""The contributing-factor list an RCA² investigation records: OpenPSO's own, not AHRQ's.

The AHRQ SIR asks which factors contributed to an event, but AHRQ's answer list was not
available, so the list is an OpenPSO extension with a form version of its own
(`openpso-ext/contributing-factors-1.0`), loaded beside CFER-H and never part of it. Its codes
keep the `OPSO-SIR-CF-…` spelling they were first stored under (investigations, submissions,
the lake); what changed is only what they are said to be. Whatever shows or exports one says
so, in `EXTENSION_CODE` words.
"""

from __future__ import annotations

from openpso.commonformats.answers_display import option_words
from openpso.commonformats.catalogue import form
from openpso.commonformats.model import EXTENSION_CODE, Item

FACTORS_FORM = "openpso-ext/contributing-factors-1.0"
FACTORS_ITEM = "CF/factors"
# The short mark a label carries where the full sentence would not fit (a chart axis).
EXTENSION_MARK = "(OpenPSO extension)"
__all__ = ["EXTENSION_CODE", "EXTENSION_MARK", "FACTORS_FORM", "FACTORS_ITEM", "factor_item", "factor_words"]


def factor_item() -> Item:
    return form(FACTORS_FORM).item(FACTORS_ITEM)


def factor_words(*, marked: bool = False) -> dict[str, str]:
    """Each factor code in words; `marked` adds EXTENSION_MARK to every OpenPSO code's words."""
    words = {}
    for option in factor_item().answers:
        text = option_words(option.display)
        words[option.code] = f"{text} {EXTENSION_MARK}" if marked and option.system == "openpso" else text
    return words
