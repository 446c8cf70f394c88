"""Later stages that must act when a report is filed or read across providers, registered at start-up.

`reporting` imports no later stage (docs/decisions/0002-layout.md), yet functional
reporting to the PSO (issue 6) must see a report as soon as it is filed. A later app lists
its function here from its `AppConfig.ready`; `_create` calls each one explicitly after the
filing commits, with the report's id only. A failing hook never undoes a filing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

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


class OversightRead(Protocol):
    def __call__(self, user: Any, report: Any, *, via: str) -> None: ...


_oversight_reads: list[OversightRead] = []


def register_oversight_read(hook: OversightRead) -> None:
    if hook not in _oversight_reads:
        _oversight_reads.append(hook)


def oversight_read(user: Any, report: Any, *, via: str) -> None:
    """A health-system officer read an affiliate's identified report: a disclosure under
    42 CFR 3.206(b)(4)(iii) (PSA_AFFILIATED), which `pswp` logs. Runs now, in the read's
    transaction: a read whose disclosure cannot be logged must not be served. Called only
    by `actions.record_read`, the one path of the page and the API; `via` names which."""
    for hook in list(_oversight_reads):
        hook(user, report, via=via)
