"""Issue 14 item 5: labels say what they are. Nothing a member reads claims Safe Harbor or an expert
determination it does not have; the pool is labelled as the PSO's protected, pseudonymised PSWP."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import openpso
from openpso.nonid.profiles import PSO_POOL, RELEASE
from openpso.nonid.release import POOL_LINE

ROOT = Path(openpso.__file__).parent
CLAIM = re.compile(r"safe.?harbou?r|expert determination", re.IGNORECASE)
# Pages that may name these words: the administrator's record of determinations says what one is.
MAY_NAME = {"nonid/templates/nonid/determinations.html"}
# Modules whose strings reach members (reports, evidence, benchmarks): none may claim either.
MEMBER_FACING = ("feedback", "analytics")


def test_no_template_claims_safe_harbor_or_an_expert_determination():
    found = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("templates/**/*.html")
        if CLAIM.search(path.read_text()) and str(path.relative_to(ROOT)) not in MAY_NAME
    ]
    assert found == []


def shown_strings(source: str) -> list[str]:
    """The string literals of a module that could reach a page: every one but the docstrings."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_member_facing_module_claims_safe_harbor_or_an_expert_determination():
    found = []
    for package in MEMBER_FACING:
        for path in (ROOT / package).rglob("*.py"):
            if "tests" in path.parts:
                continue
            found += [f"{path.relative_to(ROOT)}: {s}" for s in shown_strings(path.read_text()) if CLAIM.search(s)]
    assert found == []


def test_the_scan_finds_a_claim_in_a_string_but_not_in_a_docstring():
    source = '"""Safe Harbor is not claimed here."""\nLINE = "De-identified per Safe Harbor"\n'
    assert [s for s in shown_strings(source) if CLAIM.search(s)] == ["De-identified per Safe Harbor"]


def test_the_pool_is_labelled_protected_pseudonymised_pswp_and_claims_neither():
    assert POOL_LINE.startswith("Protected, pseudonymised PSWP — PSO internal (pso-pool/1)")
    assert "Not a release" in POOL_LINE
    assert not CLAIM.search(POOL_LINE)
    assert "no Safe Harbor or expert determination is claimed" in PSO_POOL.basis
    # release/1 is the removal method of 3.212(a)(2): it relies on no determination.
    assert "expert determination" not in RELEASE.basis.lower()
