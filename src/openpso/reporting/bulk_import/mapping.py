"""The column and value mapping of one provider's incident system export (docs/interchange.md).

A mapping is JSON, saved per provider and source system once the safety manager confirms it:

    {"format": "openpso.import-mapping/1", "source_system": "datix",
     "columns": {"source_id": "Ref", "event_type": "Type", "categories": "Category", ...},
     "answers": {"Fall/injury": "Injury"},
     "values": {"event_type": {"Incident": "A3"}, "categories": {"Slips, trips and falls": "A48"}, ...},
     "date_format": "%d/%m/%Y", "list_separator": ";"}

`columns` names the export's column for each report field (`source_id`, the source system's own
id, is required: it is what makes a re-import idempotent); `answers` maps Common Formats linkIds
to columns; `values` maps the export's words to Common Formats codes per field (`answers.<linkId>`
for an answer), matched without regard to case or surrounding spaces. A cell that already holds
the code is taken as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from openpso.commonformats.definitions import herf_core

_HERF = herf_core()
_CODES = {
    name: _HERF[element].codes
    for name, element in {"event_type": "DE3", "categories": "DE21", "harm": "PIF/harm", "patient_sex": "DE42"}.items()
}
FORMAT = "openpso.import-mapping/1"
SOURCE_ID = "source_id"
# Report fields a column may fill (ReportIn's names), and the extra time-of-day column.
FIELDS = (
    SOURCE_ID,
    "event_type",
    "categories",
    "category_other",
    "discovered_at",
    "discovered_time",
    "narrative",
    "location_detail",
    "patient_age_years",
    "patient_sex",
    "harm",
    "reporter_role",
)
REQUIRED = (SOURCE_ID, "event_type", "categories", "discovered_at", "narrative")
CODED = ("event_type", "categories", "harm", "patient_sex")
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H%M")


class MappingInvalid(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class RowProblem:
    """Why a row cannot be imported: the export's column (or the field) and the reason."""

    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


def _folded(values: Mapping[str, str]) -> dict[str, str]:
    return {" ".join(k.split()).casefold(): v for k, v in values.items()}


@dataclass(frozen=True)
class ImportMapping:
    source_system: str
    columns: dict[str, str]
    answers: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_format: str = ""
    list_separator: str = ";"

    @classmethod
    def from_json(cls, data: Any) -> ImportMapping:
        """Read a mapping; raises MappingInvalid naming each problem."""
        if not isinstance(data, Mapping):
            raise MappingInvalid(["the mapping must be a JSON object"])
        problems = []
        if data.get("format", FORMAT) != FORMAT:
            problems.append(f"format: must be {FORMAT!r}")
        source_system = data.get("source_system")
        if not isinstance(source_system, str) or not source_system.strip():
            problems.append("source_system: name the system the export comes from (e.g. 'datix')")
        columns = _str_map(data.get("columns", {}), "columns", problems)
        unknown = sorted(set(columns) - set(FIELDS))
        if unknown:
            problems.append(f"columns: not report fields: {', '.join(unknown)} (fields: {', '.join(FIELDS)})")
        missing = [f for f in REQUIRED if not columns.get(f)]
        if missing:
            problems.append(f"columns: name the export's column for {', '.join(missing)}")
        answers = _str_map(data.get("answers", {}), "answers", problems)
        raw_values = data.get("values", {})
        values: dict[str, dict[str, str]] = {}
        if not isinstance(raw_values, Mapping):
            problems.append("values: must map each field to {export word: code}")
        else:
            for name, table in raw_values.items():
                values[str(name)] = _str_map(table, f"values.{name}", problems)
        date_format = data.get("date_format", "")
        if not isinstance(date_format, str):
            problems.append("date_format: must be a strftime pattern such as '%d/%m/%Y'")
        separator = data.get("list_separator", ";")
        if not isinstance(separator, str) or not separator:
            problems.append("list_separator: must be a character such as ';'")
        if problems:
            raise MappingInvalid(problems)
        return cls(
            source_system=str(source_system).strip(),
            columns=columns,
            answers=answers,
            values=values,
            date_format=str(date_format),
            list_separator=str(separator),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "source_system": self.source_system,
            "columns": dict(self.columns),
            "answers": dict(self.answers),
            "values": {k: dict(v) for k, v in self.values.items()},
            "date_format": self.date_format,
            "list_separator": self.list_separator,
        }

    def missing_columns(self, header: list[str]) -> list[str]:
        present = set(header)
        named = [*self.columns.values(), *self.answers.values()]
        return sorted({c for c in named if c and c not in present})

    def column_of(self, name: str) -> str:
        """The export's column behind a report field or `answers.<linkId>` (for messages)."""
        if name.startswith("answers."):
            link_id = name.removeprefix("answers.").removesuffix(":other")
            return self.answers.get(link_id, name)
        if name == "discovered_at" and "discovered_time" in self.columns:
            return f"{self.columns['discovered_at']} + {self.columns['discovered_time']}"
        return self.columns.get(name.split(".")[0], name)

    def apply(
        self, row: Mapping[str, str], *, number: int, provider: str
    ) -> tuple[str, dict[str, Any], list[RowProblem]]:
        """(source id, the report's fields for ReportIn, problems) for one row."""
        problems: list[RowProblem] = []

        def cell(name: str) -> str:
            column = self.columns.get(name)
            return row.get(column, "") if column else ""

        def bad(name: str, reason: str) -> None:
            problems.append(RowProblem(number, self.column_of(name), reason))

        source_id = cell(SOURCE_ID)
        if not source_id:
            bad(SOURCE_ID, "the source system's id is empty: a row without it cannot be imported idempotently")
        fields: dict[str, Any] = {"provider": provider}
        for name in ("category_other", "narrative", "location_detail", "reporter_role"):
            if name in self.columns:
                fields[name] = cell(name)
        for name in ("event_type", "harm", "patient_sex"):
            if name in self.columns:
                fields[name] = self.code(name, cell(name), bad)
        if "categories" in self.columns:
            words = [w for w in cell("categories").split(self.list_separator) if w.strip()]
            fields["categories"] = [self.code("categories", w, bad) for w in words]
        if "patient_age_years" in self.columns:
            age = cell("patient_age_years")
            if age:
                try:
                    fields["patient_age_years"] = int(float(age))
                except ValueError:
                    bad("patient_age_years", "the age is not a number of years")
        if "discovered_at" in self.columns:
            when = self.when(cell("discovered_at"), cell("discovered_time"))
            if when is None:
                shown = self.date_format or "ISO 8601 (2024-03-07 or 2024-03-07T14:30)"
                bad("discovered_at", f"not a date in the mapping's format ({shown})")
            else:
                fields["discovered_at"] = when
        answers: dict[str, Any] = {}
        for link_id, column in self.answers.items():
            text = row.get(column, "")
            if text:
                answers[link_id] = self.code(f"answers.{link_id}", text, bad, required=False)
        fields["answers"] = answers
        return source_id, fields, problems

    def code(self, name: str, text: str, bad: Any, *, required: bool = True) -> str:
        """The Common Formats code for an export's word (the word itself when no table has it)."""
        text = " ".join(text.split())
        if not text:
            return ""
        table = _folded(self.values.get(name, {}))
        found = table.get(text.casefold())
        if found is not None:
            return found
        if text in _CODES.get(name, ()):
            return text
        if required and name in CODED and self.values.get(name):
            bad(name, f"{text[:40]!r} is not in the mapping's values for this column")
        return text

    def when(self, date_text: str, time_text: str) -> dt.datetime | None:
        date_text = date_text.strip()
        if not date_text:
            return None
        parsed: dt.datetime | None = None
        if self.date_format:
            try:
                # Naive on purpose: ReportIn reads a time without an offset as the provider's local time.
                parsed = dt.datetime.strptime(date_text, self.date_format)  # noqa: DTZ007
            except ValueError:
                parsed = None
        if parsed is None:
            try:
                parsed = dt.datetime.fromisoformat(date_text)
            except ValueError:
                return None
        if time_text.strip():
            for pattern in TIME_FORMATS:
                try:
                    clock = dt.datetime.strptime(time_text.strip(), pattern).time()  # noqa: DTZ007
                except ValueError:
                    continue
                return dt.datetime.combine(parsed.date(), clock, parsed.tzinfo)
            return None
        return parsed


def _str_map(value: Any, where: str, problems: list[str]) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        problems.append(f"{where}: must be an object of text to text")
        return {}
    return dict(value)
