"""Where the application code may use a construct that bypasses a framework defence.

Raw SQL, a shell, eval, unpickling, and markup marked safe each skip a protection Django or
Python gives by default (parameter binding, argument lists, autoescaping). docs/security.md
(ASVS V1) relies on every such use being one of the reviewed places below; a new one fails
here until it is reviewed and listed with its reason, and a listed one that goes away fails
too, so the list stays true. Tests, test helpers and migrations are not application code.
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]

PATTERNS = {
    "raw_sql": re.compile(r"\.raw\(|\.extra\(|\bRawSQL\b|\.cursor\(\)"),
    "shell": re.compile(r"shell\s*=\s*True|\bos\.system\(|\bos\.popen\("),
    "eval": re.compile(r"(?<![\w.])(eval|exec)\("),
    "unpickle": re.compile(r"\bpickle\.loads?\(|\byaml\.load\(|\bmarshal\.loads?\("),
    "marked_safe": re.compile(r"\bmark_safe\(|\|\s*safe\b|\bSafeString\("),
}

REVIEWED = {
    # Fixed statements with bound parameters; no request data is formatted into SQL.
    ("backup/postgres.py", "raw_sql"),  # pg_export_snapshot, table counts
    ("backup/sqlite.py", "raw_sql"),  # read-only counts of a backup copy
    ("backup/verify.py", "raw_sql"),  # counts after a restore
    ("core/views.py", "raw_sql"),  # /healthz: SELECT 1
    # The ledger's batch write: identifiers from the model's own metadata, quoted; values bound.
    ("pswp/guard.py", "raw_sql"),
    # The PSWP ledger's triggers: DDL built from the module's own constant names (no input at all).
    ("pswp/triggers.py", "raw_sql"),
    # Data files shipped inside installed packages, never anything a client sent.
    ("nonid/deid/lexicon.py", "unpickle"),
    ("reporting/drugs.py", "unpickle"),
    # Markup built on the server: charts escape every text from the data (analytics/charts.py,
    # analytics/tests/test_charts.py); a feedback report's HTML comes from our own autoescaped
    # templates (feedback/reports/actions.py).
    ("analytics/templates/analytics/dashboard.html", "marked_safe"),
    ("feedback/templates/feedback/report_body.html", "marked_safe"),
    ("feedback/reports/views.py", "marked_safe"),
}


def _application_files() -> list[Path]:
    skip = {"tests", "migrations", "testing", "__pycache__", "static"}
    return [
        path
        for path in sorted(PACKAGE.rglob("*"))
        if path.suffix in {".py", ".html"} and not skip & set(path.relative_to(PACKAGE).parts)
    ]


def _uses() -> set[tuple[str, str]]:
    found = set()
    for path in _application_files():
        text = path.read_text(encoding="utf-8")
        for name, pattern in PATTERNS.items():
            if pattern.search(text):
                found.add((path.relative_to(PACKAGE).as_posix(), name))
    return found


def test_the_scan_sees_the_application_code():
    files = {path.relative_to(PACKAGE).as_posix() for path in _application_files()}
    assert "reporting/actions.py" in files
    assert not any("/tests/" in f or "/migrations/" in f for f in files)


def test_raw_sql_shell_eval_unpickling_and_safe_markup_appear_only_where_reviewed():
    assert _uses() == REVIEWED


def test_the_patterns_catch_what_they_are_for():
    samples = {
        "raw_sql": 'Report.objects.raw("SELECT")',
        "shell": "subprocess.run(cmd, shell=True)",
        "eval": "eval(text)",
        "unpickle": "pickle.loads(body)",
        "marked_safe": "{{ narrative|safe }}",
    }
    for name, sample in samples.items():
        assert PATTERNS[name].search(sample), name
    assert not PATTERNS["eval"].search("literal_eval(text)")
