"""Reads one definition file into a `FormDefinition`, failing loudly on anything malformed.

Every error names the file and the link_id, so a bad edit to a data file is found at start-up
(and by the test suite), not by a reporter half-way through a form.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from openpso.commonformats.model import (
    ANSWER_SYSTEMS,
    BEHAVIORS,
    CODED_TYPES,
    FORM_KINDS,
    ITEM_TYPES,
    OPERATORS,
    AnswerOption,
    Condition,
    ConditionValue,
    FormDefinition,
    Item,
    Rendering,
    Triggers,
    iter_items,
)

# A code may only look like a standard's code if it is one: AHRQ answer IDs (A…, UNK, M, F),
# LOINC answers (LA…), NEMSIS codes (7 digits); anything of ours is OPSO-… and provisional.
CODE_PATTERNS = {
    "ahrq": re.compile(r"A\d+|UNK|M|F"),
    "loinc": re.compile(r"LA\d+-\d"),
    "nemsis": re.compile(r"\d{7}"),
    "openpso": re.compile(r"OPSO-[A-Z0-9]+(-[A-Z0-9]+)*"),
}
LINK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*")

_FORM_KEYS = {
    "key", "family", "version", "form_id", "title", "kind", "source", "items", "loinc_panel",
    "extension", "provisional", "core_provisional", "notes", "triggers", "depends_on", "renderings",
}  # fmt: skip
_ITEM_KEYS = {
    "link_id", "type", "text", "de", "loinc", "nemsis", "required", "repeats", "core", "identifying",
    "hidden", "prefill", "max_length", "help", "provisional", "note", "source_text", "answers",
    "enable_when", "enable_behavior", "items",
}  # fmt: skip
_ANSWER_KEYS = {
    "code", "display", "system", "loinc", "definition", "provisional", "specify", "enable_when",
    "maps_to", "source_display",
}  # fmt: skip
_CONDITION_KEYS = {"question", "operator", "answer"}


class DefinitionError(ValueError):
    """A definition file is malformed; the message names the file and the link_id."""


def load_file(path: Path) -> FormDefinition:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DefinitionError(f"{path.name}: not valid JSON: {exc}") from exc
    return _Reader(path.name).form(raw)


class _Reader:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.key = ""
        self.seen: set[str] = set()

    def fail(self, where: str, message: str) -> DefinitionError:
        return DefinitionError(f"{self.filename}: {where}: {message}")

    def form(self, raw: Any) -> FormDefinition:
        if not isinstance(raw, dict):
            raise self.fail("(form)", "the file must hold one JSON object")
        self._keys(raw, _FORM_KEYS, "(form)", required={"key", "family", "version", "form_id", "title", "items"})
        self.key = raw["key"]
        kind = raw.get("kind", "module")
        if kind not in FORM_KINDS:
            raise self.fail("(form)", f"kind must be 'generic' or 'module', not {kind!r}")
        triggers = raw.get("triggers", {})
        self._keys(triggers, {"categories", "provider_types"}, "(form) triggers")
        form = FormDefinition(
            key=self.key,
            family=raw["family"],
            version=raw["version"],
            form_id=raw["form_id"],
            title=raw["title"],
            kind=kind,
            source=raw.get("source", ""),
            loinc_panel=raw.get("loinc_panel"),
            extension=bool(raw.get("extension", False)),
            provisional=bool(raw.get("provisional", False)),
            core_provisional=bool(raw.get("core_provisional", False)),
            notes=tuple(raw.get("notes", ())),
            triggers=Triggers(tuple(triggers.get("categories", ())), tuple(triggers.get("provider_types", ()))),
            depends_on=tuple(raw.get("depends_on", ())),
            renderings=tuple(self.rendering(r) for r in raw.get("renderings", ())),
            items=tuple(self.item(i, parent=None) for i in self._list(raw["items"], "(form) items")),
            path=self.filename,
        )
        if not form.source:
            raise self.fail("(form)", "source is required: cite where the codes came from")
        flagged = next((i.link_id for i in iter_items(form) if i.core is not None), None)
        if flagged is not None and not form.core_provisional:
            # The v2.0 data dictionary was not available: a core flag is our reading, and says so.
            raise self.fail(flagged, "a core flag needs the form marked core_provisional")
        return form

    def rendering(self, raw: Any) -> Rendering:
        self._keys(raw, {"url", "identifiers", "coding", "link_ids", "ignore"}, "(form) renderings", required={"url"})
        if raw.get("coding", "ahrq") not in {"ahrq", "loinc"}:
            raise self.fail("(form) renderings", f"coding must be 'ahrq' or 'loinc', not {raw['coding']!r}")
        return Rendering(
            url=raw["url"],
            identifiers=tuple(raw.get("identifiers", ())),
            coding=raw.get("coding", "ahrq"),
            link_ids=tuple(sorted(raw.get("link_ids", {}).items())),
            ignore=tuple(raw.get("ignore", ())),
        )

    def item(self, raw: Any, *, parent: str | None) -> Item:
        where = raw.get("link_id", "(item without link_id)") if isinstance(raw, dict) else "(item)"
        self._keys(raw, _ITEM_KEYS, where, required={"link_id", "type"})
        link_id, kind = raw["link_id"], raw["type"]
        if not isinstance(link_id, str) or not LINK_ID.fullmatch(link_id):
            raise self.fail(where, "link_id must be letters, digits and _ . / -")
        if link_id in self.seen:
            raise self.fail(link_id, "duplicate link_id")
        self.seen.add(link_id)
        if kind not in ITEM_TYPES:
            raise self.fail(link_id, f"unknown item type {kind!r}")
        answers = tuple(self.answer(a, link_id) for a in self._list(raw.get("answers", []), link_id))
        if kind in CODED_TYPES and not answers:
            raise self.fail(link_id, f"a {kind} item needs answers")
        if kind not in CODED_TYPES and answers:
            raise self.fail(link_id, f"a {kind} item cannot have answers")
        if len({a.code for a in answers}) != len(answers):
            raise self.fail(link_id, "duplicate answer code")
        if kind == "display" and raw.get("required"):
            raise self.fail(link_id, "a display item cannot be required")
        if raw.get("core") not in (None, True, False):
            raise self.fail(link_id, "core must be true, false or null")
        max_length = raw.get("max_length")
        if max_length is not None and (not isinstance(max_length, int) or max_length < 1):
            raise self.fail(link_id, "max_length must be a positive integer")
        behavior = raw.get("enable_behavior", "all")
        if behavior not in BEHAVIORS:
            raise self.fail(link_id, f"enable_behavior must be 'all' or 'any', not {behavior!r}")
        conditions = self.conditions(raw.get("enable_when", []), link_id)
        if behavior == "all" and len(conditions) > 1 and any(c.operator == "in" for c in conditions):
            # FHIR R4 cannot say "A and (B or C)" in one item; keep every definition exportable.
            raise self.fail(link_id, "'in' can be combined with other conditions only under enable_behavior 'any'")
        return Item(
            link_id=link_id,
            type=kind,
            text=raw.get("text", ""),
            de=raw.get("de"),
            loinc=raw.get("loinc"),
            nemsis=raw.get("nemsis"),
            required=bool(raw.get("required", False)),
            repeats=bool(raw.get("repeats", False)),
            core=raw.get("core"),
            identifying=bool(raw.get("identifying", False)),
            hidden=bool(raw.get("hidden", False)),
            prefill=raw.get("prefill"),
            max_length=max_length,
            help=raw.get("help", ""),
            provisional=bool(raw.get("provisional", False)),
            note=raw.get("note", ""),
            source_text=raw.get("source_text"),
            answers=answers,
            enable_when=conditions,
            enable_behavior=behavior,
            items=tuple(self.item(i, parent=link_id) for i in self._list(raw.get("items", []), link_id)),
            parent=parent,
            form_key=self.key,
        )

    def answer(self, raw: Any, link_id: str) -> AnswerOption:
        self._keys(raw, _ANSWER_KEYS, link_id, required={"code", "display"})
        code, system = raw["code"], raw.get("system", "ahrq")
        if system not in ANSWER_SYSTEMS:
            raise self.fail(link_id, f"answer {code!r}: unknown system {system!r}")
        if not isinstance(code, str) or not CODE_PATTERNS[system].fullmatch(code):
            raise self.fail(link_id, f"answer {code!r} does not look like a {system} code")
        provisional = bool(raw.get("provisional", False))
        if system == "openpso" and not provisional:
            raise self.fail(link_id, f"answer {code!r}: an OpenPSO code must be marked provisional")
        loinc = raw.get("loinc")
        if loinc is not None and not CODE_PATTERNS["loinc"].fullmatch(loinc):
            raise self.fail(link_id, f"answer {code!r}: {loinc!r} is not a LOINC answer code")
        return AnswerOption(
            code=code,
            display=raw["display"],
            system=system,
            loinc=loinc,
            definition=raw.get("definition", ""),
            provisional=provisional,
            specify=bool(raw.get("specify", False)),
            enable_when=self.conditions(raw.get("enable_when", []), f"{link_id} answer {code}"),
            maps_to=tuple(sorted(raw.get("maps_to", {}).items())),
            source_display=raw.get("source_display"),
        )

    def conditions(self, raw: Any, where: str) -> tuple[Condition, ...]:
        out = []
        for clause in self._list(raw, where):
            self._keys(clause, _CONDITION_KEYS, f"{where} enable_when", required={"question", "operator"})
            operator, answer = clause["operator"], clause.get("answer")
            if operator not in OPERATORS:
                raise self.fail(where, f"unknown enable_when operator {operator!r}")
            if operator == "in" and not (isinstance(answer, list) and answer):
                raise self.fail(where, "'in' needs a non-empty list of answers")
            if operator == "exists" and not isinstance(answer, bool):
                raise self.fail(where, "'exists' needs answer true or false")
            value: ConditionValue = tuple(answer) if isinstance(answer, list) else answer
            out.append(Condition(question=clause["question"], operator=operator, answer=value))
        return tuple(out)

    def _keys(
        self, raw: Any, allowed: set[str], where: str, *, required: frozenset[str] | set[str] = frozenset()
    ) -> None:
        if not isinstance(raw, dict):
            raise self.fail(where, "expected a JSON object")
        unknown = set(raw) - allowed
        if unknown:
            raise self.fail(where, f"unknown keys {sorted(unknown)}")
        missing = required - set(raw)
        if missing:
            raise self.fail(where, f"missing keys {sorted(missing)}")

    def _list(self, raw: Any, where: str) -> list[Any]:
        if not isinstance(raw, list):
            raise self.fail(where, "expected a JSON list")
        return raw
