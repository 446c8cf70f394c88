"""Later stages that must act when a report is filed, registered by name at start-up.

`reporting` imports no later stage (docs/decisions/0002-layout.md), yet functional
reporting to the PSO (issue 6) must see a report as soon as it is filed. A later app lists
its function here from its `AppConfig.ready`; `_create` calls each one explicitly after the
filing commits, with the report's id only. A failing hook never undoes a filing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

AfterFiling = Callable[[Any], None]
_after_filing: list[AfterFiling] = []


def register_after_filing(hook: AfterFiling) -> None:
    if hook not in _after_filing:
        _after_filing.append(hook)


def report_filed(report_id: Any) -> None:
    """Run every registered hook once the current transaction commits."""
    for hook in list(_after_filing):
        transaction.on_commit(lambda hook=hook: hook(report_id))  # type: ignore[misc]
