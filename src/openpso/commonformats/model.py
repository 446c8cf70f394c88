"""The shape of a Common Formats definition: forms, items, answers and skip-logic conditions.

Modelled on the FHIR Questionnaire so export is direct: an item has a linkId, a FHIR item
type, answer options and enableWhen conditions. AHRQ data-element IDs (DE…), answer IDs
(A…) and LOINC codes ride along as stable codes. Everything is frozen: definitions are
loaded once from the data files and shared.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# FHIR R4 Questionnaire item types we use (http://hl7.org/fhir/R4/valueset-item-type.html).
ITEM_TYPES = frozenset(
    {
        "group",
        "display",
        "choice",
        "open-choice",
        "string",
        "text",
        "integer",
        "decimal",
        "date",
        "time",
        "dateTime",
        "boolean",
    }
)
CODED_TYPES = frozenset({"choice", "open-choice"})
NO_ANSWER_TYPES = frozenset({"group", "display"})
OPERATORS = frozenset({"=", "!=", "exists", "in"})
BEHAVIORS = frozenset({"all", "any"})
# Where an answer code comes from. `openpso` codes are ours (OPSO-…) and always provisional.
ANSWER_SYSTEMS = frozenset({"ahrq", "loinc", "nemsis", "openpso"})
# What every display, export and document says of an `openpso` code (see docs/decisions/0008-common-formats-as-data.md).
EXTENSION_CODE = "OpenPSO extension (not an AHRQ Common Formats code)"

ConditionValue = str | bool | int | float | tuple[str, ...] | None


@dataclass(frozen=True)
class Condition:
    """One enableWhen clause: `question` (a link_id) compared with `answer`."""

    question: str
    operator: str
    answer: ConditionValue = None


@dataclass(frozen=True)
class AnswerOption:
    code: str
    display: str
    system: str = "ahrq"
    loinc: str | None = None
    definition: str = ""
    provisional: bool = False
    # "Other: PLEASE SPECIFY"-style answers: the reporter's text goes under "<link_id>:other".
    specify: bool = False
    # The answer may be chosen only when these hold (e.g. a Fall is an incident, never a near miss).
    enable_when: tuple[Condition, ...] = ()
    # Crosswalk onto Common Formats answers, e.g. (("HERF/DE21", "A54"),) for an EMS medication event.
    maps_to: tuple[tuple[str, str], ...] = ()
    # The wording in the official rendering where ours corrects an evident typo in it.
    source_display: str | None = None

    def mapped(self, link_id: str) -> str | None:
        return next((code for target, code in self.maps_to if target == link_id), None)


@dataclass(frozen=True)
class Item:
    link_id: str
    type: str
    text: str = ""
    de: str | None = None  # AHRQ data-element ID, e.g. "DE270"
    loinc: str | None = None  # LOINC item code, e.g. "74076-1"
    nemsis: str | None = None  # NEMSIS v3.5 element, e.g. "eProcedures.07"
    required: bool = False
    repeats: bool = False
    # CFER-H v2.0 core (True) vs supplemental (False), None before v2.0: our provisional reading
    # of v2.0 (the form must say `core_provisional`); nothing is refused or dropped because of it.
    core: bool | None = None
    identifying: bool = False  # patient/reporter/staff identifier: encrypted, stripped before pooling
    hidden: bool = False  # filled by the system, not shown to reporters
    prefill: str | None = None  # what fills a hidden item, e.g. "event_id", "initial_report_date"
    max_length: int | None = None
    help: str = ""
    provisional: bool = False
    note: str = ""
    source_text: str | None = None  # the wording in the official rendering where ours corrects it
    answers: tuple[AnswerOption, ...] = ()
    enable_when: tuple[Condition, ...] = ()
    enable_behavior: str = "all"
    items: tuple[Item, ...] = ()
    parent: str | None = None  # link_id of the enclosing item
    form_key: str = ""

    @property
    def is_question(self) -> bool:
        return self.type not in NO_ANSWER_TYPES

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(a.code for a in self.answers)

    def answer(self, code: str) -> AnswerOption:
        for option in self.answers:
            if option.code == code:
                return option
        raise KeyError(f"{self.link_id}: unknown answer code {code!r}")

    def answer_by_loinc(self, la_code: str) -> AnswerOption | None:
        return next((a for a in self.answers if a.loinc == la_code), None)


@dataclass(frozen=True)
class Triggers:
    """What brings a module into a report: DE21 category codes, or the reporting provider's type."""

    categories: tuple[str, ...] = ()
    provider_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rendering:
    """Another questionnaire that answers this form (e.g. HL7's F8-1.2 or the LOINC-coded one).

    `link_ids` maps its linkIds onto ours (identity where absent); `coding` says whether its
    answers carry our codes ("ahrq") or LOINC answer codes ("loinc"); `ignore` lists its items
    that have no counterpart here (e.g. a hidden "Form ID").
    """

    url: str
    identifiers: tuple[str, ...] = ()
    coding: str = "ahrq"
    link_ids: tuple[tuple[str, str], ...] = ()
    ignore: tuple[str, ...] = ()

    def ours(self, link_id: str) -> str:
        return next((mine for theirs, mine in self.link_ids if theirs == link_id), link_id)

    def theirs(self, link_id: str) -> str:
        return next((t for t, mine in self.link_ids if mine == link_id), link_id)


# What a form is: a generic form (HERF, PIF, SIR, v2.0 Generic) or an event module.
FORM_KINDS = ("generic", "module")


@dataclass(frozen=True)
class FormDefinition:
    key: str  # e.g. "cfer-h-1.2/medication"
    family: str  # "cfer-h" or "openpso-ext"
    version: str
    form_id: str  # AHRQ form id, e.g. "F8", "HERF"
    title: str
    kind: str  # one of FORM_KINDS
    source: str
    items: tuple[Item, ...]
    loinc_panel: str | None = None
    extension: bool = False  # OpenPSO's own module, not an AHRQ Common Format
    provisional: bool = False
    core_provisional: bool = False  # its items' `core` flags are a provisional reading
    notes: tuple[str, ...] = ()
    triggers: Triggers = Triggers()
    depends_on: tuple[str, ...] = ()  # forms whose answers our skip logic reads (e.g. HERF/DE3)
    renderings: tuple[Rendering, ...] = ()
    path: str = ""
    _index: Mapping[str, Item] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", MappingProxyType({i.link_id: i for i in iter_items(self)}))

    def item(self, link_id: str) -> Item:
        try:
            return self._index[link_id]
        except KeyError:
            raise KeyError(f"{self.key}: no item {link_id!r}") from None

    def has_item(self, link_id: str) -> bool:
        return link_id in self._index

    def questions(self) -> list[Item]:
        return [i for i in iter_items(self) if i.is_question]


def iter_items(form_or_item: FormDefinition | Item) -> Iterator[Item]:
    """Every item, depth first, in form order."""
    for item in form_or_item.items:
        yield item
        yield from iter_items(item)
