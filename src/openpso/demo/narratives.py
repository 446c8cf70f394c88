"""Synthetic incident narratives with planted PHI and exact gold spans.

Each narrative is a scenario (`scenarios_*.py`) with its `{slot}`s filled from fictional
lists. Every planted identifier is recorded as a `Span(start, end, type)` (end
exclusive), so the later de-identification benchmark has exact gold labels. The types
follow what 42 CFR 3.212 and HIPAA safe harbor ask to remove: names (PATIENT, STAFF,
RELATIVE), all date elements but the year (DATE, TIME), record and other numbers (MRN,
ID), phone numbers (PHONE), sub-state geography (ADDRESS), rooms (ROOM), ages (AGE —
only ages over 89 must go, but all are labelled so a benchmark can choose), and the
names of providers (FACILITY).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from openpso.demo import names
from openpso.demo.scenario import FILLERS, NURSING_HOME, OUTCOMES, Scenario
from openpso.demo.scenarios_community import (
    AMBULATORY_SCENARIOS,
    EMS_SCENARIOS,
    NURSING_HOME_SCENARIOS,
    PHARMACY_SCENARIOS,
)
from openpso.demo.scenarios_hospital import HOSPITAL_SCENARIOS

MAX_LENGTH = 2000  # AHRQ DE15 maximum since Common Formats v1.2
SPAN_TYPES = (
    "PATIENT",
    "STAFF",
    "RELATIVE",
    "DATE",
    "TIME",
    "MRN",
    "ID",
    "PHONE",
    "ADDRESS",
    "ROOM",
    "AGE",
    "FACILITY",
)
ALL_SCENARIOS: tuple[Scenario, ...] = (
    HOSPITAL_SCENARIOS + EMS_SCENARIOS + NURSING_HOME_SCENARIOS + PHARMACY_SCENARIOS + AMBULATORY_SCENARIOS
)

_SLOT = re.compile(r"\{(\w+)\}")
_FEMALE_RELATIONS = {"daughter", "wife", "granddaughter", "niece", "sister"}
_MALE_RELATIONS = {"son", "husband", "brother"}
_PATIENT_SLOTS = {
    "patient",
    "patient_first",
    "patient_last",
    "He",
    "he",
    "His",
    "his",
    "him",
    "age",
    "years",
    "sexw",
    "dob",
    "mrn",
}
_PERSON_SLOTS = {  # slot -> (span type, rendered as surname only)
    "patient": ("PATIENT", False),
    "patient_first": ("PATIENT", False),
    "patient_last": ("PATIENT", False),
    "relative": ("RELATIVE", False),
    "rn": ("STAFF", False),
    "rn2": ("STAFF", False),
    "np": ("STAFF", False),
    "pa": ("STAFF", False),
    "staff": ("STAFF", False),
    "staff2": ("STAFF", False),
    "pharmacist": ("STAFF", False),
    "medic": ("STAFF", False),
    "medic2": ("STAFF", False),
    "dr": ("STAFF", True),
    "dr2": ("STAFF", True),
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Segment = tuple[str, str | None]  # text, span type (None: plain wording)


class Span(NamedTuple):
    start: int
    end: int
    type: str


@dataclass(frozen=True)
class Narrative:
    text: str
    spans: tuple[Span, ...]
    values: tuple[str, ...]  # the planted value behind each span, same order


@dataclass(frozen=True)
class Facts:
    """What the structured report says, so the story agrees with its own fields."""

    when: dt.datetime  # local wall-clock discovery time (DE9)
    setting: str  # provider type
    unit: str
    unit_type: str = ""
    age: int | None = None  # None: no patient (unsafe conditions)
    sex: str = "UNK"  # DE42 M / F / UNK
    harm: str = ""  # harm-scale LOINC answer; incidents only
    state: str = "PA"
    facilities: tuple[str, ...] = ("the receiving hospital",)


@dataclass
class Told:
    """What one telling fixed — the patient's name, the clinical fillers — so that another staff
    member's report of the same event (a planted duplicate) names the same patient and drugs."""

    scenario: str = ""
    patient: tuple[str, str] | None = None
    fill: dict[str, str] = field(default_factory=dict)


@cache
def _index() -> dict[tuple[str, str, str], tuple[Scenario, ...]]:
    index: dict[tuple[str, str, str], list[Scenario]] = {}
    for scenario in ALL_SCENARIOS:
        for setting in scenario.settings:
            for event_type in scenario.event_types:
                index.setdefault((setting, scenario.category, event_type), []).append(scenario)
    return {key: tuple(found) for key, found in index.items()}


def scenarios_for(*, setting: str, category: str, event_type: str) -> tuple[Scenario, ...]:
    return _index().get((setting, category, event_type), ())


def uses_patient(scenario: Scenario) -> bool:
    return bool(_PATIENT_SLOTS & set(_SLOT.findall(scenario.text)))


def write_narrative(rng: random.Random, *, scenario: Scenario, facts: Facts, told: Told | None = None) -> Narrative:
    """Fill one scenario; the same rng state and facts always give the same narrative.

    `told`, when given, starts the story from what an earlier telling fixed and keeps what this one
    fixes (an empty one changes no draw)."""
    template = scenario.text
    if "{outcome}" in template:
        # Harm applies only to incidents (AHRQ harm scale, DE3 = A3), so only they close
        # with an outcome sentence.
        outcome = rng.choice(OUTCOMES[facts.harm]) if facts.harm else ""
        template = template.replace("{outcome}", outcome).rstrip()
    writer = _Writer(rng, facts)
    if told is not None:
        writer.fill.update(told.fill)
        if told.patient is not None:
            writer.people["patient"] = told.patient
            writer.surnames.add(told.patient[1])
    parts: list[str] = []
    spans: list[Span] = []
    values: list[str] = []
    position, last = 0, 0
    for match in _SLOT.finditer(template):
        segments: list[Segment] = [(template[last : match.start()], None)]
        segments += writer.slot(match.group(1))
        last = match.end()
        for text, kind in segments:
            if kind is not None:
                spans.append(Span(position, position + len(text), kind))
                values.append(text)
            parts.append(text)
            position += len(text)
    parts.append(template[last:])
    text = "".join(parts)
    if told is not None:
        told.scenario = told.scenario or scenario.key
        told.patient = writer.people.get("patient", told.patient)
        told.fill.update(writer.fill)
    if text[:1].islower() and not (spans and spans[0].start == 0):
        text = text[0].upper() + text[1:]  # a sentence may open with a filler ("heparin …")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"scenario {scenario.key} renders over {MAX_LENGTH} characters")
    return Narrative(text=text, spans=tuple(spans), values=tuple(values))


class _Writer:
    """Fills slots; people, numbers and places keep one value per narrative."""

    def __init__(self, rng: random.Random, facts: Facts) -> None:
        self.rng = rng
        self.facts = facts
        self.people: dict[str, tuple[str, str]] = {}
        self.fill: dict[str, str] = {}
        self.fixed: dict[str, str] = {}
        self.surnames: set[str] = set()

    def slot(self, name: str) -> list[Segment]:
        if name in _PATIENT_SLOTS and self.facts.age is None:
            raise KeyError(f"slot {{{name}}} needs a patient, and these facts have none")
        if name in _PERSON_SLOTS:
            return [self._person(name)]
        method = getattr(self, f"_s_{name}", None)
        if method is not None:
            result: list[Segment] = method()
            return result
        return [(self._filler(name), None)]

    # People -------------------------------------------------------------------------

    def _person(self, name: str) -> Segment:
        kind, surname_only = _PERSON_SLOTS[name]
        key = "patient" if name.startswith("patient") else name
        if key not in self.people:
            self.people[key] = self._new_person(key)
        first, last = self.people[key]
        if name == "patient_first":
            return first, kind
        if name == "patient_last" or surname_only:
            return last, kind
        return f"{first} {last}", kind

    def _new_person(self, key: str) -> tuple[str, str]:
        rng = self.rng
        sex = self.facts.sex if key == "patient" else rng.choice("MF")
        if key == "relative":
            relation = self._filler("relation")
            sex = "F" if relation in _FEMALE_RELATIONS else "M" if relation in _MALE_RELATIONS else sex
        pool = {"F": names.FEMALE_FIRST, "M": names.MALE_FIRST}.get(sex)
        first = rng.choice(pool or rng.choice((names.FEMALE_FIRST, names.MALE_FIRST)))
        patient = self.people.get("patient")
        if key == "relative" and patient and self.fill.get("relation") != "neighbor" and rng.random() < 0.4:
            return first, patient[1]  # family often shares the patient's surname
        last = rng.choice(names.LAST)
        while last in self.surnames:
            last = rng.choice(names.LAST)
        self.surnames.add(last)
        return first, last

    def _pronoun(self, male: str, female: str, unknown: str) -> list[Segment]:
        return [({"M": male, "F": female}.get(self.facts.sex, unknown), None)]

    def _s_He(self) -> list[Segment]:
        return self._pronoun("He", "She", "The patient")

    def _s_he(self) -> list[Segment]:
        return self._pronoun("he", "she", "the patient")

    def _s_His(self) -> list[Segment]:
        return self._pronoun("His", "Her", "The patient's")

    def _s_his(self) -> list[Segment]:
        return self._pronoun("his", "her", "the patient's")

    def _s_him(self) -> list[Segment]:
        return self._pronoun("him", "her", "the patient")

    def _s_sexw(self) -> list[Segment]:
        return self._pronoun("male", "female", "patient")

    def _s_pt(self) -> list[Segment]:
        return [("resident" if self.facts.setting == NURSING_HOME else "patient", None)]

    def _s_Pt(self) -> list[Segment]:
        return [("Resident" if self.facts.setting == NURSING_HOME else "Patient", None)]

    # Ages and dates -----------------------------------------------------------------

    def _s_years(self) -> list[Segment]:
        return [(str(self.facts.age), "AGE")]

    def _s_age(self) -> list[Segment]:
        suffix = self.rng.choice(("-year-old", " y/o", "yo", " yo", " y.o."))
        return [(str(self.facts.age), "AGE"), (suffix, None)]

    def _date(self, day: dt.date) -> list[Segment]:
        shape = self.rng.randrange(6)
        if shape == 5:  # "on the 3rd": only the day is the date element
            return [("the ", None), (_ordinal(day.day), "DATE")]
        text = (
            f"{day.month}/{day.day}",
            f"{day:%m/%d/%Y}",
            f"{day.day}-{_MONTHS[day.month - 1]}",
            f"{_MONTHS[day.month - 1]} {day.day}",
            f"{day.month}/{day.day}/{day:%y}",
        )[shape]
        return [(text, "DATE")]

    def _offset_day(self, key: str, low: int, high: int) -> dt.date:
        if key not in self.fixed:
            days = self.rng.randint(low, high)
            self.fixed[key] = (self.facts.when.date() + dt.timedelta(days=days)).isoformat()
        return dt.date.fromisoformat(self.fixed[key])

    def _s_date(self) -> list[Segment]:
        return self._date(self.facts.when.date())

    def _s_date_prev(self) -> list[Segment]:
        return self._date(self._offset_day("date_prev", -4, -1))

    def _s_date_next(self) -> list[Segment]:
        return self._date(self._offset_day("date_next", 1, 3))

    def _s_dob(self) -> list[Segment]:
        if "dob" not in self.fixed:
            self.fixed["dob"] = _birth_date(self.rng, self.facts.when.date(), self.facts.age or 0)
        born = dt.date.fromisoformat(self.fixed["dob"])
        text = f"{born:%m/%d/%Y}" if self.rng.random() < 0.6 else f"{born.month}/{born.day}/{born.year}"
        return [(text, "DATE")]

    def _time(self, at: dt.datetime) -> list[Segment]:
        hour12 = at.hour % 12 or 12
        ampm = "AM" if at.hour < 12 else "PM"
        shapes = (f"{at:%H%M}", f"{at:%H:%M}", f"{hour12}:{at:%M} {ampm}", f"{hour12}:{at:%M}{ampm.lower()}")
        return [(self.rng.choice(shapes), "TIME")]

    def _s_time(self) -> list[Segment]:
        return self._time(self.facts.when)

    def _s_time0(self) -> list[Segment]:
        minutes = int(self._number("time0", lambda: str(self.rng.randint(20, 240))))
        return self._time(self.facts.when - dt.timedelta(minutes=minutes))

    def _s_time2(self) -> list[Segment]:
        minutes = int(self._number("time2", lambda: str(self.rng.randint(10, 120))))
        return self._time(self.facts.when + dt.timedelta(minutes=minutes))

    # Numbers and places -------------------------------------------------------------

    def _number(self, key: str, make: Callable[[], str]) -> str:
        if key not in self.fixed:
            self.fixed[key] = make()
        return self.fixed[key]

    def _s_mrn(self) -> list[Segment]:
        rng = self.rng
        return [
            (
                self._number(
                    "mrn",
                    lambda: (
                        str(rng.randint(10**6, 10**9 - 1)).zfill(9)
                        if rng.random() < 0.3
                        else str(rng.randint(10**6, 10**8))
                    ),
                ),
                "MRN",
            )
        ]

    def _s_run_no(self) -> list[Segment]:
        year = self.facts.when.year % 100
        return [("#", None), (self._number("run", lambda: f"{year:02d}-{self.rng.randint(1, 99999):06d}"), "ID")]

    def _s_phone(self) -> list[Segment]:
        def make() -> str:
            area = self.rng.choice(names.AREA_CODES.get(self.facts.state, ("717",)))
            line = f"{self.rng.randint(100, 199):04d}"  # 555-0100…0199: reserved for fiction
            return self.rng.choice((f"({area}) 555-{line}", f"{area}-555-{line}", f"{area}.555.{line}"))

        return [(self._number("phone", make), "PHONE")]

    def _s_address(self) -> list[Segment]:
        def make() -> str:
            rng = self.rng
            street = f"{rng.randint(2, 9899)} {rng.choice(names.STREET)} {rng.choice(names.STREET_SUFFIX)}"
            return f"{street}, {rng.choice(names.TOWNS)}" if rng.random() < 0.4 else street

        return [(self._number("address", make), "ADDRESS")]

    def _s_room(self) -> list[Segment]:
        rng = self.rng
        if self.facts.unit_type == "ed":
            number = self._number("room", lambda: str(rng.randint(1, 32)))
            return [(rng.choice(("bay ", "ED bed ", "room ")), None), (number, "ROOM")]
        number = self._number(
            "room", lambda: f"{rng.randint(1, 6)}{rng.randint(1, 40):02d}" + rng.choice(("", "", "A", "B", "-1", "-2"))
        )
        return [(rng.choice(("room ", "room ", "rm ", "Rm ")), None), (number, "ROOM")]

    def _s_facility(self) -> list[Segment]:
        return [(self._number("facility", lambda: self.rng.choice(self.facts.facilities)), "FACILITY")]

    def _s_unit(self) -> list[Segment]:
        return [(self.facts.unit, None)]

    def _filler(self, name: str) -> str:
        if name not in self.fill:
            for keys, rows in FILLERS.values():
                if name in keys:
                    self.fill.update(zip(keys, self.rng.choice(rows), strict=True))
                    break
            else:
                raise KeyError(f"unknown narrative slot {{{name}}}")
        return self.fill[name]


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _birth_date(rng: random.Random, on: dt.date, age: int) -> str:
    """A birthday that makes the person exactly `age` on `on` (Feb 29 avoided)."""
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    year = on.year - age - (1 if (month, day) > (on.month, on.day) else 0)
    return dt.date(year, month, day).isoformat()
