"""One owner for "to the hour" (invariant 2): every anonymous date goes through `anonymous_time`."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from openpso.lib.anonymity import anonymous_time

SRC = Path(__file__).resolve().parents[2]


def test_the_minutes_and_seconds_are_dropped_in_the_moments_own_zone():
    moment = dt.datetime(2026, 3, 8, 1, 59, 59, 999_999, tzinfo=ZoneInfo("America/New_York"))
    assert anonymous_time(moment) == dt.datetime(2026, 3, 8, 1, 0, tzinfo=ZoneInfo("America/New_York"))
    assert anonymous_time(anonymous_time(moment)) == anonymous_time(moment)


def test_no_other_module_truncates_a_time_to_the_hour_itself():
    own = (SRC / "lib" / "anonymity.py").resolve()
    copies = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "tests" not in path.parts
        and path.resolve() != own
        and re.search(r"replace\(minute=0, second=0", path.read_text(encoding="utf-8"))
    ]
    assert copies == []
