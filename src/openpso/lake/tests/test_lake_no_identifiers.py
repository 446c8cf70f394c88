"""Issue 6: no identifier planted in the demo's events appears anywhere in the lake.

Every column of every Parquet file is read back and stringified; every planted value —
narrative PHI with its gold spans, provider, system and unit names, staff and reporter
names and e-mails, exact dates and times, event ids, a date of birth, a ZIP code, a device
identifier — is looked for as a whole word.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from openpso.lake.aggregates import AGGREGATES
from openpso.lake.files import lake_dir
from openpso.lake.refresh import refresh_lake
from openpso.nonid.tests.pipeline_fixtures import build_pool, planted_ages, planted_numbers, planted_values

pytestmark = pytest.mark.django_db


def _stringify(value: object) -> list[str]:
    if isinstance(value, list):
        return [s for item in value for s in _stringify(item)]
    return [] if value is None else [str(value)]


def lake_text(root: Path) -> dict[str, str]:
    """Every value of every column of every file, one haystack per file and column."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*.parquet")):
        table = pq.read_table(path)
        for name in table.column_names:
            values = [s for value in table.column(name).to_pylist() for s in _stringify(value)]
            found[f"{path.relative_to(root)}:{name}"] = "\n".join(values)
    return found


def leaks(
    haystacks: dict[str, str],
    values: set[str],
    ages: frozenset[str] | set[str] = frozenset(),
    numbers: frozenset[str] | set[str] = frozenset(),
) -> dict[str, list[str]]:
    # Longest first, so "Jan 16" is reported rather than a shorter value inside it. An age
    # counts only written as one ("95 yo", "95-year-old"), a short number only after a cue
    # ("rm 120", "at 0323"): a bare 100 or 1000 is also a dose.
    words = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    aged = "|".join(re.escape(v) + r"(?:\s*|-)(?:yo|y/o|y\.o\.|years?|yrs?)\b" for v in sorted(ages))
    cued = "|".join(
        r"(?i:rm|room|bed|bay|at|@|#)\.?\s*" + re.escape(v) + r"(?!\s*(?i:ml|mg|mcg|units?|/))" for v in sorted(numbers)
    )
    pattern = re.compile(r"(?<![\w])(" + "|".join(p for p in (words, aged, cued) if p) + r")(?![\w])")
    return {where: sorted(set(pattern.findall(text))) for where, text in haystacks.items() if pattern.search(text)}


def test_no_planted_identifier_reaches_any_column_of_any_file():
    pool = build_pool(events=400)
    summary = refresh_lake()
    assert summary.added == 400
    haystacks = lake_text(lake_dir(pool.pso.slug))
    assert {where.split("/")[0] for where in haystacks} == {
        "events",
        "contributing_factors",
        "actions",
        "providers",
        "denominators",
        *AGGREGATES,
    } - {"denominators"}  # the pool has no denominators
    assert leaks(haystacks, planted_values(pool), planted_ages(pool), planted_numbers(pool)) == {}


def test_the_scan_finds_a_planted_value_where_one_is_left():
    where = "events/month=2025-01/part.parquet:narrative"
    haystacks = {where: "Lambert Edgerton saw the 95 yo in rm 120 at 01:15; 100 mg, ran at 120 mL/hr"}
    found = leaks(haystacks, {"Lambert Edgerton", "01:15", "Edgerton Lambert"}, {"95", "100"}, {"120", "100"})
    assert found == {where: ["01:15", "95 yo", "Lambert Edgerton", "rm 120"]}
