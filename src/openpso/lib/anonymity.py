"""`anonymous_time()`: the only clock reading an anonymous report may keep (DESIGN invariant 2).

A report filed without a name must not be re-identifiable by its timing: the filing, its ledger
entry, its submission, its receipt's audit events and lockouts are all dated to the hour, never
to the minute or second (even a ciphertext's own timestamp gave the second away once; see
docs/decisions/0015-aead-field-encryption.md). Every place that dates something about an
anonymous report calls this one function.
"""

from __future__ import annotations

import datetime as dt


def anonymous_time(moment: dt.datetime) -> dt.datetime:
    """`moment` truncated to the hour (in its own time zone; the minutes are dropped, not rounded)."""
    return moment.replace(minute=0, second=0, microsecond=0)
