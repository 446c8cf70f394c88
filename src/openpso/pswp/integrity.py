"""Does every artefact hold the status its ledger says? (`openpso audit verify`)

See docs/decisions/0009-pswp-ledger-and-pses.md.

The triggers (`pswp.triggers`) stop a write that goes around the ledger; this check finds
what they cannot stop or did not see: triggers dropped by someone with the database
owner's rights, a ledger row deleted, a row written to the ledger without its status, or
data from before the guard existed. For every artefact of a `LedgerGuardedModel`:

- with ledger rows, its `pswp_status` and `pswp_status_at` equal its newest row's `to_status`
  and `at`, each row is an allowed transition and starts where the one before it ended;
- without any, it holds a status it may start in (`""`, or one of
  `ALLOWED_TRANSITIONS[NO_STATUS]`): an entry the ledger records on the first change
  (`ledger._from_status`), as for reports made before the ledger existed, or seeded in bulk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from openpso.pswp.guard import LedgerGuardedModel
from openpso.pswp.models import PswpTransition
from openpso.pswp.status import ALLOWED_TRANSITIONS, NO_STATUS
from openpso.pswp.triggers import missing_triggers

INITIAL = frozenset({NO_STATUS, *ALLOWED_TRANSITIONS[NO_STATUS]})


@dataclass
class Verdict:
    checked: int = 0
    unrecorded: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _last_rows(content_type: ContentType, label: str, verdict: Verdict) -> dict[str, tuple[str, dt.datetime]]:
    """Each artefact's newest ledger row (status and time); broken chains go to `verdict`."""
    last: dict[str, tuple[str, dt.datetime]] = {}
    rows = (
        PswpTransition.objects.filter(content_type=content_type)
        .order_by("id")
        .values_list("id", "object_id", "from_status", "to_status", "at")
    )
    for row_id, object_id, before, after, at in rows.iterator(chunk_size=5000):
        if after not in ALLOWED_TRANSITIONS.get(before, frozenset()):
            verdict.problems.append(f"{label} {object_id}: ledger row {row_id} goes from {before!r} to {after!r}")
        elif object_id in last and last[object_id][0] != before:
            verdict.problems.append(
                f"{label} {object_id}: ledger row {row_id} starts at {before!r}, "
                f"the row before it ended at {last[object_id][0]!r}"
            )
        last[object_id] = (after, at)
    return last


def _check_model(model: type[Any], verdict: Verdict) -> None:
    label = model._meta.label_lower
    last = _last_rows(ContentType.objects.get_for_model(model), label, verdict)
    artefacts = model._base_manager.order_by().values_list("pk", "pswp_status", "pswp_status_at")
    for pk, status, at in artefacts.iterator(chunk_size=5000):
        verdict.checked += 1
        newest = last.get(str(pk))
        if newest is None:
            if status in INITIAL:
                verdict.unrecorded += 1
            else:
                verdict.problems.append(f"{label} {pk}: status {status!r} without any ledger row")
        elif newest[0] != status:
            verdict.problems.append(f"{label} {pk}: status {status!r}, but its last ledger row says {newest[0]!r}")
        elif newest[1] != at:
            verdict.problems.append(
                f"{label} {pk}: status time {at:%Y-%m-%d %H:%M:%S}, "
                f"but its last ledger row says {newest[1]:%Y-%m-%d %H:%M:%S}"
            )


def verify_ledger() -> Verdict:
    verdict = Verdict()
    missing = missing_triggers(connection)
    if missing:
        verdict.problems.append(
            f"PSWP ledger guard missing in the database: triggers {', '.join(sorted(missing))} "
            "(`openpso migrate` reinstalls them)"
        )
    for model in apps.get_models():
        if issubclass(model, LedgerGuardedModel):
            _check_model(model, verdict)
    return verdict
