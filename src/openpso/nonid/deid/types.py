"""What the de-identification engine takes and gives: spans, a context, a policy, a result."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

# The span types the engine emits. They follow HIPAA Safe Harbor (45 CFR 164.514(b)(2)) and
# 42 CFR 3.212: people (patients, staff, relatives, reporters: one NAME-family per role when
# the engine can tell, else PERSON), every date element but the year, numbers and codes.
SPAN_TYPES = (
    "PATIENT",  # a name the context says is the patient's
    "STAFF",  # a clinician's or other workforce member's name (titles, roles, staff directory)
    "PERSON",  # a person's name whose role the engine cannot tell
    "DATE",  # dates in every clinical shape, days of the month ("on the 3rd")
    "TIME",  # never emitted: times of day stay (issue 14); kept so a reviewer's older TIME mark still reads
    "AGE",  # ages over 89 only (HIPAA allows younger ages to stay)
    "MRN",  # medical record, account, encounter, health-plan numbers
    "ID",  # other unique numbers: SSN, licence, device serial, certificate, vehicle
    "PHONE",  # telephone and fax numbers, pager and extension numbers
    "EMAIL",
    "URL",  # web addresses and IP addresses
    "ADDRESS",  # street addresses, cities, counties, ZIP codes (sub-state geography)
    "ROOM",  # room and bed numbers
    "FACILITY",  # names of hospitals, clinics, agencies and other providers
)
SpanType = str


@dataclass(frozen=True, order=True)
class Span:
    """One identifier found in the input: [start, end) character offsets into the input text."""

    start: int
    end: int
    type: SpanType
    source: str = ""  # which recognizer found it; kept for review and error analysis

    def as_json(self) -> dict[str, int | str]:
        return {"start": self.start, "end": self.end, "type": self.type}


@dataclass(frozen=True)
class ScrubContext:
    """What the provider already knows, so known identifiers are always caught.

    Names may be full names ("Maria Lopez") or single parts; each part of a full name is
    also looked for on its own. Identifiers are literal strings (MRN, account number …).
    """

    patient_names: tuple[str, ...] = ()
    staff_names: tuple[str, ...] = ()
    other_names: tuple[str, ...] = ()  # relatives, reporters, anyone else
    facility_names: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        *,
        patient_names: Iterable[str] = (),
        staff_names: Iterable[str] = (),
        other_names: Iterable[str] = (),
        facility_names: Iterable[str] = (),
        identifiers: Iterable[str] = (),
    ) -> ScrubContext:
        def clean(values: Iterable[str]) -> tuple[str, ...]:
            return tuple(sorted({v.strip() for v in values if v and v.strip()}))

        return cls(
            clean(patient_names), clean(staff_names), clean(other_names), clean(facility_names), clean(identifiers)
        )

    def is_empty(self) -> bool:
        return not (
            self.patient_names or self.staff_names or self.other_names or self.facility_names or self.identifiers
        )


DateHandling = Literal["placeholder", "year"]


@dataclass(frozen=True)
class Policy:
    """How found identifiers are replaced. Detection never depends on the policy."""

    # "placeholder" (the default, issue 14): every date becomes [DATE]. "year", asked for
    # explicitly: a date that carries a year keeps only the year ("[DATE 2024]"), which
    # 3.212(a)(2)(C) and Safe Harbor allow, except where the year would show an age over 89
    # (a date of birth, or a year 90 or more years back): those stay [DATE].
    dates: DateHandling = "placeholder"


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class ScrubResult:
    text: str  # the scrubbed text, identifiers replaced by typed placeholders
    spans: tuple[Span, ...] = field(default_factory=tuple)  # offsets into the *input* text, sorted
