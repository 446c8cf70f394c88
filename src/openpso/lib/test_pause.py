"""Test-only pauses that let a crash test kill a command at a known point (see `openpso.testing.crash`).

A command calls `pause_for_crash_test(NAME)` between units of work it has committed (or, for
the key rotation, with a batch written and not yet committed); the crash tests set the
environment variable NAME to the seconds to wait, and kill the command during the wait. Unset,
or under the production settings, it costs one dictionary look-up and never sleeps.
"""

from __future__ import annotations

import os
import time

from django.conf import settings


def pause_seconds(name: str) -> float:
    if getattr(settings, "PRODUCTION", False):
        return 0.0
    return float(os.environ.get(name) or 0)


def pause_for_crash_test(name: str) -> None:
    seconds = pause_seconds(name)
    if seconds:
        time.sleep(seconds)
