"""Application log lines carry their UTC offset (docs/security.md, ASVS V16 log timestamps)."""

from __future__ import annotations

import logging
import logging.config
import re
from datetime import datetime

from django.conf import settings


def test_a_log_line_starts_with_an_iso_time_and_its_utc_offset():
    config = dict(settings.LOGGING, disable_existing_loggers=False)
    logging.config.dictConfig(config)
    formatter = logging.getLogger().handlers[0].formatter
    assert formatter is not None
    record = logging.LogRecord("openpso.test", logging.INFO, __file__, 1, "report 7 filed", None, None)
    line = formatter.format(record)
    match = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}) INFO openpso.test report 7 filed$", line)
    assert match, line
    stamp = datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S%z")
    assert abs(stamp.timestamp() - record.created) < 1
