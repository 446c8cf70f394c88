"""Checking rows before anything is saved: every row that would fail, and why.

`check_row` is the one validation of a row, used by the dry run and by the import itself: the
mapping's own problems (an empty source id, a word not in the value table, a date not in the
mapping's format), then the report's rules as every filing checks them (`ReportIn` and the
Common Formats answers, `reporting.modules.check_answers`), each named by the export's column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import timezone
from pydantic import ValidationError

from openpso.organizations.models import Organization
from openpso.organizations.timezones import zone_of
from openpso.reporting.bulk_import.mapping import ImportMapping, RowProblem
from openpso.reporting.bulk_import.reader import Rows
from openpso.reporting.errors import ReportInvalid, field_errors
from openpso.reporting.modules import check_answers
from openpso.reporting.schemas import ReportIn

# The dry run keeps this many problems for the page and the job; the count goes on.
MAX_LISTED = 10_000


@dataclass(frozen=True)
class CheckedRow:
    number: int
    source_id: str
    data: ReportIn | None
    problems: list[RowProblem]
    modules: list[str] = field(default_factory=list)  # what `check_answers` found: filing needs them


def check_row(mapping: ImportMapping, row: dict[str, str], *, number: int, provider: Organization) -> CheckedRow:
    source_id, fields, problems = mapping.apply(row, number=number, provider=provider.slug)
    when = fields.get("discovered_at")
    if when is not None and timezone.is_naive(when):
        # The provider's local time, as ReportIn reads it, without its look-up of the provider per row.
        fields["discovered_at"] = timezone.make_aware(when, zone_of(provider))
    flagged = {p.column for p in problems}
    try:
        data = ReportIn.model_validate(fields)
    except ValidationError as exc:
        for error in field_errors(exc):
            column = mapping.column_of(error.field)
            if column not in flagged:
                problems.append(RowProblem(number, column, error.message))
        return CheckedRow(number, source_id, None, problems)
    modules: list[str] = []
    try:
        modules = check_answers(provider=provider, data=data)
    except ReportInvalid as exc:
        problems += [RowProblem(number, mapping.column_of(e.field), e.message) for e in exc.errors]
    return CheckedRow(number, source_id, None if problems else data, problems, modules)


@dataclass
class DryRun:
    rows: int = 0
    failing_rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    duplicate_ids: int = 0

    @property
    def ok(self) -> bool:
        return self.failing_rows == 0


def dry_run(mapping: ImportMapping, rows: Rows, *, provider: Organization) -> DryRun:
    """Check every row (nothing is saved); lists the first MAX_LISTED problems."""
    result = DryRun()
    missing = mapping.missing_columns(rows.header)
    if missing:
        result.problems = [RowProblem(1, c, "the mapping names this column but the file has none") for c in missing]
        result.failing_rows = 1
        return result
    seen: set[str] = set()
    for checked in _checked(mapping, rows, provider):
        result.rows += 1
        problems = list(checked.problems)
        if checked.source_id and checked.source_id in seen:
            result.duplicate_ids += 1
            problems.append(
                RowProblem(checked.number, mapping.column_of("source_id"), "this id is on an earlier row of the file")
            )
        seen.add(checked.source_id)
        if problems:
            result.failing_rows += 1
            room = MAX_LISTED - len(result.problems)
            result.problems += problems[: max(room, 0)]
    return result


def _checked(mapping: ImportMapping, rows: Rows, provider: Organization) -> Iterator[CheckedRow]:
    for number, row in rows.rows:
        yield check_row(mapping, row, number=number, provider=provider)
