"""docs/security.md cannot drift from the suite.

Every `path::test_name` it cites must name a file that exists and defines that test, and every
ASVS 5.0 chapter V1–V17 must have its heading, so a renamed test or a dropped chapter fails here.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
DOC = REPO / "docs" / "security.md"
REFERENCE = re.compile(r"`([\w./-]+\.py)::(\w+)`")
CHAPTER = re.compile(r"^## V(\d+) \S", re.M)


def _references(text: str) -> list[tuple[str, str]]:
    return REFERENCE.findall(text)


@cache
def _functions(path: Path) -> frozenset[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return frozenset(node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef))


def _missing(references: list[tuple[str, str]]) -> list[str]:
    problems = []
    for relative, name in references:
        path = REPO / relative
        if not path.is_file():
            problems.append(f"{relative}: no such file")
        elif not name.startswith("test_") or name not in _functions(path):
            problems.append(f"{relative}::{name}: no such test")
    return problems


def test_every_test_the_document_cites_exists():
    references = _references(DOC.read_text(encoding="utf-8"))
    assert len(references) > 100  # the parse found the proofs, not nothing
    assert _missing(references) == []


def test_every_asvs_chapter_has_a_heading():
    chapters = {int(n) for n in CHAPTER.findall(DOC.read_text(encoding="utf-8"))}
    assert chapters == set(range(1, 18))


def test_the_check_finds_a_missing_file_and_a_missing_test():
    text = (
        "`src/openpso/core/tests/test_security_doc.py::test_every_asvs_chapter_has_a_heading` "
        "`src/openpso/core/tests/test_security_doc.py::test_that_was_renamed` "
        "`src/openpso/core/tests/test_gone.py::test_anything` "
        "`src/openpso/core/tests/test_security_doc.py::_functions`"
    )
    assert _missing(_references(text)) == [
        "src/openpso/core/tests/test_security_doc.py::test_that_was_renamed: no such test",
        "src/openpso/core/tests/test_gone.py: no such file",
        "src/openpso/core/tests/test_security_doc.py::_functions: no such test",
    ]
