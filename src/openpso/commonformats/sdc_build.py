"""Generates `cfer-h-1.2/herf.json` and `cfer-h-1.2/medication.json` from HL7's SDC renderings.

Run `python -m openpso.commonformats.sdc_build` after changing `sdc_overlays`. Questions,
wording, linkIds and answer codes come from `data/hl7-sdc/` (AHRQ's own IDs); what we add is
in `sdc_overlays` (types, skip logic, help, identifier flags) and is written down in each
file's `source` and `notes`. The LOINC codes of the Medication form are matched here, item by
item and answer by answer, against the LOINC-coded rendering of the same form.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from openpso.commonformats.sdc_overlays import HERF, LOINC_WORDING, MEDICATION, Overlay

SDC_DIR = Path(__file__).resolve().parent / "data" / "hl7-sdc"
OUT_DIR = Path(__file__).resolve().parent / "data" / "cfer-h-1.2"
LOINC_FORM = "Questionnaire-questionnaire-sdc-profile-example-loinc.json"
_LOINC_CODE = re.compile(r"(\d{4,5}-\d)(?:-q)?$")
_ORDER = (
    "link_id", "de", "type", "text", "source_text", "loinc", "required", "repeats", "core", "identifying",
    "hidden", "prefill", "max_length", "help", "provisional", "note", "answers", "enable_when",
    "enable_behavior", "items",
)  # fmt: skip


_ANSWER_ORDER = (
    "code", "display", "system", "loinc", "definition", "provisional", "specify", "source_display", "enable_when",
    "maps_to",
)  # fmt: skip


def normalise(text: str) -> str:
    """Wording compared for meaning: case and runs of whitespace do not count."""
    return " ".join(text.split()).casefold()


def sdc(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SDC_DIR / name).read_text(encoding="utf-8"))
    return data


def code_systems(questionnaire: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The answer concepts of each coded item, by linkId, from the contained CodeSystems.

    Each item points at a contained ValueSet (`#d1e551-vs`) which includes a CodeSystem whose
    URL ends in `#<linkId>-cs`."""
    systems = {c["url"]: c["concept"] for c in questionnaire["contained"] if c["resourceType"] == "CodeSystem"}
    by_link: dict[str, list[dict[str, Any]]] = {}
    for url, concepts in systems.items():
        link_id = url.split("#", 1)[1].removesuffix("-cs")
        by_link[link_id] = concepts
    return by_link


def walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        out.append(item)
        out.extend(walk(item.get("item", [])))
    return out


def build(questionnaire: dict[str, Any], overlay: Overlay) -> list[dict[str, Any]]:
    concepts = code_systems(questionnaire)

    def convert(item: dict[str, Any]) -> dict[str, Any]:
        link_id = item["linkId"]
        out: dict[str, Any] = {"link_id": link_id, "type": item["type"]}
        if "text" in item:
            out["text"] = item["text"]
        match = re.search(r"/(DE\d+)[a-z]?$", link_id)
        if match:
            out["de"] = match.group(1)
        for flag in ("required", "repeats"):
            if item.get(flag):
                out[flag] = True
        answers = [_answer(c, overlay.answers.get((link_id, c["code"]), {})) for c in concepts.get(link_id, [])]
        if answers:
            out["answers"] = answers
            # Open-choice only where the list has an "Other: PLEASE SPECIFY" answer taking text.
            out["type"] = "open-choice" if any(a.get("specify") for a in answers) else "choice"
        if item.get("enableWhen"):
            out["enable_when"] = [_condition(c) for c in item["enableWhen"]]
            if item.get("enableBehavior"):
                out["enable_behavior"] = item["enableBehavior"]
        out.update(overlay.items.get(link_id, {}))
        children = [convert(i) for i in item.get("item", [])]
        if children:
            out["items"] = children
        return {k: out[k] for k in _ORDER if out.get(k) is not None}

    tree = [convert(i) for i in questionnaire["item"]]
    for link_id, parent, after in overlay.moves:
        moved = _pop(tree, link_id)
        siblings = _locate(tree, parent)["items"]
        siblings.insert(next(n for n, s in enumerate(siblings) if s["link_id"] == after) + 1, moved)
    return _prune(tree, overlay.drop)


def _prune(items: list[dict[str, Any]], drop: frozenset[str]) -> list[dict[str, Any]]:
    kept = []
    for item in items:
        if item["link_id"] in drop:
            continue
        if "items" in item:
            item["items"] = _prune(item["items"], drop)
        kept.append(item)
    return kept


def _condition(clause: dict[str, Any]) -> dict[str, Any]:
    answer = clause["answerCoding"]["code"] if "answerCoding" in clause else clause.get("answerBoolean")
    return {"question": clause["question"], "operator": clause["operator"], "answer": answer}


def _locate(items: list[dict[str, Any]], link_id: str) -> dict[str, Any]:
    for item in items:
        if item["link_id"] == link_id:
            return item
        if found := _locate_or_none(item.get("items", []), link_id):
            return found
    raise KeyError(link_id)


def _locate_or_none(items: list[dict[str, Any]], link_id: str) -> dict[str, Any] | None:
    try:
        return _locate(items, link_id)
    except KeyError:
        return None


def _pop(items: list[dict[str, Any]], link_id: str) -> dict[str, Any]:
    for n, item in enumerate(items):
        if item["link_id"] == link_id:
            return items.pop(n)
        if _locate_or_none(item.get("items", []), link_id):
            return _pop(item["items"], link_id)
    raise KeyError(link_id)


def _answer(concept: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"code": concept["code"], "display": concept["display"]}
    if concept.get("definition"):
        out["definition"] = concept["definition"]
    if re.fullmatch(r"A66|A1215", concept["code"]):  # "Other: PLEASE SPECIFY", "Other substance: PLEASE SPECIFY"
        out["specify"] = True
    out.update(extra)
    return out


def loinc_alignment(f8: dict[str, Any], loinc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Pairs F8-1.2 questions with the LOINC rendering's, in form order, and checks the pairing
    by wording: item text (ignoring case, whitespace, a trailing colon and "(if known)"), and
    each answer list answer by answer. Returns {our linkId: (item LOINC code, {A code: LA code})}
    and the LOINC linkId → our linkId map."""

    def questions(q: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            i
            for i in walk(q["item"])
            if i["type"] not in {"group", "display"}
            and not i["linkId"].endswith("/Other/Specify")
            and i["linkId"] not in MEDICATION.loinc_ignore
        ]

    ours, theirs = questions(f8), questions(loinc)
    if len(ours) != len(theirs):
        raise ValueError(f"F8 has {len(ours)} questions, the LOINC rendering {len(theirs)}")
    value_sets = {
        "#" + v["id"]: [c for inc in v["compose"]["include"] for c in inc["concept"]] for v in loinc["contained"]
    }
    f8_concepts = code_systems(f8)
    aligned: dict[str, Any] = {}
    link_map: dict[str, str] = {}
    for mine, other in zip(ours, theirs, strict=True):
        a, b = _bare(mine.get("text", "")), _bare(other.get("text", ""))
        if a != b and mine["linkId"] not in LOINC_WORDING:
            raise ValueError(f"{mine['linkId']} ({a!r}) does not match {other['linkId']} ({b!r})")
        code = _LOINC_CODE.search(other["linkId"])
        if code is None:
            raise ValueError(f"no LOINC code in {other['linkId']}")
        mine_answers = f8_concepts.get(mine["linkId"], [])
        other_answers = value_sets.get(other.get("answerValueSet", ""), [])
        answer_map: dict[str, str] = {}
        for x, y in zip(mine_answers, other_answers, strict=True):
            if _bare(x["display"]) != _bare(y["display"]) and (mine["linkId"], x["code"]) not in MEDICATION.answers:
                raise ValueError(f"{mine['linkId']} {x['code']} {x['display']!r} != {y['code']} {y['display']!r}")
            answer_map[x["code"]] = y["code"]
        aligned[mine["linkId"]] = (code.group(1), answer_map)
        if other["linkId"] != mine["linkId"]:
            link_map[other["linkId"]] = mine["linkId"]
        link_map[other["linkId"] + "/Other/Specify"] = mine["linkId"] + ":other"
    link_map.update(MEDICATION.loinc_groups)
    present = {i["linkId"] for i in walk(loinc["item"])}
    return aligned, {k: v for k, v in sorted(link_map.items()) if k in present}


def _bare(text: str) -> str:
    return normalise(text.replace("(if known)", "")).rstrip(":").strip()


def apply_loinc(items: list[dict[str, Any]], aligned: dict[str, Any]) -> None:
    for item in items:
        if item["link_id"] in aligned:
            code, answer_map = aligned[item["link_id"]]
            item.setdefault("loinc", code)
            for answer in item.get("answers", []):
                if answer["code"] in answer_map:
                    answer["loinc"] = answer_map[answer["code"]]
        apply_loinc(item.get("items", []), aligned)


def herf_definition() -> dict[str, Any]:
    items = build(sdc("Questionnaire-HERF-1.2.json"), HERF)
    return {**HERF.header, "items": items}


def medication_definition() -> dict[str, Any]:
    f8, loinc = sdc("Questionnaire-F8-1.2.json"), sdc(LOINC_FORM)
    items = build(f8, MEDICATION)
    aligned, link_map = loinc_alignment(f8, loinc)
    apply_loinc(items, aligned)
    header = dict(MEDICATION.header)
    renderings = [dict(r) for r in header.pop("renderings")]
    renderings[1]["link_ids"] = link_map
    return {**header, "renderings": renderings, "items": items}


def dump(definition: dict[str, Any]) -> str:
    """JSON with one answer or condition per line, so the files read (and diff) well."""
    return _dump(definition, 0) + "\n"


def _dump(value: Any, depth: int) -> str:
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict) and ("link_id" in value or "code" in value):
        order = _ORDER if "link_id" in value else _ANSWER_ORDER
        value = {k: value[k] for k in sorted(value, key=lambda k: order.index(k) if k in order else len(order))}
    if isinstance(value, dict) and value and not _is_leaf(value):
        body = ",\n".join(f"{inner}{json.dumps(k)}: {_dump(v, depth + 1)}" for k, v in value.items())
        return "{\n" + body + "\n" + pad + "}"
    if isinstance(value, list) and value and (_long(value) or any(isinstance(v, dict) for v in value)):
        return "[\n" + ",\n".join(inner + _dump(v, depth + 1) for v in value) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def _is_leaf(value: dict[str, Any]) -> bool:
    """An answer or a condition fits on one line."""
    return "code" in value or "question" in value


def _long(value: list[Any]) -> bool:
    return sum(len(str(v)) for v in value) > 100


def main() -> None:
    for name, definition in (("herf.json", herf_definition()), ("medication.json", medication_definition())):
        (OUT_DIR / name).write_text(dump(definition), encoding="utf-8")


if __name__ == "__main__":
    main()
