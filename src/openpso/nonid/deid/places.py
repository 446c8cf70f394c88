"""Names of places: facilities (hospitals, clinics, agencies …) and sub-state geography.

A facility is found from its facility word ("Hospital", "Medical Center", "EMS") and the
capitalised name before it; cities and counties from the US gazetteer, with a cue ("in",
"from", ", PA"). Generic names ("the Emergency Department") stay.
"""

from __future__ import annotations

import bisect
from functools import lru_cache

import regex as re

from openpso.nonid.deid import lexicon
from openpso.nonid.deid.people import CUE_WORDS
from openpso.nonid.deid.text import WORD, census_name, is_upper_text, word_set
from openpso.nonid.deid.types import Span

_FACILITY_WORDS = (
    r"(?i:Hospital|Medical\h+Center|Medical\h+Centre|Health\h+Center|Health\h+System|Healthcare|Health\h+Care|Clinic"
    r"|Nursing\h+(?:Home|Center|Facility)|Care\h+Center|Rehabilitation\h+(?:Center|Hospital)|Rehab(?:ilitation)?"
    r"|Surgery\h+Center|Surgical\h+(?:Center|Hospital)|Cancer\h+(?:Center|Institute)|Infirmary|Hospice|Pharmacy"
    r"|Drug(?:store)?|Ambulance(?:\h+(?:Service|Corps))?|EMS|Fire\h+(?:Department|Dept\.?|Rescue|District|Company)"
    r"|Rescue\h+Squad|Medical\h+Group|Physicians|Associates|(?-i:Memorial|General|FHC|CHC)|Urgent\h+Care|Manor|Senior\h+Living|Assisted\h+Living"
    r"|Health|Medicine|Pediatrics|Orthopedics|Family\h+Practice|Family\h+Medicine|Dialysis(?:\h+Center)?"
    r"|Imaging(?:\h+Center)?|Laboratories|Lab|Institute|University|College|School|Church|Prison|Jail"
    r"|Correctional\h+Facility|Shelter|Police\h+Department|Sheriff'?s\h+Office)"
)
# Businesses and other organisations that are no care provider: a name before one of these
# words is hardly ever generic ("Quillfeather Bakery", "Gullhaven Inn", "Tarrow Falls PD"), so any
# capitalised word names it.
_BUSINESS_WORDS = (
    r"(?:VNA|LTACH|LTAC|PD|Police\h+Barracks|Barracks|Construction|Elementary|Middle\h+School|High\h+School"
    r"|Early\h+Learning|Learning\h+Center|Daycare|Day\h+Care|Child\h+Care|Home\h+Care|Home\h+Health|Home\h+Medical"
    r"|Medical\h+Supply|Medical\h+Transport|Transport(?:ation)?|Funeral\h+Home|Recovery\h+House|Sober\h+House"
    r"|Group\h+Home|Treatment\h+Center|Dermatology|Cardiology|Counseling|Oncology|Podiatry|Dental|Dentistry"
    r"|Psychiatry|Behavioral(?:\h+Health)?|Inn|Hotel|Motel|Apartments|Apts|Fitness|Gym|Swim\h+Club|Club|Hardware"
    r"|Market|Supermarket|Restaurant|Cafe|Diner|Bakery|Pizzeria|Pizza|Grill|Tavern|Pub|Mart|Motors|Garage|Depot"
    r"|Gas\h+&\h+Electric|Electric|Steel|Mills?|Farms?|Company|Corp(?:oration)?|Inc|LLC|Bros\.|Brothers|Services"
    r"|Alliance|Foundation|Agency|Academy|Parish|Temple|Synagogue|Mosque|Cathedral|Chapel|Mall"
    # Companies by their legal or trade endings ("Halvard Technologies", "Brisk Ltd.", "Dunmore & Sons").
    r"|Incorporated|Ltd|Limited|GmbH|PLC|Partners|Technologies|Software|Solutions|Consulting|Insurance|Holdings"
    r"|Investments|Ventures|Enterprises|Analytics"
    # Search and rescue teams and fire departments go by their town's name ("Pembrook SAR", "Hale VFD").
    r"|SAR|FD|VFD)"
)
_TRADE_ENDINGS = word_set(
    """incorporated ltd limited gmbh plc partners technologies software solutions consulting insurance holdings
    investments ventures enterprises analytics"""
)
# A few are written in lower case after the name too: "the Jade Pavilion restaurant".
_BUSINESS_HEAD = re.compile(
    rf"(?-i:\b{_BUSINESS_WORDS}\b)|\b(?:restaurant|cafe|diner|bakery|pizzeria|hotel|motel|bar|pub|gym|store|shelter)\b"
)
# Only the facility word is matched by a pattern; the name around it is read word by word
# (`_facility`), which keeps the cost linear however many capitalised words a note has.
_FACILITY_HEAD = re.compile(rf"\b{_FACILITY_WORDS}\b")
_SAINT = re.compile(r"\b(?:St\.?|Saint)\h+[A-Z][\p{L}'’\-]+(?:'s)?(?:\h+[A-Z][\p{L}'’\-]+){0,3}")
_PLACE_CUE = re.compile(
    r"(?:\b(?:in|from|to|at|near|of|outside|lives|living|resides|moved|transferred|transported)\s+)$", re.IGNORECASE
)
_STATE_NAMES = (
    r"(?:Alabama|Alaska|Arizona|Arkansas|California|Colorado"
    r"|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine"
    r"|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New\s+Hampshire"
    r"|New\s+Jersey|New\s+Mexico|New\s+York|North\s+Carolina|North\s+Dakota|Ohio|Oklahoma|Oregon|Pennsylvania"
    r"|Rhode\s+Island|South\s+Carolina|South\s+Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington"
    r"|West\s+Virginia|Wisconsin|Wyoming)"
)
_STATE_AFTER = re.compile(
    r",\s*(?-i:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC"
    r"|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)\b"
    r"|,?\s*" + _STATE_NAMES + r"\b"
)


_FACILITY_HEADS = word_set(
    """hospital medical health clinic nursing care rehabilitation rehab surgery surgical cancer infirmary hospice
    pharmacy drug drugstore ambulance ems fire rescue physicians associates urgent manor senior assisted medicine
    pediatrics orthopedics family dialysis imaging laboratories lab institute university college school church
    prison jail correctional shelter police sheriff healthcare"""
)
_JOINERS = frozenset({"of", "and", "&", "the", "st", "saint"})
_ABBREVIATIONS = frozenset({"st", "bros", "co", "mt", "ft"})  # "St. Luke's", "Dace Bros. Roofing"


def _facility(text: str, head_start: int, head_end: int, *, upper: bool, business: bool = False) -> Span | None:
    """The facility name around a facility word: capitalised words before it (rare ones in capitals)."""

    def specific(word: str) -> bool:
        lower = word.lower()
        if lower in _JOINERS:
            return True
        if not upper:
            return word[0].isupper()
        return lower not in lexicon.not_names() and (
            lexicon.zipf(lower) < 3.5 or lower in lexicon.cities() or (census_name(lower) and lexicon.zipf(lower) < 4.0)
        )

    window = max(0, head_start - 120)
    left = list(WORD.finditer(text, window, head_start))
    if left and window > 0 and left[0].start() == window:
        left = left[1:]  # a word the window cut in half
    lo, edge = len(left), head_start
    while lo > 0:
        word = left[lo - 1]
        gap = text[word.end() : edge]
        if not (_SPACE_GAP.fullmatch(gap) or (gap.startswith(".") and word.group().lower() in _ABBREVIATIONS)):
            break
        if not specific(word.group()):
            break
        lo, edge = lo - 1, word.start()
    while lo < len(left) and left[lo].group().lower() in _JOINERS:
        lo += 1
    if lo == len(left):
        return None
    end = head_end
    if not upper:  # "Millrace Hospital Stonemere", "University Hospital of Orleans"
        taken = 0
        for word in WORD.finditer(text, head_end, min(len(text), head_end + 80)):
            gap = text[end : word.start()]
            if taken >= 3 or not _TAIL_GAP.fullmatch(gap):
                break
            if word.group().lower() == "of" and taken == 0:
                continue
            if not word.group()[0].isupper() or word.group().lower() in _JOINERS:
                break
            end, taken = word.end(), taken + 1
    start = left[lo].start()
    if business:
        words = [w.lower() for w in WORD.findall(text[start:head_start])]
        if not words or all(w in lexicon.generic_place_words() or w in _JOINERS for w in words):
            return None
        if text[head_start:head_end].lower() in _TRADE_ENDINGS and all(w in _FACILITY_HEADS for w in words):
            return None  # "Pharmacy Solutions", "Nursing Partners": a department's name, not a company's
        if _sentence_start(text, start) and len(words) == 1 and lexicon.zipf(words[0]) >= 4.0:
            return None  # "Transport issue", "Cardiology consulted": a word opening the sentence
    elif _generic_facility(text[start:end]):
        return None
    return Span(start, end, "FACILITY", "facility")


def _sentence_start(text: str, at: int) -> bool:
    before = text[max(0, at - 8) : at].rstrip(" \t\"'(“")
    return not before or before[-1] in ".!?:;\n•*-–"


_SPACE_GAP = re.compile(r"\h+")
_TAIL_GAP = re.compile(r"\h+(?:of\h+)?|\h*[-–,]\h*")


def find(text: str) -> list[Span]:
    """Facility names and sub-state place names (cities, counties, roads)."""
    upper = is_upper_text(text)
    found = [s for m in _FACILITY_HEAD.finditer(text) if (s := _facility(text, m.start(), m.end(), upper=upper))]
    found += [
        s
        for m in _BUSINESS_HEAD.finditer(text)
        if (s := _facility(text, m.start(), m.end(), upper=upper, business=True))
    ]
    found += [Span(m.start(), m.end(), "FACILITY", "saint") for m in _SAINT.finditer(text)]
    for m in _SAINT_CAPITALS.finditer(text):
        if lexicon.zipf(m.group(1).lower().removesuffix("'s").rstrip("s")) < 4.0:
            found.append(Span(m.start(), m.end(), "FACILITY", "saint"))
    for m in _LOWER_ACRONYM.finditer(text):  # "been to pvmc": the same shapes typed in lower case
        if lexicon.zipf(m.group()) == 0:
            found.append(Span(m.start(), m.end(), "FACILITY", "acronym"))
    for m in _ACRONYM.finditer(text):
        if lexicon.zipf(m.group().lower()) >= 2.5:
            continue  # "HIGH", "COUGH": a word written in capitals
        bracketed = text[m.start() - 1 : m.start()] == "(" and text[m.end() : m.end() + 1] == ")"
        if upper and not bracketed and not _PLACE_CUE.search(text, max(0, m.start() - 20), m.start()):
            continue  # a device report in capitals: only "TO QRMC", "AT KVMC", "… (KVMC)"
        found.append(Span(m.start(), m.end(), "FACILITY", "acronym"))
    found += [Span(m.start(), m.end(), "ADDRESS", "road") for m in _ROAD.finditer(text)]
    if not upper:
        found += [Span(m.start(), m.end(), "ADDRESS", "street") for m in _NAMED_STREET.finditer(text)]
    found += foreign_streets(text)
    found += _cities(text)
    found += _lower_cities(text)
    found += _named_in_brackets(text)
    found += _employers(text)
    found += _spelled_acronyms(text, found)
    found += _defined_acronyms(text, found)
    found += _same_place(text, found)
    return found


# "Hospice (Quiet Harbor) notified", "home health agency (Bright Path)": a kind of provider,
# then its name in brackets, capitalised. Its words may be ordinary ones; the brackets name it.
_KIND_BEFORE_BRACKET = re.compile(
    r"\b(?i:hospice|pharmacy|home\h+health(?:\h+agency)?|agency|clinic|snf|ltc|ltach|alf|rehab|dialysis|shelter"
    r"|group\h+home|nursing\h+home|assisted\h+living|facility|hospital|vna)\h*$"
)
_NAME_IN_BRACKET = re.compile(
    r"(\p{Lu}[\p{L}'’\-]+(?:\h+(?:of\h+|&\h+|and\h+)?\p{Lu}[\p{L}'’\-]+){0,3})(?=\h*[),;]|\h+\p{Ll}[^()\n]{0,40}\))"
)


# An employer after "works for", "employed at", "used to work for": capitalised words, the first
# no English word nor a generic place word ("works at Brindlecombe", not "works at Home Depot's …").
_EMPLOYER = re.compile(
    r"\b(?i:work(?:s|ed|ing)?|employed|job|interned|volunteers?|volunteered"
    r"|spent\h+(?:a|an|one|two|three|four|five|\d{1,2})\h+(?:years?|months?|summers?))\h+(?i:for|at|with)\h+"
    r"(\p{Lu}[\p{L}'’\-]+(?:\h+\p{Lu}[\p{L}'’\-]+){0,2})"
)


def _employers(text: str) -> list[Span]:
    found: list[Span] = []
    for m in _EMPLOYER.finditer(text):
        words = [w.lower() for w in WORD.findall(m.group(1))]
        if any(w in lexicon.generic_place_words() or w in lexicon.drugs() or w in lexicon.not_names() for w in words):
            continue
        # "works for Vantrel": any word no English list knows; after "work for" even a known
        # brand ("work for Microsoft") or an acronym ("work for NATO"), not a common word.
        most = 5.0 if m.group().lower().startswith("work") and " for " in m.group().lower() else 3.5
        if words and (lexicon.zipf(words[0]) < most or m.group(1).isupper()) and words[0] not in CUE_WORDS:
            found.append(Span(m.start(1), m.end(1), "FACILITY", "employer"))
    return found


# Organisations named as such, with no trade word (issue 14): "the address of Quorvia is",
# "the Brellis office", "according to the Tandem Reach website", "Ostrava Labs is a design
# agency", "… from Quorvia is the keynote speaker", and a name right before its street address
# ("meet at Vellum, 12 Oak Street").
_ORG_RUN = r"(\p{Lu}[\p{L}'’.\-]*(?:\h+(?:(?:[Aa]nd|&|of)\h+)?\p{Lu}[\p{L}'’.\-]*){0,3})"
_ORG_CUED = re.compile(
    r"\b(?i:address|offices?|headquarters|website)\h+of\h+" + _ORG_RUN + r"(?:'s)?\h+(?i:is|was|are)\b"
    r"|\b(?:[Tt]he)\h+" + _ORG_RUN + r"\h+(?i:office|offices|headquarters|website|orchestra|foundation)\b"
    r"|\baccording\h+to\h+(?:the\h+)?" + _ORG_RUN + r"(?:'s)?\h+(?i:website|site|report|press)\b"
)
_ORG_KIND = re.compile(
    r"\h+(?:is|was)\h+(?:an?|the)\h+(?:[\p{L}\-]+\h+){0,3}?(?:company|agency|firm|multinational|start-?up|corporation"
    r"|brainchild|non-?profit|501\(c\)|organi[sz]ation|business|manufacturer|retailer|bank|insurer|consultancy|employer)\b"
)
_ORG_AFTER_PERSON = re.compile(
    r"(?:\h+(?:is|was|comes|came))?\h+(?:from|of)\h+" + _ORG_RUN + r"(?='s\b|\h+(?:is|was|are|were)\b|,|\.?\h*$|\.\h)"
)
_NAME_BEFORE_ADDRESS = re.compile(r"(?r)\b(?:at|to|visit|visiting)\h+" + _ORG_RUN + r",\h*$")


def _org_name(name: str) -> bool:
    """Not generic, no drug, no cue, one word at least that is not common English."""
    words = [w.lower().strip(".") for w in WORD.findall(name)]
    words = [w for w in words if w not in ("and", "of", "the")]
    if not words or any(w in lexicon.drugs() or w in CUE_WORDS or w in lexicon.not_names() for w in words):
        return False
    if all(w in lexicon.generic_place_words() or w in _FACILITY_HEADS for w in words):
        return False
    return any(lexicon.zipf(w) < 4.5 for w in words) or name.isupper()


def organisations(text: str, spans: list[Span]) -> list[Span]:
    found: list[Span] = []
    for m in _ORG_CUED.finditer(text):
        group = next(g for g in (1, 2, 3) if m.group(g))
        if _org_name(m.group(group)):
            found.append(Span(m.start(group), m.end(group), "FACILITY", "organisation"))
    kinds = _ORG_KIND_HINT.search(text) is not None  # "… is a … company": rare, so looked for first
    starts = {m.end() for m in _SENTENCE_OPENING.finditer(text)} | {len(text) - len(text.lstrip())} if kinds else set()
    for at in starts:
        run = _ORG_RUN_AT.match(text, at)
        if run and _ORG_KIND.match(text, run.end()) and _org_name(run.group(1)):
            found.append(Span(run.start(1), run.end(1), "FACILITY", "organisation"))
    for span in spans:
        if span.type in ("PERSON", "STAFF", "PATIENT"):
            after = _ORG_AFTER_PERSON.match(text, span.end)
            name = after.group(1) if after else ""
            if after and len(name) > 3 and _org_name(name) and not _STATE_NAME.match(name):
                found.append(Span(after.start(1), after.end(1), "FACILITY", "organisation"))
        elif span.type == "ADDRESS" and span.source in ("street", "street-abroad"):
            before = _NAME_BEFORE_ADDRESS.search(text, max(0, span.start - 60), span.start)
            if before and _org_name(before.group(1)):
                found.append(Span(before.start(1), before.end(1), "FACILITY", "organisation"))
    return found


_ORG_RUN_AT = re.compile(_ORG_RUN)
_ORG_KIND_HINT = re.compile(r"\h(?:is|was)\h+(?:an?|the)\h")
_SENTENCE_OPENING = re.compile(r"(?:[.!?]\h+|\n\h*|,\h+)(?=\p{Lu})")


def _named_in_brackets(text: str) -> list[Span]:
    found: list[Span] = []
    at = text.find("(")
    while at >= 0:  # each bracket, then the kind of provider before it: cheaper than a pattern tried everywhere
        m = _NAME_IN_BRACKET.match(text, at + 1)
        if m and _KIND_BEFORE_BRACKET.search(text, max(0, at - 30), at):
            words = [w.lower() for w in WORD.findall(m.group(1))]
            generic = all(w in lexicon.generic_place_words() or w in _JOINERS or w in _FACILITY_HEADS for w in words)
            # "Pharmacy (Inpatient)" is generic; "(ICU)", "(SNF)" are abbreviations, not names.
            if not generic and not (m.group(1).isupper() and len(m.group(1)) <= 5):
                found.append(Span(m.start(1), m.end(1), "FACILITY", "named-in-brackets"))
        at = text.find("(", at + 1)
    return found


def _spelled_acronyms(text: str, found: list[Span]) -> list[Span]:
    """The name a facility acronym in brackets abbreviates, when its words spell it:
    "KESTON RIDGE MC (KRMC)" (initials, and short capitals whole)."""
    spans: list[Span] = []
    for span in found:
        if span.type != "FACILITY" or span.source != "acronym" or text[span.start - 1 : span.start] != "(":
            continue
        acronym = text[span.start : span.end].upper()
        words = list(WORD.finditer(text, max(0, span.start - 100), span.start - 1))
        spelled, edge = "", span.start - 1
        for word in reversed(words):
            if not _SPACE_GAP.fullmatch(text[word.end() : edge]) and word.end() != edge:
                break
            part = word.group()
            if part.lower() in _JOINERS:
                edge = word.start()
                continue
            if not part[0].isupper():
                break
            spelled = (part if part.isupper() and len(part) <= 3 else part[0]).upper() + spelled
            edge = word.start()
            if spelled == acronym:
                spans.append(
                    Span(word.start(), _rstrip(text, word.start(), span.start - 1), "FACILITY", "acronym-name")
                )
                break
            if not acronym.endswith(spelled):
                break
    return spans


def _rstrip(text: str, start: int, end: int) -> int:
    return start + len(text[start:end].rstrip())


def _same_place(text: str, found: list[Span]) -> list[Span]:
    """Other mentions of a place's distinctive word in the same note: "at Larkspur Dialysis …
    call the social worker at Larkspur" (a rare, capitalised word that is no facility word)."""
    words: set[str] = set()
    for span in found:
        if span.type != "FACILITY" or span.source == "acronym":
            continue
        for m in WORD.finditer(text, span.start, span.end):
            word = m.group()
            lower = word.lower()
            if (
                word[0].isupper()
                and not word.isupper()  # in capitals a rare word is as often a clinical one
                and len(lower) > 3
                and lexicon.zipf(lower) < 3.0
                and lower not in lexicon.generic_place_words()
                and lower not in _FACILITY_HEADS
                and lower not in lexicon.not_names()
            ):
                words.add(word)
    spans: list[Span] = []
    for word in words:
        pattern = re.compile(r"(?<![\p{L}\d'’\-])" + re.escape(word) + r"(?![\p{L}\d\-])")
        spans += [Span(m.start(), m.end(), "FACILITY", "same-place") for m in pattern.finditer(text)]
    return spans


# "ST BONIFACES", "ST. EULALIA'S": in capitals a saint's name is possessive and rare ("ST CHANGES"
# and "ST ELEV" are ECG findings).
_SAINT_CAPITALS = re.compile(r"\bST\.?\h+([A-Z]{3,}(?:'S|S))\b")
# Hospital acronyms by their shape: "…MC" (medical centre), "…MH" (memorial hospital), "…GH"
# (general hospital), "…UH" (university hospital). Clinical abbreviations of the same shape stay.
_ACRONYM = re.compile(r"(?<![\w&/\-])(?!(?:CMC|PMH|FMH|HGH|SMH|OLMC)\b)[A-Z]{1,3}(?:MC|MH|GH|UH)(?![\w&/\-])")
_LOWER_ACRONYM = re.compile(
    r"(?<=\b(?:to|at|from|in|transferred\h+to|transported\h+to)\h)(?!(?:cmc|pmh|fmh|hgh|smh|olmc)\b)"
    r"\p{Ll}{1,3}(?:mc|mh|gh|uh)(?![\w&/\-])"
)
# Numbered roads: "Rte 9", "Route 12 EB near mm 40", "State Rd 12", "COUNTY RD 7", "RT 21 WB NEAR MM 40".
_ROAD = re.compile(
    r"\b(?:(?i:rte|route|hwy|highway|(?:state|county|town)\h+(?:rd|road|route|hwy))\.?\h*#?\d{1,4}[A-Z]?"
    r"|(?i:rt)\.?\h*\d{1,4}(?=\h+(?i:eb|wb|nb|sb)\b))"
    r"(?:\h+(?i:eb|wb|nb|sb|eastbound|westbound|northbound|southbound))?"
    r"(?:\h+(?i:near|at|@)\h+(?i:mm|mile\h+marker)\h*\d+)?"
)
# A street named without its number after a place word: "on Wexley Rd", "off Tanner St".
_NAMED_STREET = re.compile(
    r"(?<=\b(?:on|off|at|near|along|to|from|of|crossing)\h+(?:the\h+)?)"
    r"(?:\p{Lu}[\p{Ll}'’\-]+\h+){1,3}(?!Dr\.?\h+\p{Lu})"
    r"(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Ln|Lane|Dr|Drive|Pike|Hwy|Ct|Court|Pl|Terr?|Terrace|Pkwy|Parkway)"
    r"\b\.?"
)
# "Kettering Valley Medical Center (KVMC)": an acronym defined in brackets after a place's name.
_BRACKETED = re.compile(r"\h*\((\p{Lu}{2,6})\)")


def _defined_acronyms(text: str, found: list[Span]) -> list[Span]:
    """Acronyms a note defines for a place, and every later use of them (in any case)."""
    acronyms: set[str] = set()
    for span in found:
        if span.type == "FACILITY":
            m = _BRACKETED.match(text, span.end)
            if m:
                acronyms.add(m.group(1))
            if span.source == "acronym":
                acronyms.add(text[span.start : span.end])
    spans: list[Span] = []
    for acronym in acronyms:
        if len(acronym) < 3 or lexicon.zipf(acronym.lower()) >= 3.5:
            continue
        pattern = re.compile(r"(?<![\w&/\-])" + re.escape(acronym) + r"(?![\w&/\-])", re.IGNORECASE)
        spans += [Span(m.start(), m.end(), "FACILITY", "acronym") for m in pattern.finditer(text)]
    return spans


def _generic_facility(name: str) -> bool:
    """True when nothing in the name points at one place ("Inpatient Pharmacy", "the Medical Center")."""
    words = [w.lower() for w in WORD.findall(name)]
    generic = lexicon.generic_place_words()
    facility_words = {"hospital", "medical", "center", "centre", "health", "clinic", "care", "system", "healthcare"}
    specific = [w for w in words if w not in generic and w not in facility_words]
    return not any(
        w not in lexicon.not_names() and (w in lexicon.cities() or census_name(w) or lexicon.zipf(w) < 3.0)
        for w in specific
    )


# A town after "lives in", "home to", "PCP in" may be a commoner word than after a bare "in"
# ("Milton"). Set for issue 14 while reading clinical-notes-dev: scored leave-one-setting-out
# by benchmarks/deid/loso.py.
STRONG_CUE_TOWN_MAX = 4.5
_STRONG_CUE = (
    r"\b(?:lives|living|resides|residing|moved|relocated|home|back|native|pcp|clinic|doctor|hospital)\h+"
    r"(?:alone\h+|here\h+|with\h+(?:[\p{L}'’\-]+\h+){1,4})?(?:in|to|of|from)\h+"
    # On the way, driving or flying in from a town: "on his way from Dunmore", "driving up from Lisle".
    r"|\b(?:way|driving|coming|flying|travell?ing)\h+(?:in\h+|up\h+|down\h+|over\h+|back\h+)?from\h+"
    # Where someone is, comes from or travels to: "I'm in Tórshavn", "originally from Kavala",
    # "based in Oulu", "flew to Narvik" (issue 14, general writing).
    r"|\b(?:i'?m|i\h+am|we'?re|we\h+are|based|stationed|born|raised|grew\h+up|staying|vacationing|holidaying)"
    r"\h+(?:in|at)\h+"
    r"|\b(?:flew|flying|travell?ing|travell?ed|a\h+trip|moving|relocating|emigrated)\h+(?:back\h+)?to\h+"
    r"|\b(?:originally|moved\h+here|came\h+here|arrived|emigrated|immigrated)\h+from\h+"
    # Arriving and returning somewhere, a town named as such, a street in a town: "arrived at
    # Lendrum", "returned to Kilbride", "the town of Aldmere", "a street in Ostrova" (issue 14).
    r"|\b(?:arrived|landed)\h+(?:back\h+)?(?:at|in)\h+|\breturned\h+(?:home\h+)?to\h+"
    r"|\b(?:city|town|village|municipality|university)\h+of\h+|\b(?:street|road|avenue|suburb)\h+in\h+"
)
# Searched backwards ((?r)) from the place: a cue must end right before it, so a reverse search
# fails after a character or two wherever none does.
_STRONG_PLACE_CUE = re.compile(rf"(?r)(?:{_STRONG_CUE})$", re.IGNORECASE)
# Where a strong cue can end: a preposition before a capital ("… from Kavala", "… to TROMSØ").
_PREPOSITION_BEFORE_CAPITAL = re.compile(r"\b(?i:in|to|of|from|at)\h+(?=\p{Lu})")
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\p{L}'’\-]+(?:\s+[A-Z][\p{L}'’\-]+){0,2}")


# After "lives in", "moved to", "way from": a capitalised word no English list knows is a town
# from elsewhere ("lives in Nagoya"); states and ordinary words stay ("lives in Vermont").
# Set for issue 14 items 1-3 while reading a dev-set miss: scored leave-one-setting-out.
FOREIGN_TOWN_MAX = 3.6
_STATE_NAME = re.compile(_STATE_NAMES + r"$")
_TOWN_AFTER_CUE = re.compile(r"\p{Lu}\p{Ll}[\p{L}'’\-]+(?:\h\p{Lu}\p{Ll}[\p{L}'’\-]+)?")


# The same in capitals in a note that is not ("flew to TROMSØ"): six letters or more, as clinical
# acronyms ("moved to MICU", "to LTACH") are shorter.
_TOWN_IN_CAPITALS = re.compile(r"\p{Lu}{6,}(?![\p{L}\d])")
# After where someone grew up, was born or is based, no clinical unit is meant: four letters do
# ("grew up in OSLO"), as long as no list knows the word.
_PERSONAL_CUE = re.compile(r"(?i:grew|born|raised|based|originally|here|emigrated|immigrated|flew|vacationing)\b")
_SHORT_TOWN_IN_CAPITALS = re.compile(r"\p{Lu}{4,}(?:\h\p{Lu}{2,})?(?![\p{L}\d])")
# A town in a note typed all in lower case, after such a cue: a word no English list knows
# ("my cousin lives in vellberg").
_LOWER_TOWN = re.compile(r"\p{Ll}[\p{Ll}'’\-]{3,}")
_LOWER_PLACE_CUE = re.compile(rf"(?:{_STRONG_CUE})(?=\p{{Ll}})", re.IGNORECASE)


def _foreign_towns(text: str) -> list[Span]:
    found: list[Span] = []
    capitals = _mostly_capitals(text)
    for at in _PREPOSITION_BEFORE_CAPITAL.finditer(text):
        cue = _STRONG_PLACE_CUE.search(text, max(0, at.end() - 80), at.end())
        if cue is None:
            continue
        m = _TOWN_AFTER_CUE.match(text, cue.end())
        if not m and not capitals:
            personal = _PERSONAL_CUE.search(cue.group()) is not None
            caps = (_SHORT_TOWN_IN_CAPITALS if personal else _TOWN_IN_CAPITALS).match(text, cue.end())
            if caps and all(_foreign_word(w) for w in caps.group().split()):
                found.append(Span(caps.start(), caps.end(), "ADDRESS", "town"))
            continue
        if not m:
            continue
        words = [w.lower() for w in m.group().split()]
        if _STATE_NAME.match(m.group()) or any(
            w in lexicon.not_names() or w in lexicon.drugs() or w in lexicon.generic_place_words() for w in words
        ):
            continue
        if max(lexicon.zipf(w) for w in words) < FOREIGN_TOWN_MAX and not census_name(words[0]):
            found.append(Span(m.start(), m.end(), "ADDRESS", "town"))
    if not any(c.isupper() for c in text):
        for cue in _LOWER_PLACE_CUE.finditer(text):
            town = _LOWER_TOWN.match(text, cue.end())
            word = town.group() if town else ""
            if town and lexicon.zipf(word) < 2.0 and _foreign_word(word) and word not in CUE_WORDS:
                found.append(Span(town.start(), town.end(), "ADDRESS", "town"))
    return found


def _cities(text: str) -> list[Span]:
    found: list[Span] = _foreign_towns(text)
    cities = lexicon.cities()
    for m in _CAPITALISED_RUN.finditer(text):
        words = list(_NON_SPACE.finditer(m.group()))
        i = 0
        while i < len(words):  # in capitals the run is the whole sentence: a city may start anywhere in it
            span = _city_at(text, m.start(), [w.group() for w in words[i:]], [w.start() for w in words[i:]], cities)
            if span:
                found.append(span)
                break
            i += 1
    return found


def _city_at(text: str, base: int, words: list[str], offsets: list[int], cities: frozenset[str]) -> Span | None:
    """The longest known city starting at words[0], if a cue says it is a place."""
    start = base + offsets[0]
    for n in range(len(words), 0, -1):
        name = text[start : base + offsets[n - 1] + len(words[n - 1])]
        if name.lower() not in cities:
            continue
        if _STATE_NAME.match(name):
            return None  # "lives in Oregon": a state, which Safe Harbor keeps, though towns share the name
        end = start + len(name)
        state = _STATE_AFTER.match(text, end)
        if state and state.group().strip(", ") in ("MD", "PA") and census_name(words[n - 1].lower()):
            state = None  # "Pemberton, MD" is a physician before it is a town in Maryland
        before = text[max(0, start - 60) : start]
        strong = bool(_STRONG_PLACE_CUE.search(before))
        cued = strong or bool(_PLACE_CUE.search(before)) or bool(state)
        frequency = min(lexicon.zipf(w) for w in words[:n])
        if cued and (frequency < 3.5 or state or (strong and frequency < STRONG_CUE_TOWN_MAX)):
            return Span(start, end, "ADDRESS", "city")
        return None
    return None


# "went home to sturbridge", "lives alone in chicopee": a town in lower case needs a strong cue.
_LOWER_CITY = re.compile(
    r"(?<=\b(?:lives|living|resides|moved|relocated|home|back)\h+(?:alone\h+)?(?:in|to)\h+)\p{Ll}+(?:\h\p{Ll}+)?"
)


def _lower_cities(text: str) -> list[Span]:
    found: list[Span] = []
    for m in _LOWER_CITY.finditer(text):
        words = m.group().split()
        for n in (2, 1):
            name = " ".join(words[:n])
            if len(words) >= n and name in lexicon.cities() and lexicon.zipf(name.split()[-1]) < 3.5:
                found.append(Span(m.start(), m.start() + len(name), "ADDRESS", "city"))
                break
    return found


# ---------------------------------------------------------------- streets written the European way
# Outside the US the house number follows the street ("Lindenweg 14", "Rua das Flores 25",
# "ul. Polna 7"), and the street type is a word of its own language: a prefix ("Rua", "Via",
# "ul.") or an ending ("-vej", "-straße", "-katu"). Patients and relatives give such addresses.
# Each house number is the anchor (one cheap pattern); the words before it are read in Python.
_HOUSE_NUMBER = re.compile(
    r"(?<=\p{L}\.?)\h+(\d{1,4}(?:[a-zA-Z](?![\p{L}]))?)"
    r"(?![\d/\-]|[.,]\d|\h*(?:%|°|(?i:fr|french|mg|mcg|ml|mm|cm|kg|g|l|mmhg|units?|hours?|hrs?|min)\b))"
)
# Street-type prefixes of Portuguese, Spanish, Catalan, French, Italian, Romanian, Polish, Bulgarian.
# Those that are English words too count only capitalised ("Via Roma 3", not "via line 2").
_STREET_PREFIXES = word_set(
    """ul. al. os. pl. avda. av. bd. bul. str. rua rue calle carrer avenida avinguda viale vicolo piazza piazzale
    largo strada calea aleja ulica travessa estrada praça praca rambla paseo camino chemin allée ruelle impasse
    rúa"""
)
_CAPITALISED_PREFIXES = frozenset({"Via", "Corso", "Plaza", "Place", "Boulevard", "Quai", "Cours"})
# Street-type endings of Danish, Norwegian, Swedish, German, Dutch, Finnish, Estonian, Icelandic,
# Hungarian and Czech street names, glued to the name ("Lindenweg") ...
_STREET_ENDINGS = tuple(
    word_set(
        """vej vejen gade gaden stræde strædet vænget plads gatan vägen väg stigen gränd torget veien vegen stien
    straße strasse str. weg gasse platz allee damm ufer straat laan plein gracht kade katu kuja polku tie tori raitti
    gata gaten tänav põik stræti straeti braut vegur utca útja ulice náměstí nábřeží"""
    )
)
# ... or a word of its own after it ("Trenerys gate 12", "Kossuth Lajos u. 3", "Erzsébet tér 9").
_STREET_TYPE_WORDS = word_set(
    "gate gata gaten vej gade weg straat laan tér út útja u. utca str. allé alle tie tee katu kuja veien vegen"
)
_NAME_PARTICLES = word_set(
    "da das de del della delle dei degli do dos du des la las le les los el van von der den am an im i d' l'"
)
# An address line with no street word at all: a number, a name no English list knows, a number,
# then where an address line goes on ("… Apt. 4", ", Town", the end of the line).
_BARE_STREET = re.compile(
    r"(?<![\p{L}\d.,:/\-])\d{1,6}\h+((?:\p{Lu}[\p{L}'’\-]*\h+){1,2})(\d{1,4}(?:[a-zA-Z](?!\p{L}))?)"
    r"(?=\.?(?:\h*,\h*\p{Lu}|\h*\n|\h*$|\h{2,}|\h+(?i:apt|suite|unit|ste)\b))"
)
# The French way, number first: "12 rue de la Paix", "56 Rue La Boétie, Lyon".
_NUMBER_FIRST_STREET = re.compile(
    r"(?<![\w.,:/\-])\d{1,4}(?:\h?(?:bis|ter))?,?\h+(?:rue|Rue|rua|Rua|rúa|calle|Calle|Via|chemin|Chemin|allée|Allée"
    r"|impasse|Impasse|Quai|Boulevard|Avenida|avenida)\h+(?:(?:d[eu]s?|la|le|les|da|do|dos|das|del|de\h+la)\h+|[ld][’']\h?)?"
    r"\p{L}[\p{L}'’\-]*(?:\h+\p{L}[\p{L}'’\-]*){0,3}?"
    r"(?=\h*(?:,|\n|$|\h{2}|>|\.(?!\p{L})|\h+(?i:apt|suite|st)\b))"
)
_LEADING_HOUSE_NUMBER = re.compile(r"(?<![\w\-/.:,])\d{1,6}\h+$")
_FOREIGN_TOWN_TAIL = re.compile(r",\h*\p{Lu}[\p{L}'’\-]+(?:\h+\p{Lu}[\p{L}'’\-]*){0,2}")
# A mailing label: the street, perhaps a unit, then the town on the next line or field
# ("Lindenweg 14 / Apt. 3 / BREMEN"), fields parted by line ends, wide spaces or marks.
_FIELD = r"(?:\h*(?:\n|[>|/;])\h*|\h{2,})"
_LABEL_TOWN = re.compile(
    rf"(?:{_FIELD}(?i:apt|apartment|suite|ste|unit)\.?\h*#?\w{{1,6}})?{_FIELD}"
    r"(\p{Lu}[\p{L}'’\-]+(?:\h\p{Lu}[\p{L}'’\-]+){0,2})(?=\h*(?:$|\n|[>|/;,]|\h{2}))"
)
_NON_SPACE = re.compile(r"\S+")
_UPPER_LETTER = re.compile(r"\p{Lu}")
_LOWER_LETTER = re.compile(r"\p{Ll}")
_CUE_OR_JOINER = frozenset({"and", "or", "the", "to", "of", "in", "at", "on", "for", "with"})


def _foreign_word(word: str) -> bool:
    """A word that is no English word nor a drug or clinical name: a foreign street or town."""
    lower = word.lower().strip(".")
    return (
        len(lower) > 2
        and lexicon.zipf(lower) < 3.0
        and lower not in lexicon.drugs()
        and lower not in lexicon.not_names()
    )


def _street_name(words: list[str]) -> bool:
    """Whether the words after a street type name a street: no drug or device, lower-case ones foreign."""
    named = [w for w in words if w.lower() not in _NAME_PARTICLES and not w[:1].isdigit()]
    return bool(named) and all(
        w.lower().strip(".") not in lexicon.drugs()
        and w.lower().strip(".") not in lexicon.not_names()
        and (w[:1].isupper() or _foreign_word(w))
        for w in named
    )


def _words_before(text: str, end: int, most: int) -> list[tuple[int, str]]:
    """Up to `most` words before `end` (offset, word), nearest last, stopping at a comma, a bracket or a line end."""
    base = max(0, end - 60)
    pieces = [(m.start(), m.group()) for m in _NON_SPACE.finditer(text, base, end)]
    if base > 0 and pieces and pieces[0][0] == base and not text[base - 1].isspace():
        pieces = pieces[1:]  # a word the window cut in half
    words: list[tuple[int, str]] = []
    for start, word in reversed(pieces):
        if len(words) == most or "\n" in text[start + len(word) : end] or any(ch in word for ch in ",;:()[]>|"):
            break
        words.append((start, word))
        end = start
    words.reverse()
    return words


# Words one of which `_street_start` needs before a house number: a street-type word or prefix
# (lower-cased), or a word ending in a street-type ending.
_STREET_CUES = _STREET_TYPE_WORDS | _STREET_PREFIXES | {w.lower() for w in _CAPITALISED_PREFIXES}


def _may_name_a_street(text: str, end: int) -> bool:
    """A cheap test before `_street_start(text, _words_before(text, end, 5))`: False only where
    that is None. Those words are pieces of this window, and splitting on str's whitespace (a
    little more than the pattern's `\\S+`) leaves every cue and ending whole."""
    return any(
        piece in _STREET_CUES or piece.endswith(_STREET_ENDINGS)
        for piece in text[max(0, end - 60) : end].lower().split()
    )


def _street_start(text: str, words: list[tuple[int, str]]) -> int | None:
    """Where the street name before a house number starts, if those words are one."""
    if not words:
        return None
    last = words[-1][1]
    lower = last.lower()
    # "Lindenweg 14", "hersnapvej 18": an ending glued to a word no English list knows
    if (
        lower.endswith(_STREET_ENDINGS)
        and lower not in _STREET_ENDINGS
        and _foreign_word(last)
        and (last[0].isupper() or last.islower())
    ):
        return words[-1][0]
    # "Trenerys gate 12", "Erzsébet tér 9"
    if lower in _STREET_TYPE_WORDS and len(words) >= 2 and words[-2][1][0].isupper() and _foreign_word(words[-2][1]):
        first = len(words) - 2
        if first > 0 and words[first - 1][1][:1].isupper() and _foreign_word(words[first - 1][1]):
            first -= 1  # "Kálmán Imre u. 12"
        return words[first][0]
    # "Rua das Flores 25", "ul. Polna 7", "Via dei Fiorentini 1"; "rue de pologne 36" typed in lower case
    for j in range(len(words) - 2, -1, -1):
        word = words[j][1]
        name = [w for _, w in words[j + 1 : -1]] + [last]
        capitalised = all(w[:1].isupper() or w.lower() in _NAME_PARTICLES or w[:1].isdigit() for w in name)
        lowered = word.islower() and "." not in word and all(w.islower() and w not in _CUE_OR_JOINER for w in name)
        if not (capitalised or lowered):
            return None
        prefix = (word.lower() in _STREET_PREFIXES and not word.isupper()) or word in _CAPITALISED_PREFIXES
        if prefix and (lowered or name[0][:1].isupper() or name[0].lower() in _NAME_PARTICLES) and _street_name(name):
            return words[j][0]
    return None


@lru_cache(maxsize=8)
def _mostly_capitals(text: str) -> bool:
    """Written in capitals (a device report): every word there looks like a name."""
    sample = text[:2000]
    upper, lower = len(_UPPER_LETTER.findall(sample)), len(_LOWER_LETTER.findall(sample))
    return upper + lower > 20 and upper > 0.8 * (upper + lower)


def foreign_streets(text: str) -> list[Span]:
    """Street addresses written with the number after the street: "Lindenweg 14, Bremen"."""
    if _mostly_capitals(text):
        return []  # in capitals every word looks like a name: "CALLED 911"
    found: list[Span] = []
    starts: list[tuple[int, int]] = []
    for m in _HOUSE_NUMBER.finditer(text):
        if not _may_name_a_street(text, m.start()):
            continue  # most numbers follow no street word: "HR 88", "x 2"
        start = _street_start(text, _words_before(text, m.start(), 5))
        if start is not None:
            starts.append((start, m.end()))
    for m in _NUMBER_FIRST_STREET.finditer(text):
        name = WORD.findall(m.group())[1:]  # the words after the street type
        if _street_name(name):
            starts.append((m.start(), m.end()))
    for m in _BARE_STREET.finditer(text):
        if all(_foreign_word(w) for w in WORD.findall(m.group(1))):
            starts.append((m.start(), m.end()))
    for start, end in starts:
        lead = _LEADING_HOUSE_NUMBER.search(text, max(0, start - 8), start)
        if lead:
            start = lead.start()  # "5049 Harjukuja 54": a building or box number first
        tail = _FOREIGN_TOWN_TAIL.match(text, end)
        if tail and all(_foreign_word(w) or w.lower() in lexicon.cities() for w in WORD.findall(tail.group())):
            end = tail.end()
        found.append(Span(start, end, "ADDRESS", "street-abroad"))
    return found


def label_towns(text: str, spans: list[Span]) -> list[Span]:
    """The town on the next line or field after a street address (a mailing label)."""
    found: list[Span] = []
    for span in spans:
        if span.type != "ADDRESS" or span.source not in ("street", "street-abroad"):
            continue
        town = _LABEL_TOWN.match(text, span.end)
        if not town:
            continue
        words = [w.lower() for w in WORD.findall(town.group(1))]
        if any(w in lexicon.drugs() or w in lexicon.not_names() or w in CUE_WORDS for w in words):
            continue
        if town.group(1).lower() in lexicon.cities() or any(_foreign_word(w) for w in words):
            found.append(Span(town.start(1), town.end(1), "ADDRESS", "label-town"))
    return found


# ---------------------------------------------------------------- the rest of a mailing label
# A label or letterhead is a block of short lines around the street line: the person, their
# company or title above it; the unit, town, region, postal code and country below it
# ("Ana Ruiz / Quillby Ltd / 12 Lindenweg 4 / Apt. 3 / BREMEN / Germany 28195"). Each line is
# taken only while it looks like a label field: a few capitalised words or codes, no label
# colon ("Mobile:") and no sentence. Lines may be quoted ("> ", "??? ") as in a forwarded mail.
_LINE_LEAD = re.compile(r"[\h>|?*•,]*")
_LABEL_WORD = re.compile(r"[\p{L}\d][\p{L}\d'’.\-&()]*")
_POSTAL_END = re.compile(r"(?:\b\d{3,6}|\b\d{3}\h\d{2}|\b\d{2,4}-\d{3}|\b[A-Z]{1,2}\d[A-Z\d]?\h\d[A-Z]{2})\h*$")
_INSTRUCTION_WORDS = word_set("if is are was to for with not when call please return see go")
_FIELD_JOINERS = word_set("and of & de la le du des van von der den da do di")
_UNIT_LINE = re.compile(r"(?i:apt|apartment|suite|ste)\.?\h*#?\d[\w\-]{0,5}")
_UNIT_AT_LINE_START = re.compile(r"\n[\h>|?*•,]*(?i:apt|apartment|suite|ste)\b")
_NEWLINE = re.compile(r"\n")
LABEL_LINES_BELOW = 4
LABEL_LINES_ABOVE = 3


def _lines(text: str) -> list[tuple[int, int]]:
    """Each line's content: (start, end) without its quote marks and surrounding spaces."""
    out: list[tuple[int, int]] = []
    start = 0
    for end in [*(m.start() for m in _NEWLINE.finditer(text)), len(text)]:
        lead = _LINE_LEAD.match(text, start, end)
        s = lead.end() if lead else start
        e = end
        while e > s and text[e - 1].isspace():
            e -= 1
        out.append((s, e))
        start = end + 1
    return out


def _label_field(field: str, *, lowered: bool, street_line: bool = False) -> bool:
    """A few capitalised words or codes, no colon and no sentence: "Aalborg NO 9100", "Quillby Ltd.".

    On the street's own line (`street_line`) what is left may be longer and hold a title or a
    role: "Mrs. Ana Ruiz Apt. 6 [street]"."""
    if not field or len(field) > (80 if street_line else 48) or ":" in field or field.endswith(("?", "!")):
        return False
    words = _LABEL_WORD.findall(field)
    if not words or len(words) > (8 if street_line else 5):
        return False
    postal = bool(_POSTAL_END.search(field))
    for word in words:
        lower = word.lower().strip(".")
        if lower in _INSTRUCTION_WORDS:
            return False  # "RETURN IF WORSE", "Call if fever": an instruction, not a field
        if not street_line and (lower in CUE_WORDS or lower in lexicon.drugs()):
            return False
        if word[0].isdigit() or word[0].isupper() or lower in _FIELD_JOINERS:
            continue
        if lowered and word.islower() and lexicon.zipf(lower) < 5.0:
            continue  # a label typed all in lower case ("rue du centre 320 / marke")
        if postal and len(lower) <= 3:
            continue  # a region code or a blank one ("ASKER nan 1386")
        return False
    return True


def _postal_line(text: str, start: int, end: int) -> bool:
    return 3 <= end - start <= 9 and _POSTAL_END.fullmatch(text, start, end) is not None


# A town and its postal code after "in": "based in Lindholm 4870", "in Vester Ulslev 4930,".
_TOWN_AND_POSTCODE = re.compile(
    r"\b(?i:in|at|from|to)\h+(\p{L}[\p{L}'’\-]+(?:\h(?:\p{L}[\p{L}'’\-]+|\p{Lu}))?)\h(\d{4,5}|\d{3}\h\d{2}|\d{2}-\d{3}|\d{4}-\d{3})(?=[\h,.;)]|$)"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_CLOCK = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d")
# A place after a "Where:" or "Venue:" label: "Where: Tollund Country Club".
_WHERE_LABEL = re.compile(r"(?i:\bwhere|\bvenue)\h*:\h*(\p{L}[^\n.;:!?]{1,60})")
# The town after a street and a comma, ending the line or sentence: "Rue Sidi Bakri 4, Cite Zarga".
_TOWN_AFTER_STREET = re.compile(r",\h*(\p{L}[\p{L}'’\-]*(?:\h(?:\p{L}[\p{L}'’\-]*|\p{Lu})){0,3})\h*(?=$|\n|\.(?!\w))")


# A street with its number and then the word "street" (the cue, not taken): "drops you off at
# 41 Vänrikvägen 12 St.",
# "lives on Obergasse 50 street"; and a street corner with a number: "the corner of Brivibas 40
# and Elm Court".
_NUMBER_THEN_STREET = re.compile(
    r"\b(?i:at|on|to)\h+((?:\d{1,6}\h+)?\p{L}[\p{L}'’\-]*\.?(?:\h+\p{L}[\p{L}'’\-]*\.?){0,3}\h+\d{1,5})"
    r"(?=\.?\h+(?i:st|street)\b)"
)
_CORNER = re.compile(
    r"\b(?i:the\h+corner\h+of)\h+(\p{L}[\p{L}'’\-]*(?:\h+\p{L}[\p{L}'’\-]*){0,3}\h+\d{1,5}"
    r"\h+and\h+\p{L}[\p{L}'’\-]*(?:\h+\p{L}[\p{L}'’\-]*){0,2})"
)


_STREET_WORD_AFTER_NUMBER = re.compile(r"\d\.?\h+(?i:st|street)\b")
_CORNER_HINT = re.compile(r"(?i:corner\h+of)")


def town_lines(text: str, spans: list[Span]) -> list[Span]:
    """Towns named with a postal code, after a "Where:" label, or after a street and a comma;
    streets numbered before the word "street" and street corners."""
    found: list[Span] = []
    if _STREET_WORD_AFTER_NUMBER.search(text) or _CORNER_HINT.search(text):
        for pattern in (_NUMBER_THEN_STREET, _CORNER):
            for m in pattern.finditer(text):
                words = [w.lower() for w in WORD.findall(m.group(1))]
                if not any(w in lexicon.drugs() or w in CUE_WORDS for w in words):
                    found.append(Span(m.start(1), _rstrip(text, m.start(1), m.end(1)), "ADDRESS", "street"))
    if any(c.isdigit() for c in text):
        lowered = not any(c.isupper() for c in text)
        for m in _TOWN_AND_POSTCODE.finditer(text):
            first = m.group(1).split()[0]
            if not (first[0].isupper() or lowered) or first.lower() in CUE_WORDS:
                continue
            if _CLOCK.fullmatch(m.group(2)) and not m.group().lower().startswith("in "):
                continue  # "to Linden 0821", "at 1500": a time of day, which stays
            if _YEAR.fullmatch(m.group(2)):
                continue  # "in early 2025"
            if _foreign_word(first) or (first.lower() in lexicon.cities() and lexicon.zipf(first.lower()) < 3.5):
                found.append(Span(m.start(1), m.end(2), "ADDRESS", "town-postcode"))
    if ":" in text:
        for m in _WHERE_LABEL.finditer(text):
            found.append(Span(m.start(1), _rstrip(text, m.start(1), m.end(1)), "ADDRESS", "where-label"))
    for span in spans:
        if span.type != "ADDRESS" or span.source not in ("street", "street-abroad"):
            continue
        tail = _TOWN_AFTER_STREET.match(text, span.end)
        if not tail:
            continue
        words = [w.lower() for w in WORD.findall(tail.group(1))]
        if any(w in CUE_WORDS or w in lexicon.drugs() or w in _UNIT_WORDS for w in words):
            continue
        if tail.group(1)[0].isupper() or text[span.start : span.end].islower():
            found.append(Span(tail.start(1), tail.end(1), "ADDRESS", "street-town"))
    return found


_UNIT_WORDS = frozenset({"apt", "apartment", "suite", "ste", "unit", "box", "floor", "room", "rm", "bed"})


def address_blocks(text: str, spans: list[Span]) -> list[Span]:
    """The other lines of a mailing label or letterhead around a street address."""
    streets = [s for s in spans if s.type == "ADDRESS" and s.source in ("street", "street-abroad")]
    units = _UNIT_AT_LINE_START.search(text) is not None
    if "\n" not in text or not (streets or units) or _mostly_capitals(text):
        return []  # most notes: no street and no flat on a line of its own, so no label to read
    lines = _lines(text)
    found: list[Span] = []
    # A flat or suite on a line of its own ("Apt. 905") says the line above, a number in it, is
    # the street, whatever its shape ("864 Piazzetta Rubiani 104").
    for j, (s, e) in enumerate(lines[1:] if units else [], start=1):
        above = text[lines[j - 1][0] : lines[j - 1][1]]
        if (
            _UNIT_LINE.fullmatch(text, s, e)
            and any(c.isdigit() for c in above)
            and _label_field(above, lowered=above.islower(), street_line=True)
        ):
            streets.append(Span(lines[j - 1][0], e, "ADDRESS", "street"))
            found.append(Span(lines[j - 1][0], lines[j - 1][1], "ADDRESS", "label-line"))
    if not streets:
        return []
    starts = [s for s, _ in lines]
    taken: set[int] = set()
    for street in streets:
        first = bisect.bisect_right(starts, street.start) - 1
        last = max(first, bisect.bisect_right(starts, street.end - 1) - 1)
        lowered = text[lines[first][0] : lines[last][1]].islower()
        rest = (text[lines[first][0] : street.start] + " " + text[street.end : lines[last][1]]).strip(" ,.;")
        if rest and not _label_field(rest, lowered=lowered, street_line=True):
            continue  # the street is named in a sentence, not on a label line
        for step, most, kind in ((1, LABEL_LINES_BELOW, "ADDRESS"), (-1, LABEL_LINES_ABOVE, "FACILITY")):
            j = last + 1 if step == 1 else first - 1
            blanks = lines_taken = 0
            while 0 <= j < len(lines) and lines_taken < most:
                s, e = lines[j]
                if s >= e:
                    blanks += 1
                    if blanks > 1:
                        break
                    j += step
                    continue
                if not _label_field(text[s:e], lowered=lowered) and not (
                    step == 1 and e - s <= 3 and j + 1 < len(lines) and _postal_line(text, *lines[j + 1])
                ):
                    break  # a blank region field ("nan", "-") before the postal code is still the label
                if j not in taken:
                    taken.add(j)
                    found.append(Span(s, e, kind, "label-line"))
                lines_taken += 1
                j += step
    return found
