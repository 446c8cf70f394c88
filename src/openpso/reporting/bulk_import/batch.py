"""One batch of a bulk import, set-based: what filing its rows one by one would leave.

- Every row is checked in Python as the dry run checks it (`dry_run.check_row`: the mapping,
  `ReportIn`, the Common Formats answers); a refused row is listed with its column and reason.
- The keys of the whole batch (a digest of the provider, the source system and its id) are
  looked up in one query.
- The new rows are filed together by `reporting.actions.import_reports`: the reports and their
  history rows, the keys, the PSWP ledger's entries, `report.filed` and `report.imported` — one
  INSERT per table and one lock of the audit chain's head for them all.
- A row whose key is taken, by an earlier import or by an earlier row of the same batch, is
  compared with its report as before: left as it is, or its changed answers become a new
  version (`amend_answers`, decision 0013); a changed core field is listed, never overwritten.
  The new rows before it are filed first, so the chain holds every event in the file's order,
  exactly as one filing per row would.

The caller runs the batch in the transaction that also moves the job's checkpoint.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpso.audit.actor import Actor
from openpso.organizations.models import Organization
from openpso.reporting import queries
from openpso.reporting.actions import Incoming, import_reports
from openpso.reporting.answer_actions import amend_answers
from openpso.reporting.bulk_import.dry_run import CheckedRow, check_row
from openpso.reporting.bulk_import.mapping import ImportMapping, RowProblem
from openpso.reporting.models import EventReport, IdempotencyKey
from openpso.reporting.schemas import ReportIn

CREATED, AMENDED, UNCHANGED, FAILED = "created", "amended", "unchanged", "failed"
CORE_FIELDS = (
    "event_type",
    "categories",
    "category_other",
    "discovered_at",
    "narrative",
    "location_detail",
    "patient_age_years",
    "patient_sex",
    "harm",
)


def source_key(provider: Organization, source_system: str, source_id: str) -> str:
    """The row's idempotency key: the same export row always finds its first report."""
    return hashlib.sha256(f"bulk\x00{provider.pk}\x00{source_system}\x00{source_id}".encode()).hexdigest()


@dataclass
class BatchOutcome:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys((CREATED, AMENDED, UNCHANGED, FAILED), 0))
    problems: list[RowProblem] = field(default_factory=list)
    filed: list[uuid.UUID] = field(default_factory=list)  # the new reports, in the file's order

    def add(self, state: str, problems: Sequence[RowProblem] = ()) -> None:
        self.counts[state] += 1
        self.problems += problems


@dataclass
class _Batch:
    actor: Actor | None
    provider: Organization
    mapping: ImportMapping
    source_format: str
    known: dict[str, EventReport]  # key -> its report, filed before or in this batch
    outcome: BatchOutcome = field(default_factory=BatchOutcome)
    new: list[tuple[CheckedRow, str]] = field(default_factory=list)

    def file_new(self) -> None:
        """File the new rows gathered so far, together."""
        if not self.new:
            return
        incoming = [Incoming(data=row.data, modules=row.modules, source_key=key) for row, key in self.new if row.data]
        reports = import_reports(
            actor=self.actor, provider=self.provider, incoming=incoming, source_format=self.source_format
        )
        for (_row, key), report in zip(self.new, reports, strict=True):
            self.known[key] = report
            self.outcome.add(CREATED)
            self.outcome.filed.append(report.pk)
        self.new = []


def import_batch(
    *,
    actor: Actor | None,
    provider: Organization,
    mapping: ImportMapping,
    rows: Sequence[tuple[int, dict[str, str]]],
    file_format: str,
) -> BatchOutcome:
    """File, amend or leave each row of the batch; never raises for a row's own problems."""
    checked = [check_row(mapping, row, number=number, provider=provider) for number, row in rows]
    keys = [source_key(provider, mapping.source_system, row.source_id) if row.data else "" for row in checked]
    earlier = IdempotencyKey.objects.filter(key__in={key for key in keys if key}).select_related("report")
    batch = _Batch(actor, provider, mapping, f"bulk-{file_format}", known={k.key: k.report for k in earlier})
    pending: set[str] = set()
    for row, key in zip(checked, keys, strict=True):
        if row.data is None:
            batch.outcome.add(FAILED, row.problems)
        elif key in batch.known or key in pending:
            batch.file_new()  # an id repeated in the batch finds the report its first row filed
            pending.clear()
            state, problems = _amend(actor=actor, report=batch.known[key], data=row.data, row=row, mapping=mapping)
            batch.outcome.add(state, problems)
        else:
            batch.new.append((row, key))
            pending.add(key)
    batch.file_new()
    return batch.outcome


def _amend(
    *, actor: Actor | None, report: EventReport, data: ReportIn, row: CheckedRow, mapping: ImportMapping
) -> tuple[str, list[RowProblem]]:
    changed_core = [name for name in CORE_FIELDS if _differs(getattr(report, name), getattr(data, name))]
    current = queries.effective_answers(report)
    changes: dict[str, Any] = {k: v for k, v in data.answers.items() if current.get(k) != v}
    amendment = amend_answers(report=report, changes=changes, user=actor) if changes else None
    problems = [
        RowProblem(
            row.number,
            mapping.column_of(name),
            "changed since the first import; a filed report's core fields are not amended by an import "
            "(correct it in the PSES)",
        )
        for name in changed_core
    ]
    return (AMENDED if amendment else UNCHANGED), problems


def _differs(stored: Any, given: Any) -> bool:
    if given is None or given == "" or given == []:
        return stored not in (None, "", [])
    if hasattr(given, "tzinfo") and hasattr(stored, "tzinfo"):
        return bool(abs((stored - given).total_seconds()) >= 1)
    return bool(stored != given)
