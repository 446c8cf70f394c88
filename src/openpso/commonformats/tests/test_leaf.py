"""commonformats is a leaf (DESIGN.md): it imports no other OpenPSO app and no Django models."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_commonformats_imports_no_other_openpso_app_and_no_django_outside_its_app_config():
    for path in PACKAGE.rglob("*.py"):
        for module in _imports(path):
            if module.startswith("openpso."):
                assert module.startswith("openpso.commonformats"), f"{path.name} imports {module}"
            if module.startswith("django"):
                assert path.name == "apps.py", f"{path.name} imports {module}"
