"""Only the PSO's logged re-identification maps a pool code back to a provider (issue 14 item 6).

The rest of the code base goes provider → code (`provider_pseudonym(s)`); a look-up from the code
side anywhere else would be a re-identification outside the audit trail. This reads the source:
every module that touches the `ProviderPseudonym` table, and every filter on its `code`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import openpso

ROOT = Path(openpso.__file__).parent
ALLOWED = {"nonid/models.py", "nonid/pseudonyms.py"}


def _sources() -> list[tuple[str, str]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or "/migrations/" in rel:
            continue
        found.append((rel, path.read_text()))
    return found


def test_no_module_but_the_pseudonyms_service_reads_the_code_table():
    users = {rel for rel, text in _sources() if "ProviderPseudonym" in text}
    assert users <= ALLOWED, users - ALLOWED


def test_only_reidentify_selects_a_provider_by_its_code():
    tree = ast.parse((ROOT / "nonid/pseudonyms.py").read_text())
    selecting: set[str] = set()
    for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
            by_code = any(k.arg is not None and k.arg.split("__")[0] == "code" for k in call.keywords)
            if by_code and isinstance(call.func, ast.Attribute) and call.func.attr in {"filter", "get", "exclude"}:
                selecting.add(function.name)
    assert selecting == {"reidentify"}
