"""A released event as an HL7 CDA R2 document for the national database (the PSOPPC).

The PSOPPC takes AHRQ Common Formats from PSOs as CDA R2 documents under its own implementation
guide (document, section and entry templates, AHRQ OIDs, succession, file limits). That guide is
not public, so this document follows CDA R2 itself and marks what stands in for the guide:

- template ids are OpenPSO's, PROVISIONAL: each `templateId` says so in `assigningAuthorityName`
  and a comment beside it; replace them with the guide's when the PSO has it;
- AHRQ publishes no OIDs we could verify for its data-element and answer IDs, so those code
  systems (and OpenPSO's own: extension codes, RCA² actions, provider codes) are `2.25` OIDs
  made from their OpenPSO URNs (ITU-T X.667: a UUID as an OID, no registration), also
  provisional. LOINC question and answer codes use LOINC's OID.

The document: header with the PSO-assigned provider code as author, the PSO as custodian, a
patient known only by sex (no patient at all for an unsafe condition), `setId` and
`versionNumber`, and `relatedDocument typeCode="RPLC"` naming the document a resubmission
replaces; a body of coded entries: the event (type, categories, harm, discovery year, age band,
peer attributes), one section per Common Formats form answered, and the analysis (contributing
factors and RCA² actions, OpenPSO's codes). Each section has a plain list as its narrative.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from openpso.commonformats.catalogue import catalogue
from openpso.commonformats.definitions import UNSAFE_CONDITION, herf_core
from openpso.commonformats.factors import FACTORS_ITEM, factor_words
from openpso.commonformats.fhir import AHRQ_ANSWER, AHRQ_DATA_ELEMENT, NEMSIS, OPENPSO_EXTENSION
from openpso.commonformats.model import AnswerOption, Item, iter_items
from openpso.commonformats.rca2 import ACTION_HIERARCHY, ACTION_STATUS_LABELS, STRENGTH_LABELS, ActionStatus
from openpso.lake.exports.released import ReleasedAction, ReleasedEvent

V3 = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ET.register_namespace("xsi", XSI)  # a name for readers; any prefix bound to XSI validates

LOINC = ("2.16.840.1.113883.6.1", "LOINC")
GENDER_SYSTEM = "2.16.840.1.113883.5.1"  # HL7 AdministrativeGender
CONFIDENTIALITY_SYSTEM = "2.16.840.1.113883.5.25"
PROVISIONAL = "OpenPSO (PROVISIONAL: the PSOPPC implementation guide is not public)"


def provisional_oid(urn: str) -> str:
    """A `2.25` OID for one of OpenPSO's URNs (UUID v5 of the URN, X.667): stable, unregistered."""
    return f"2.25.{uuid.uuid5(uuid.NAMESPACE_URL, urn).int}"


AHRQ_ELEMENT_SYSTEM = (provisional_oid(AHRQ_DATA_ELEMENT), "AHRQ Common Formats data element (provisional OID)")
ANSWER_SYSTEMS = {
    "ahrq": (provisional_oid(AHRQ_ANSWER), "AHRQ Common Formats answer (provisional OID)"),
    "openpso": (provisional_oid(OPENPSO_EXTENSION), "OpenPSO extension code, not AHRQ (provisional OID)"),
    "nemsis": (provisional_oid(NEMSIS), "NEMSIS v3.5 (provisional OID)"),
    "loinc": LOINC,
}
LINK_ID_SYSTEM = (provisional_oid("urn:openpso:codesystem:common-formats-link-id"), "OpenPSO form item (provisional)")
ELEMENT_SYSTEM = (provisional_oid("urn:openpso:codesystem:release-element"), "OpenPSO release element (provisional)")
RCA2_SYSTEM = (provisional_oid("urn:openpso:codesystem:rca2-action"), "RCA2 action hierarchy (provisional OID)")
PEER_SYSTEM = (provisional_oid("urn:openpso:codesystem:peer-attribute"), "OpenPSO peer attribute (provisional)")
PROVIDER_CODE_ROOT = "urn:openpso:pso-assigned-provider-code:"  # + the PSO's slug, as an OID below
PSO_ROOT = provisional_oid("urn:openpso:pso")

# Template ids: PROVISIONAL stand-ins for the PSOPPC guide's document, section and entry templates.
TEMPLATES = {
    name: provisional_oid(f"urn:openpso:cda-template:{name}:1")
    for name in ("document", "event-section", "form-section", "analysis-section", "answer", "group")
}
HERF = "cfer-h-1.2/herf"  # its LOINC panel (74495-3) codes the document and the event section
_GENDER = {"M": "M", "F": "F"}  # DE42 "UNK" has no AdministrativeGender code: nullFlavor UNK


@dataclass(frozen=True)
class Version:
    """Which document this is in its event's succession (lake.exports.models.NationalDocument)."""

    document_id: uuid.UUID
    set_id: uuid.UUID
    number: int
    created_at: dt.datetime


def document(
    event: ReleasedEvent, *, pso_slug: str, pso_name: str, version: Version, replaces: Version | None
) -> bytes:
    """The CDA R2 document of one released event, as UTF-8 XML: a function of the event and its
    version alone, so an unchanged event comes out byte for byte as it did (succession)."""
    # Elements are unqualified under a root that declares `xmlns` itself: ElementTree's prefix
    # registry is process-wide and any library may take the empty prefix, and a document written
    # as `ns0:` fails the schema (`xsi:type="CD"` names a type in the default namespace).
    root = ET.Element("ClinicalDocument", xmlns=V3)
    _el(root, "realmCode", code="US")
    _el(root, "typeId", root="2.16.840.1.113883.1.3", extension="POCD_HD000040")
    _template(root, "document")
    _el(root, "id", root=str(version.document_id))
    _el(root, "code", **_code_attrs(_herf_panel()))
    _el(
        root, "title"
    ).text = f"Patient safety event ({event.period}), AHRQ Common Formats, released under {event.profile}"
    _el(root, "effectiveTime", value=_ts(version.created_at))
    # Restricted: patient safety work product under 42 CFR Part 3, for the PSOPPC alone.
    _el(root, "confidentialityCode", code="R", codeSystem=CONFIDENTIALITY_SYSTEM)
    _el(root, "languageCode", code="en-US")
    _el(root, "setId", root=str(version.set_id))
    _el(root, "versionNumber", value=str(version.number))
    _record_target(root, event)
    author = _el(root, "author")
    _el(author, "time", value=_ts(version.created_at))
    assigned = _el(author, "assignedAuthor")
    # The PSO-assigned provider code (42 CFR 3.212; PSOPPC): the pool's random pseudonym.
    _el(assigned, "id", root=provider_code_root(pso_slug), extension=event.provider)
    custodian = _el(_el(_el(root, "custodian"), "assignedCustodian"), "representedCustodianOrganization")
    _el(custodian, "id", root=PSO_ROOT, extension=pso_slug)
    _el(custodian, "name").text = pso_name
    if replaces is not None:
        parent = _el(_el(root, "relatedDocument", typeCode="RPLC"), "parentDocument")
        _el(parent, "id", root=str(replaces.document_id))
        _el(parent, "setId", root=str(replaces.set_id))
        _el(parent, "versionNumber", value=str(replaces.number))
    body = _el(_el(root, "component"), "structuredBody")
    _event_section(body, event)
    for form_key, answers in _answers_by_form(event.answers).items():
        _form_section(body, form_key, answers)
    if event.contributing_factors or event.actions:
        _analysis_section(body, event)
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml


def provider_code_root(pso_slug: str) -> str:
    """The OID under which a PSO's provider codes are unique (one per PSO: each PSO draws its own)."""
    return provisional_oid(PROVIDER_CODE_ROOT + pso_slug)


# --- header ------------------------------------------------------------------------------------


def _record_target(root: ET.Element, event: ReleasedEvent) -> None:
    role = _el(_el(root, "recordTarget"), "patientRole")
    if event.event_type == UNSAFE_CONDITION:
        _el(role, "id", nullFlavor="NA")  # an unsafe condition reaches no patient
        return
    _el(role, "id", nullFlavor="MSK")  # the patient is not identified in released data
    patient = _el(role, "patient")
    gender = _GENDER.get(event.patient_sex or "")
    if gender:
        _el(patient, "administrativeGenderCode", code=gender, codeSystem=GENDER_SYSTEM)
    else:
        _el(patient, "administrativeGenderCode", nullFlavor="UNK")


# --- body ----------------------------------------------------------------------------------------


def _event_section(body: ET.Element, event: ReleasedEvent) -> None:
    herf = herf_core()
    section = _section(body, "event-section", _herf_panel(), "The event")
    lines: list[str] = []
    if event.event_type:
        _coded(section, lines, _item("HERF/DE3"), event.event_type)
    for code in event.categories:
        _coded(section, lines, _item("HERF/DE21"), code)
    if event.harm:
        _coded(section, lines, _item("PIF/harm"), event.harm)
    discovered = _observation(_entry(section), "answer", ("74555-4", LOINC[0], LOINC[1], herf["DE9"].text))
    _el(discovered, "effectiveTime", value=event.period.replace("-", ""))
    lines.append(f"{herf['DE9'].text}: {event.period}")
    if event.patient_sex:
        _coded(section, lines, _item("HERF/DE42"), event.patient_sex)
    if event.patient_age_band:
        age = _observation(_entry(section), "answer", ("74500-0", LOINC[0], LOINC[1], herf["PIF/age"].text))
        _value(age, "ST").text = event.patient_age_band
        lines.append(f"{herf['PIF/age'].text}: {event.patient_age_band} (age band)")
    for attribute, label in (("provider_type", "Provider type (peer group)"), ("region", "Census region")):
        value = getattr(event, attribute)
        if value:
            peer = _observation(_entry(section), "answer", (attribute, *PEER_SYSTEM, label))
            _value(peer, "CD", code=value, codeSystem=PEER_SYSTEM[0], codeSystemName=PEER_SYSTEM[1])
            lines.append(f"{label}: {value}")
    _narrative(section, lines)


def _form_section(body: ET.Element, form_key: str, answers: list[tuple[Item, Any]]) -> None:
    definition = catalogue()[form_key]
    code = (definition.loinc_panel, *LOINC, definition.title) if definition.loinc_panel else None
    section = _section(body, "form-section", code or (form_key, *LINK_ID_SYSTEM, definition.title), definition.title)
    lines: list[str] = []
    for item, value in answers:
        _answer(section, lines, item, value)
    _narrative(section, lines)


def _answer(section: ET.Element, lines: list[str], item: Item, value: Any) -> None:
    if item.type == "group":
        for occurrence in value if isinstance(value, list) else [value]:
            organizer = ET.SubElement(_entry(section), "organizer", classCode="CLUSTER", moodCode="EVN")
            _template(organizer, "group")
            _el(organizer, "code", **_code_attrs(_question_code(item)))
            _el(organizer, "statusCode", code="completed")
            for link_id, inner in occurrence.items():
                child = _item(link_id)
                if child is None or child.type == "group":
                    continue  # a group inside a group: not released (none in the Common Formats today)
                for one in inner if isinstance(inner, list) else [inner]:
                    _answer_into(_el(organizer, "component"), lines, child, one)
        return
    for one in value if isinstance(value, list) else [value]:
        _answer_into(_entry(section), lines, item, one)


def _answer_into(holder: ET.Element, lines: list[str], item: Item, value: Any) -> None:
    if isinstance(value, list):
        for one in value:
            _answer_into(holder, lines, item, one)
        return
    observation = _observation(holder, "answer", _question_code(item))
    if item.answers and isinstance(value, str):
        option = item.answer(value)
        _value(observation, "CD", **_code_attrs(_answer_code(option)))
        lines.append(f"{item.text or item.link_id}: {option.display}")
    elif isinstance(value, bool):
        _value(observation, "BL", value="true" if value else "false")
        lines.append(f"{item.text or item.link_id}: {'yes' if value else 'no'}")
    elif isinstance(value, int):
        _value(observation, "INT", value=str(value))
        lines.append(f"{item.text or item.link_id}: {value}")
    elif isinstance(value, float):
        _value(observation, "REAL", value=repr(value))
        lines.append(f"{item.text or item.link_id}: {value}")
    else:  # a date cut to the year (or month)
        _el(observation, "effectiveTime", value=str(value).replace("-", ""))
        lines.append(f"{item.text or item.link_id}: {value}")


def _coded(section: ET.Element, lines: list[str], item: Item | None, code: str) -> None:
    if item is not None:
        _answer_into(_entry(section), lines, item, code)


def _analysis_section(body: ET.Element, event: ReleasedEvent) -> None:
    title = "Analysis: contributing factors and RCA2 actions (OpenPSO codes, not AHRQ Common Formats)"
    section = _section(body, "analysis-section", ("analysis", *ELEMENT_SYSTEM, title), title)
    lines: list[str] = []
    factors = _item(FACTORS_ITEM)
    words = factor_words(marked=True)
    for code in event.contributing_factors:
        if factors is not None and code in factors.codes:
            _answer_into(_entry(section), lines, factors, code)
        else:
            lines.append(f"Contributing factor: {words.get(code, code)}")
    for action in event.actions:
        _action(section, lines, action)
    _narrative(section, lines)


_ACTION_LABELS = {code: label for code, label, _ in ACTION_HIERARCHY}
_STATUS_CODES = {ActionStatus.PLANNED: "new", ActionStatus.IN_PROGRESS: "active", ActionStatus.DONE: "completed"}


def _action(section: ET.Element, lines: list[str], action: ReleasedAction) -> None:
    observation = _observation(_entry(section), "answer", ("rca2-action", *ELEMENT_SYSTEM, "RCA2 action"))
    _value(
        observation,
        "CD",
        code=action.action_type,
        codeSystem=RCA2_SYSTEM[0],
        codeSystemName=RCA2_SYSTEM[1],
        displayName=_ACTION_LABELS.get(action.action_type, action.action_type),
    )
    # The action's status as ActStatus on a statusCode sits before the value in CDA's order.
    status = ET.Element("statusCode", code=_STATUS_CODES.get(ActionStatus(action.status), "active"))
    observation.insert(list(observation).index(observation.find("value")), status)  # type: ignore[arg-type]
    strength = _observation(
        _el(observation, "entryRelationship", typeCode="COMP"), "answer", ("rca2-strength", *ELEMENT_SYSTEM, "Strength")
    )
    _value(strength, "CD", code=action.strength, codeSystem=RCA2_SYSTEM[0], codeSystemName=RCA2_SYSTEM[1])
    for name, when in (("rca2-due", action.due), ("rca2-implemented", action.implemented)):
        if when:
            dated = _observation(
                _el(observation, "entryRelationship", typeCode="COMP"), "answer", (name, *ELEMENT_SYSTEM, name)
            )
            _el(dated, "effectiveTime", value=when.replace("-", ""))
    label = ACTION_STATUS_LABELS.get(ActionStatus(action.status), action.status)
    lines.append(
        f"RCA2 action: {_ACTION_LABELS.get(action.action_type, action.action_type)} "
        f"({STRENGTH_LABELS.get(action.strength, action.strength)}; {label}"
        + (f"; due {action.due}" if action.due else "")
        + (f"; implemented {action.implemented}" if action.implemented else "")
        + ")"
    )


# --- codes -----------------------------------------------------------------------------------------


@cache
def _items() -> dict[str, Item]:
    return {item.link_id: item for definition in catalogue().values() for item in iter_items(definition)}


def _item(link_id: str) -> Item | None:
    return _items().get(link_id)


def _herf_panel() -> tuple[str, str, str, str]:
    definition = catalogue()[HERF]
    return (definition.loinc_panel or "74495-3", *LOINC, definition.title)


def _question_code(item: Item) -> tuple[str, str, str, str]:
    """(code, OID, system name, display): LOINC where the item has one, else the AHRQ data-element
    ID, else (OpenPSO extension items, items AHRQ numbers no element for) the item's linkId."""
    if item.loinc:
        return (item.loinc, *LOINC, item.text)
    definition = catalogue().get(item.form_key)
    if item.de and definition is not None and not definition.extension:
        return (item.de, *AHRQ_ELEMENT_SYSTEM, item.text)
    return (item.link_id, *LINK_ID_SYSTEM, item.text)


def _answer_code(option: AnswerOption) -> tuple[str, str, str, str]:
    if option.loinc:
        return (option.loinc, *LOINC, option.display)
    return (option.code, *ANSWER_SYSTEMS[option.system], option.display)


def _code_attrs(code: tuple[str, str, str, str]) -> dict[str, str]:
    attrs = {"code": code[0], "codeSystem": code[1], "codeSystemName": code[2]}
    if code[3]:
        attrs["displayName"] = code[3][:200]
    return attrs


def _answers_by_form(answers: dict[str, Any]) -> dict[str, list[tuple[Item, Any]]]:
    grouped: dict[str, list[tuple[Item, Any]]] = defaultdict(list)
    for link_id, value in answers.items():
        item = _item(link_id)
        if item is not None and item.form_key in catalogue():
            grouped[item.form_key].append((item, value))
    return dict(sorted(grouped.items()))


# --- XML -------------------------------------------------------------------------------------------


def _el(parent: ET.Element, name: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, name, attrs)


def _template(parent: ET.Element, name: str) -> None:
    parent.append(ET.Comment(f" PROVISIONAL template id ({name}): OpenPSO's, until the PSOPPC guide is available "))
    _el(parent, "templateId", root=TEMPLATES[name], assigningAuthorityName=PROVISIONAL)


def _section(body: ET.Element, template: str, code: tuple[str, str, str, str], title: str) -> ET.Element:
    section = _el(_el(body, "component"), "section")
    _template(section, template)
    _el(section, "code", **_code_attrs(code))
    _el(section, "title").text = title
    return section


def _narrative(section: ET.Element, lines: Iterable[str]) -> None:
    """The section's human-readable text: placed after its title, as CDA orders a section."""
    text = ET.Element("text")
    listing = ET.SubElement(text, "list")
    for line in lines:
        ET.SubElement(listing, "item").text = line
    if not len(listing):
        ET.SubElement(listing, "item").text = "Nothing released."
    children = list(section)
    section.insert(children.index(section.find("title")) + 1, text)  # type: ignore[arg-type]


def _entry(section: ET.Element) -> ET.Element:
    return _el(section, "entry")


def _observation(holder: ET.Element, template: str, code: tuple[str, str, str, str]) -> ET.Element:
    observation = _el(holder, "observation", classCode="OBS", moodCode="EVN")
    _template(observation, template)
    _el(observation, "code", **_code_attrs(code))
    return observation


def _value(observation: ET.Element, kind: str, **attrs: str) -> ET.Element:
    return ET.SubElement(observation, "value", {f"{{{XSI}}}type": kind, **attrs})


def _ts(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S+0000")
