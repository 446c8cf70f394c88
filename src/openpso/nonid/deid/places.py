"""Names of places: facilities (hospitals, clinics, agencies …) and sub-state geography.

A facility is found from its facility word ("Hospital", "Medical Center", "EMS") and the
capitalised name before it; cities and counties from the US gazetteer, with a cue ("in",
"from", ", PA"). Generic names ("the Emergency Department") stay.
"""

from __future__ import annotations

import regex as re

from openpso.nonid.deid import lexicon
from openpso.nonid.deid.text import WORD, census_name, is_upper_text, word_set
from openpso.nonid.deid.types import Span

_FACILITY_WORDS = (
    r"(?i:Hospital|Medical\h+Center|Medical\h+Centre|Health\h+Center|Health\h+System|Healthcare|Health\h+Care|Clinic"
    r"|Nursing\h+(?:Home|Center|Facility)|Care\h+Center|Rehabilitation\h+(?:Center|Hospital)|Rehab(?:ilitation)?"
    r"|Surgery\h+Center|Surgical\h+(?:Center|Hospital)|Cancer\h+(?:Center|Institute)|Infirmary|Hospice|Pharmacy"
    r"|Drug(?:store)?|Ambulance(?:\h+(?:Service|Corps))?|EMS|Fire\h+(?:Department|Dept\.?|Rescue|District|Company)"
    r"|Rescue\h+Squad|Medical\h+Group|Physicians|Associates|Urgent\h+Care|Manor|Senior\h+Living|Assisted\h+Living"
    r"|Health|Medicine|Pediatrics|Orthopedics|Family\h+Practice|Family\h+Medicine|Dialysis(?:\h+Center)?"
    r"|Imaging(?:\h+Center)?|Laboratories|Lab|Institute|University|College|School|Church|Prison|Jail"
    r"|Correctional\h+Facility|Shelter|Police\h+Department|Sheriff'?s\h+Office)"
)
# Only the facility word is matched by a pattern; the name around it is read word by word
# (`_facility`), which keeps the cost linear however many capitalised words a note has.
_FACILITY_HEAD = re.compile(rf"\b{_FACILITY_WORDS}\b")
_SAINT = re.compile(r"\b(?:St\.?|Saint)\h+[A-Z][\p{L}'’\-]+(?:'s)?(?:\h+[A-Z][\p{L}'’\-]+){0,3}")
_PLACE_CUE = re.compile(
    r"(?:\b(?:in|from|to|at|near|of|outside|lives|living|resides|moved|transferred|transported)\s+)$", re.IGNORECASE
)
_STATE_AFTER = re.compile(
    r",\s*(?-i:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC"
    r"|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)\b"
    r"|,?\s*(?:Alabama|Alaska|Arizona|Arkansas|California|Colorado"
    r"|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine"
    r"|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New\s+Hampshire"
    r"|New\s+Jersey|New\s+Mexico|New\s+York|North\s+Carolina|North\s+Dakota|Ohio|Oklahoma|Oregon|Pennsylvania"
    r"|Rhode\s+Island|South\s+Carolina|South\s+Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington"
    r"|West\s+Virginia|Wisconsin|Wyoming)\b"
)


_FACILITY_HEADS = word_set(
    """hospital medical health clinic nursing care rehabilitation rehab surgery surgical cancer infirmary hospice
    pharmacy drug drugstore ambulance ems fire rescue physicians associates urgent manor senior assisted medicine
    pediatrics orthopedics family dialysis imaging laboratories lab institute university college school church
    prison jail correctional shelter police sheriff healthcare"""
)
_JOINERS = frozenset({"of", "and", "&", "the", "st", "saint"})


def _facility(text: str, head_start: int, head_end: int, *, upper: bool) -> Span | None:
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
        if not (_SPACE_GAP.fullmatch(gap) or (gap.startswith(".") and word.group().lower() == "st")):
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
    if _generic_facility(text[start:end]):
        return None
    return Span(start, end, "FACILITY", "facility")


_SPACE_GAP = re.compile(r"\h+")
_TAIL_GAP = re.compile(r"\h+(?:of\h+)?|\h*[-–,]\h*")


def find(text: str) -> list[Span]:
    """Facility names and sub-state place names (cities, counties)."""
    upper = is_upper_text(text)
    found = [s for m in _FACILITY_HEAD.finditer(text) if (s := _facility(text, m.start(), m.end(), upper=upper))]
    found += [Span(m.start(), m.end(), "FACILITY", "saint") for m in _SAINT.finditer(text)]
    found += _cities(text)
    return found


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


def _cities(text: str) -> list[Span]:
    found: list[Span] = []
    cities = lexicon.cities()
    for m in re.finditer(r"\b[A-Z][\p{L}'’\-]+(?:\s+[A-Z][\p{L}'’\-]+){0,2}", text):
        words = m.group().split()
        # Longest known city that starts the run.
        for n in range(len(words), 0, -1):
            name = " ".join(words[:n])
            if name.lower() not in cities:
                continue
            end = m.start() + len(name)
            state = _STATE_AFTER.match(text, end)
            if state and state.group().strip(", ") in ("MD", "PA") and census_name(words[n - 1].lower()):
                state = None  # "Pemberton, MD" is a physician before it is a town in Maryland
            cued = bool(_PLACE_CUE.search(text, max(0, m.start() - 20), m.start())) or bool(state)
            common = all(lexicon.zipf(w) >= 3.5 for w in words[:n])
            if cued and (not common or state):
                found.append(Span(m.start(), end, "ADDRESS", "city"))
            break
    return found
