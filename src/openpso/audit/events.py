"""The names an audit event is filed under: typed actions and object types.

Each app lists the actions it records in its own `events.py`, one `AuditAction` subclass
whose values are the strings stored in `AuditEvent.action` ("submission.received"). The
values are the stored data: renaming a member is free, changing a value splits the trail's
history (searches, exports and docs compare these strings), so a value never changes.

`object_type_of` names the object an event is about the way every stored row names it: the
model's `app_label.modelname`. Objects that are not rows (a backup, a lake drill-down) keep a
named constant in their app's `events.py`.
"""

from __future__ import annotations

import re
from enum import StrEnum

from django.db import models

# What every action looks like: dotted lower-case words, a noun then a verb ("report.viewed").
# `trail.record` refuses anything else, and the audit tests hold every app's values to it.
ACTION_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")


class AuditAction(StrEnum):
    """Base of an app's audit actions. A member is a `str` equal to its value, so rows stored
    before the enums, filters and comparisons with plain strings all keep working."""


def object_type_of(model: type[models.Model] | models.Model) -> str:
    """The `object_type` of events about `model` (a model class or one of its rows)."""
    return model._meta.label_lower
