"""Geography that may stay in non-identified data: ZIP3 where allowed, states as Census regions.

HIPAA Safe Harbor (45 CFR 164.514(b)(2)(i)(B)) and 42 CFR 3.212(a)(2)(B) remove every
geographic subdivision smaller than a State, except the first three digits of a ZIP code
when the area formed by all ZIP codes with those three digits holds more than 20,000
people; otherwise the three digits become "000".
"""

from __future__ import annotations

import re

# The three-digit ZIP prefixes whose areas held 20,000 people or fewer in the 2000 Census,
# as listed by HHS: "Guidance Regarding Methods for De-identification of Protected Health
# Information in Accordance with the HIPAA Privacy Rule" (OCR, 26 November 2012), §3.3,
# "Utilization of Census Data". HHS states the list is to be kept current with the Census
# the covered entity relies on; update it here, with the source, when that changes.
RESTRICTED_ZIP3 = frozenset(
    {
        "036",
        "059",
        "063",
        "102",
        "203",
        "556",
        "692",
        "790",
        "821",
        "823",
        "830",
        "831",
        "878",
        "879",
        "884",
        "890",
        "893",
    }
)
SUPPRESSED_ZIP3 = "000"
_ZIP = re.compile(r"\s*(\d{3})\d{2}(?:-?\d{4})?\s*")

# US Census Bureau regions (Census Regions and Divisions of the United States). DC counts
# with the South. Puerto Rico is in no Census region; it is kept as itself, a State-level
# unit that 3.212(a)(2)(B) allows.
CENSUS_REGIONS: dict[str, str] = {
    **dict.fromkeys(("CT", "ME", "MA", "NH", "RI", "VT", "NJ", "NY", "PA"), "northeast"),
    **dict.fromkeys(("IL", "IN", "MI", "OH", "WI", "IA", "KS", "MN", "MO", "NE", "ND", "SD"), "midwest"),
    **dict.fromkeys(
        ("DE", "DC", "FL", "GA", "MD", "NC", "SC", "VA", "WV", "AL", "KY", "MS", "TN", "AR", "LA", "OK", "TX"),
        "south",
    ),
    **dict.fromkeys(
        ("AZ", "CO", "ID", "MT", "NV", "NM", "UT", "WY", "AK", "CA", "HI", "OR", "WA"),
        "west",
    ),
    "PR": "puerto_rico",
}


def zip3(zip_code: str | None) -> str | None:
    """The Safe Harbor form of a US ZIP code: its first three digits, or "000" where the
    three-digit area is too small. None when `zip_code` is not a ZIP code at all."""
    if not zip_code:
        return None
    match = _ZIP.fullmatch(str(zip_code))
    if match is None:
        return None
    prefix = match.group(1)
    return SUPPRESSED_ZIP3 if prefix in RESTRICTED_ZIP3 else prefix


def census_region(state: str | None) -> str | None:
    """The Census region of a two-letter state code ("PA" → "northeast"); None when unknown."""
    return CENSUS_REGIONS.get((state or "").strip().upper())
