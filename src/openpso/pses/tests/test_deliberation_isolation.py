"""DESIGN: nothing outside pses reads deliberations. They are PSWP (deliberation pathway,
42 CFR 3.20) and must never reach exports, reporter feedback or submissions to the PSO, so
no module outside `openpso/pses/` may import the model, and inside the PSES only the
deliberation modules may (everyone else goes through `pses.deliberations`)."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]  # src/openpso
PSES = PACKAGE / "pses"
# Any mention of the model or its module in an import, or a dotted reach into the module.
MENTIONS = re.compile(
    r"\bdeliberations\.models\b|^\s*(from|import)\b[^\n]*\bDeliberation\b|\bmodels\.Deliberation\b", re.M
)
# Outside pses, the deliberation services and pages are off limits as well.
SERVICES = re.compile(
    r"\bpses\.(deliberations|deliberation_\w+)\b|^\s*from openpso\.pses import[^\n]*\bdeliberation", re.M
)

# Inside pses: the deliberation feature itself (its sub-package), the line in pses/models.py that
# registers the model, and the cast fixtures; tests of deliberations and Just Culture too.
DELIBERATIONS = PSES / "deliberations"
ALLOWED_IN_PSES = {PSES / "models.py", PSES / "tests" / "fixtures.py"}


def _sources(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "migrations" not in p.parts)


def _offenders(paths: list[Path], *patterns: re.Pattern[str]) -> list[str]:
    patterns = patterns or (MENTIONS,)
    texts = {p: p.read_text(encoding="utf-8") for p in paths}
    return [str(p.relative_to(PACKAGE)) for p, text in texts.items() if any(r.search(text) for r in patterns)]


def test_the_scan_finds_the_modules_that_do_import_it():
    # The patterns are not blind: they find the real importers inside pses.
    assert "pses/deliberations/actions.py" in _offenders(_sources(PSES))
    assert "pses/deliberations/views.py" in _offenders(_sources(PSES), SERVICES)
    assert MENTIONS.search("from openpso.pses.models import Deliberation, SafetyEvent")
    assert SERVICES.search("from openpso.pses import deliberations, queries")


def test_no_module_outside_pses_imports_deliberations():
    outside = [p for p in _sources(PACKAGE) if PSES not in p.parents]
    assert outside, "nothing scanned"
    assert _offenders(outside, MENTIONS, SERVICES) == [], (
        "only openpso.pses may read deliberations (DESIGN; 42 CFR 3.20)"
    )


def test_inside_pses_only_the_deliberation_modules_import_the_model():
    inside = [
        p
        for p in _sources(PSES)
        if p not in ALLOWED_IN_PSES
        and DELIBERATIONS not in p.parents
        and not (p.parent.name == "tests" and p.name.startswith(("test_deliberation", "test_just_culture")))
    ]
    assert _offenders(inside) == [], "go through openpso.pses.deliberations (deliberations_for)"


def test_nothing_else_reaches_deliberations_through_a_reverse_relation():
    from openpso.pses.deliberations.models import Deliberation

    for field in Deliberation._meta.get_fields():
        if field.is_relation and field.many_to_one:
            assert field.remote_field.related_name == "+", f"{field.name} gives another model a way in"
