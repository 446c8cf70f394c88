"""A mapping proposed from an export's headers and values, for the safety manager to confirm.

Headers are matched against the names incident systems use (Datix-style `Ref`, `Incident
date`, `Severity`; Verge and Quantros name theirs much alike); each distinct word in a coded
column gets the Common Formats code its words suggest, and the date format is the first that
reads every sampled date. Nothing here is final: the page shows every choice, the safety
manager corrects it, and only the confirmed mapping is saved. A word no rule recognises is
left out of the value table, so the dry run lists its rows rather than guessing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from openpso.reporting.bulk_import.mapping import CODED, ImportMapping
from openpso.reporting.bulk_import.reader import Rows

SAMPLE_ROWS = 2000
MAX_DISTINCT = 200

# Header names incident systems use for each field, `|`-separated, compared in lower case with
# punctuation as spaces (Datix's `inc_dincident` reads "inc dincident").
HEADER_NAMES: dict[str, str] = {
    "source_id": "ref|reference|id|incident id|incident ref|incident reference|incident number|event id|record id"
    "|record number|file number|inc id|case number",
    "event_type": "incident type|event type|type|report type|inc type|type of event",
    "categories": "category|categories|incident category|event category|inc category|type of incident",
    "category_other": "category other|other category|other details|category specify",
    "discovered_at": "incident date|event date|date of incident|date of event|date occurred|occurred date"
    "|inc dincident|date|occurrence date|discovered date",
    "discovered_time": "incident time|event time|time of incident|time|inc time|time occurred",
    "narrative": "description|incident description|details|what happened|brief description|narrative|summary"
    "|inc notes|event description|description of event",
    "location_detail": "exact location|location|location detail|inc locactual|specific location|location exact",
    "patient_age_years": "age|patient age|age at incident|age years|person age",
    "patient_sex": "gender|sex|patient gender|patient sex",
    "harm": "severity|harm|degree of harm|result|inc severity|harm level|actual harm|actual severity|outcome"
    "|level of harm",
    "reporter_role": "reporter role|reporter job title|job title|reporter type|reported by role|staff type"
    "|reporter position",
}

# Word stems that suggest a code, tried in order (the first match wins): (code, "stem|stem").
VALUE_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "event_type": (
        ("A6", "near miss|near-miss|nearmiss|prevented"),
        ("A9", "unsafe|hazard|condition"),
        ("A3", "incident|adverse|actual|event"),
    ),
    "categories": (
        ("A48", "fall|slip|trip"),
        ("A44", "device|equipment"),  # before medication: "medical device" is a device
        ("A54", "medic|drug|prescri|dispens"),
        ("A42", "transfus|blood"),
        ("A51", "infect"),
        ("A57", "perinatal|obstet|maternity|labour|labor"),
        ("A60", "pressure|ulcer|tissue viability"),
        ("A63", "surg|anaesth|anesth|procedure"),
        ("A64", "thrombo|embol|vte|dvt"),
        ("A66", "other"),
    ),
    "harm": (
        ("LA20747-4", "death|fatal|catastroph"),
        ("LA20748-2", "severe|major"),
        ("LA20749-0", "moderate"),
        ("LA21151-8", "no harm|none|insignificant"),
        ("LA21150-0", "mild|minor|low"),
        ("LA4489-6", "unknown|not known"),
    ),
    "patient_sex": (("F", "female"), ("M", "male"), ("UNK", "unknown|not known|other")),
}
SHORT_SEX = {"f": "F", "m": "M", "u": "UNK"}
DATE_FORMATS = ("%d/%m/%Y", "%m/%d/%Y", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%d-%b-%Y", "%d.%m.%Y", "%Y/%m/%d")


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.casefold()).split())


def propose_columns(header: list[str]) -> dict[str, str]:
    by_norm = {_norm(h): h for h in header}
    columns: dict[str, str] = {}
    used: set[str] = set()
    for field, names in HEADER_NAMES.items():
        for name in names.split("|"):
            column = by_norm.get(name)
            if column and column not in used:
                columns[field] = column
                used.add(column)
                break
    return columns


def propose_code(field: str, word: str) -> str | None:
    folded = " ".join(word.casefold().split())
    if field == "patient_sex" and folded in SHORT_SEX:
        return SHORT_SEX[folded]
    for code, stems in VALUE_RULES.get(field, ()):
        if any(stem in folded for stem in stems.split("|")):
            return code
    return None


def guess_date_format(samples: Iterable[str]) -> str:
    """The format that reads the most sampled dates (ISO 8601, "", when it reads as many): a
    wrong date in the export must not make the proposal miss the format of all the others."""
    texts = [s for s in samples if s]
    best, best_count = "", sum(_iso(s) for s in texts)
    for pattern in DATE_FORMATS:
        count = sum(_parses(s, pattern) for s in texts)
        if count > best_count:
            best, best_count = pattern, count
    return best


def propose(rows: Rows, *, source_system: str, sample: int = SAMPLE_ROWS) -> ImportMapping:
    """A mapping proposed from the header and the first `sample` rows."""
    columns = propose_columns(rows.header)
    distinct: dict[str, dict[str, None]] = {f: {} for f in CODED if f in columns}
    dates: list[str] = []
    separator = ";"
    for index, (_number, row) in enumerate(rows.rows):
        if index >= sample:
            break
        for field, seen in distinct.items():
            text = row.get(columns[field], "")
            if field == "categories" and "|" in text and ";" not in text:
                separator = "|"
            words = text.split(separator) if field == "categories" else [text]
            for word in words:
                word = " ".join(word.split())
                if word and len(seen) < MAX_DISTINCT:
                    seen[word] = None
        if "discovered_at" in columns and len(dates) < 200:
            dates.append(row.get(columns["discovered_at"], ""))
    values = {
        field: {word: code for word in seen if (code := propose_code(field, word)) is not None}
        for field, seen in distinct.items()
    }
    return ImportMapping(
        source_system=source_system,
        columns=columns,
        values={k: v for k, v in values.items() if v},
        date_format=guess_date_format(dates),
        list_separator=separator,
    )


def distinct_words(mapping: ImportMapping, rows: Rows, *, sample: int = SAMPLE_ROWS) -> dict[str, list[str]]:
    """The distinct words of each coded column in the first rows (for the confirmation page)."""
    found: dict[str, dict[str, None]] = {f: {} for f in CODED if f in mapping.columns}
    for index, (_number, row) in enumerate(rows.rows):
        if index >= sample:
            break
        for field, seen in found.items():
            text = row.get(mapping.columns[field], "")
            for word in text.split(mapping.list_separator) if field == "categories" else [text]:
                word = " ".join(word.split())
                if word and len(seen) < MAX_DISTINCT:
                    seen[word] = None
    return {f: list(seen) for f, seen in found.items()}


def _iso(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _parses(text: str, pattern: str) -> bool:
    try:
        dt.datetime.strptime(text, pattern)  # noqa: DTZ007  # only whether it parses
    except ValueError:
        return False
    return True
