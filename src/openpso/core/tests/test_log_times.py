"""Application log lines carry their UTC offset (docs/security.md, ASVS V16 log timestamps)."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from django.conf import settings


def test_a_log_line_starts_with_an_iso_time_and_its_utc_offset():
    # Built from the settings as dictConfig builds it, without reconfiguring the test run's logging.
    config: dict[str, Any] = settings.LOGGING
    plain = config["formatters"]["plain"]
    assert config["handlers"]["console"]["formatter"] == "plain"
    formatter = logging.Formatter(plain["format"], plain.get("datefmt"))
    record = logging.LogRecord("openpso.test", logging.INFO, __file__, 1, "report 7 filed", None, None)
    line = formatter.format(record)
    match = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}) INFO openpso.test report 7 filed$", line)
    assert match, line
    stamp = datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S%z")
    assert abs(stamp.timestamp() - record.created) < 1


def test_a_newline_in_a_requested_path_cannot_forge_a_log_line(db, caplog):
    from django.test import Client

    with caplog.at_level(logging.WARNING, logger="django.request"):
        Client().get("/api/v1/reports/%0A2026-01-01T00:00:00+0000 INFO forged")
    lines = [logging.Formatter("%(message)s").format(r) for r in caplog.records if r.name == "django.request"]
    assert lines, "the refused request is logged"
    assert all("\n" not in line for line in lines), lines
    assert any("\\n2026" in line for line in lines), lines  # kept, escaped
