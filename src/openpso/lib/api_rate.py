"""The API's request rates, per caller (OPENPSO_API_RATE) and per organisation's keys
(OPENPSO_API_ORG_RATE): parsed once, at settings load.

Kept free of ninja and Django imports so settings.py can validate the value: a typo stops
the server at start instead of turning every API request into a 500.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_API_RATE = "600/m"
# All of one organisation's API keys together: two keys' worth at full speed, so many keys of one
# organisation share this budget instead of multiplying the per-key one (lib/api_throttle.py).
DEFAULT_API_ORG_RATE = "1200/m"
_PERIODS = {"s": (1, "a second"), "m": (60, "a minute"), "h": (3600, "an hour"), "d": (86400, "a day")}
_FORMAT = re.compile(r"^\s*(\d+)\s*/\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: int
    text: str  # as configured, e.g. "600/m"

    def describe(self) -> str:
        """E.g. "600 requests a minute", for a refusal's `detail`."""
        unit = _PERIODS[self.text.strip()[-1]][1]
        return f"{self.requests} request{'s' if self.requests != 1 else ''} {unit}"


def parse_rate(text: str, *, setting: str = "OPENPSO_API_RATE") -> Rate:
    """`<count>/<s|m|h|d>`, e.g. "600/m"; ValueError naming `setting` and the expected form otherwise."""
    match = _FORMAT.match(text)
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"{setting} must look like 600/m (a count of at least 1 per s, m, h or d), not {text!r}")
    return Rate(int(match.group(1)), _PERIODS[match.group(2)][0], text.strip())
