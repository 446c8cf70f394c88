"""The catalogue of Common Formats definitions: every file under `data/`, loaded once.

Adding a module is adding a file: `data/<family>-<version>/<name>.json` is picked up here,
checked (each skip-logic reference must resolve, none may loop) and offered to reporting
through `modules_for`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from openpso.commonformats.loader import DefinitionError, load_file
from openpso.commonformats.model import FormDefinition, Item, iter_items

DATA_DIR = Path(__file__).resolve().parent / "data"
# Source material kept beside the definitions (FHIR renderings by HL7), not definitions.
_SOURCE_DIRS = frozenset({"hl7-sdc"})


@cache
def catalogue() -> dict[str, FormDefinition]:
    """Every form definition, by key (e.g. "cfer-h-1.2/medication")."""
    forms: dict[str, FormDefinition] = {}
    for path in sorted(DATA_DIR.glob("*/*.json")):
        if path.parent.name in _SOURCE_DIRS:
            continue
        definition = load_file(path)
        expected = f"{path.parent.name}/{path.stem}"
        if definition.key != expected:
            raise DefinitionError(f"{path.name}: (form): key {definition.key!r} must match its path {expected!r}")
        forms[definition.key] = definition
    for definition in forms.values():
        _check_references(definition, forms)
    return forms


def form(key: str) -> FormDefinition:
    try:
        return catalogue()[key]
    except KeyError:
        raise KeyError(f"no Common Formats definition {key!r}") from None


def modules_for(
    *, categories: list[str], provider_type: str | None = None, version: str = "1.2"
) -> list[FormDefinition]:
    """The event modules a report needs: those its DE21 categories trigger (in the order the
    categories were given), then OpenPSO extension modules triggered by the provider type."""
    chosen: list[tuple[int, str, FormDefinition]] = []
    for definition in catalogue().values():
        if definition.kind != "module":
            continue
        hits = [categories.index(c) for c in definition.triggers.categories if c in categories]
        if hits and (definition.extension or (definition.family == "cfer-h" and definition.version == version)):
            chosen.append((min(hits), definition.key, definition))
        elif provider_type is not None and provider_type in definition.triggers.provider_types:
            chosen.append((len(categories), definition.key, definition))
    return [definition for _, _, definition in sorted(chosen, key=lambda entry: entry[:2])]


def find_item(definition: FormDefinition, link_id: str) -> Item | None:
    """The item with this link_id in the form or in a form its skip logic reads."""
    for candidate in (definition, *(catalogue()[k] for k in definition.depends_on if k in catalogue())):
        if candidate.has_item(link_id):
            return candidate.item(link_id)
    return None


def _check_references(definition: FormDefinition, forms: dict[str, FormDefinition]) -> None:
    scope = [definition, *(forms[k] for k in definition.depends_on if k in forms)]
    missing = [k for k in definition.depends_on if k not in forms]
    if missing:
        raise DefinitionError(f"{definition.path}: (form): depends_on names unknown forms {missing}")

    def resolve(link_id: str, where: str) -> Item:
        for candidate in scope:
            if candidate.has_item(link_id):
                return candidate.item(link_id)
        raise DefinitionError(f"{definition.path}: {where}: enable_when refers to unknown question {link_id!r}")

    for item in iter_items(definition):
        conditions = [*item.enable_when, *(c for a in item.answers for c in a.enable_when)]
        for condition in conditions:
            target = resolve(condition.question, item.link_id)
            if not target.is_question:
                raise DefinitionError(f"{definition.path}: {item.link_id}: enable_when refers to {target.type} item")
            wanted = condition.answer if isinstance(condition.answer, tuple) else (condition.answer,)
            if target.answers and condition.operator != "exists":
                unknown = [code for code in wanted if code not in target.codes]
                if unknown:
                    raise DefinitionError(
                        f"{definition.path}: {item.link_id}: enable_when uses codes {unknown} "
                        f"that {condition.question} does not offer"
                    )
    _check_no_cycles(definition)


def _check_no_cycles(definition: FormDefinition) -> None:
    """Skip logic must not loop: an item cannot depend, through conditions or parents, on itself."""
    depends: dict[str, set[str]] = {}
    for item in iter_items(definition):
        deps = {c.question for c in item.enable_when}
        if item.parent is not None:
            deps.add(item.parent)
        depends[item.link_id] = {d for d in deps if definition.has_item(d)}
    state: dict[str, int] = {}

    def visit(link_id: str) -> None:
        if state.get(link_id) == 2:
            return
        if state.get(link_id) == 1:
            raise DefinitionError(f"{definition.path}: {link_id}: enable_when forms a cycle")
        state[link_id] = 1
        for dep in depends.get(link_id, ()):
            visit(dep)
        state[link_id] = 2

    for link_id in depends:
        visit(link_id)
