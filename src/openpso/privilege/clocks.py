"""Breach notification clocks (45 CFR 164.404–164.410; 42 CFR Part 3).

Pure functions of a breach's facts, so the clock is the same on every page and in tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# 164.410(b), 164.404(b), 164.406(b), 164.408(b): "without unreasonable delay and in no case
# later than 60 calendar days after discovery".
NOTICE_DAYS = 60
# 164.408(b)/(c): 500 or more individuals → the Secretary contemporaneously; fewer → a yearly log.
LARGE_BREACH = 500


@dataclass(frozen=True)
class Clock:
    notice_to: str
    due_on: dt.date
    cite: str


def latest_notice(discovered_on: dt.date) -> dt.date:
    return discovered_on + dt.timedelta(days=NOTICE_DAYS)


def provider_notice(discovered_on: dt.date) -> Clock:
    """A PSO (business associate) to the provider (covered entity) whose PSWP or PHI was affected.

    [verify] 42 CFR Part 3 is believed to ask a PSO to notify a provider of an impermissible
    disclosure or breach of its PSWP "to the extent practical" (the notes mark the cite
    unverified); we give that notice HIPAA's 164.410(b) clock, the stricter of the two we know.
    """
    return Clock("provider", latest_notice(discovered_on), "45 CFR 164.410(b); 42 CFR Part 3 [verify cite]")


def covered_entity_notices(discovered_on: dt.date, patients_affected: int) -> list[Clock]:
    """What a provider (covered entity) owes after a breach of unsecured PHI."""
    due = latest_notice(discovered_on)
    clocks = [Clock("individuals", due, "45 CFR 164.404(b)")]
    if patients_affected >= LARGE_BREACH:
        clocks.append(Clock("secretary", due, "45 CFR 164.408(b)"))
    else:
        # Fewer than 500: logged and sent within 60 days after the end of the calendar year.
        year_end = dt.date(discovered_on.year, 12, 31)
        clocks.append(Clock("secretary", year_end + dt.timedelta(days=NOTICE_DAYS), "45 CFR 164.408(c)"))
    if patients_affected > LARGE_BREACH:
        # [verify] 164.406 counts more than 500 residents *of one State or jurisdiction*; we do
        # not record residence, so any breach of more than 500 gets the media clock.
        clocks.append(Clock("media", due, "45 CFR 164.406(b)"))
    return clocks
