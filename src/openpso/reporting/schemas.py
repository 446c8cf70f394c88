"""The shape of a new event report, shared by the web form and `POST /api/v1/reports`.

Types, ranges and code lists are checked here (pydantic); rules that need the database
(the unit belongs to the provider) are checked in `actions.file_report`.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from openpso.commonformats.definitions import INCIDENT, NEAR_MISS, OTHER_CATEGORY, UNSAFE_CONDITION, herf_core
from openpso.pswp.status import PswpStatus
from openpso.reporting.labels import EVENT_TYPE_PHRASES, answer_words, category_words

_HERF = herf_core()
NARRATIVE_MAX = _HERF["DE15"].max_length or 2000
MAX_ANSWERS = 1000
MAX_ANSWERS_BYTES = 200_000


def code_list(element_id: str, *, blank: bool = False) -> dict[str, Any]:
    """A Common Formats element's answer codes as the OpenAPI `enum`: the very codes the
    validators below check, so the document cannot drift from them. `blank` adds "" for an
    optional answer left empty."""
    return {"enum": [""] * blank + sorted(_HERF[element_id].codes)}


def code_lists(element_id: str) -> dict[str, Any]:
    """The same, for a list of answers (the schema of each item)."""
    return {"items": {"type": "string", **code_list(element_id)}}


PSWP_STATUSES: dict[str, Any] = {"enum": list(PswpStatus.values)}

# The harm validator's rule, stated in the OpenAPI document (JSON Schema if/then/else): an
# incident needs a harm level; a near miss or an unsafe condition has none.
HARM_RULE: dict[str, Any] = {
    "allOf": [
        {
            "if": {"properties": {"event_type": {"const": INCIDENT}}, "required": ["event_type"]},
            "then": {"properties": {"harm": {"minLength": 1}}, "required": ["harm"]},
            "else": {"properties": {"harm": {"const": ""}}},
        }
    ]
}


def _bad(code: str, message: str) -> PydanticCustomError:
    # `code` is the API's machine-readable contract; `message` is for people: the field's
    # label and the reason in words, codes at most in brackets (errors.in_words adds the label).
    return PydanticCustomError(code, message.replace("{", "{{").replace("}", "}}"))


class ReportIn(BaseModel):
    """A new report, with AHRQ Common Formats (HERF v1.2) codes."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra=HARM_RULE)

    provider: str = Field(description="Slug of the provider the event happened at")
    event_type: str = Field(
        description="DE3 What is being reported: A3 incident, A6 near miss, A9 unsafe condition",
        json_schema_extra=code_list("DE3"),
    )
    categories: list[str] = Field(
        description="DE21 category answer codes (A42…A66), one or more",
        json_schema_extra={**code_lists("DE21"), "minItems": 1, "uniqueItems": True},
    )
    category_other: str = Field(
        "", max_length=200, validate_default=True, description="DE21 'Other: please specify' text"
    )
    discovered_at: dt.datetime = Field(description="DE9 event discovery date and time")
    unit: int | None = Field(None, description="Id of the unit or location inside the provider")
    location_detail: str = Field("", max_length=500, description="DE18 location narrative")
    narrative: str = Field(min_length=1, max_length=NARRATIVE_MAX, description="DE15 brief narrative")
    patient_age_years: int | None = Field(None, ge=0, le=130, description="PIF age at the event, in years")
    patient_sex: str = Field(
        "", description="DE42 patient's gender: M, F or UNK", json_schema_extra=code_list("DE42", blank=True)
    )
    harm: str = Field(
        "",
        validate_default=True,
        description="PIF harm scale (LOINC 74560-4 answer), required for an incident",
        json_schema_extra=code_list("PIF/harm", blank=True),
    )
    anonymous: bool = Field(False, description="DE33 anonymous reporter")
    answers: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "Answers to the Common Formats event-module questions the categories call for (and the HERF "
            'identifiers DE46/47/49…), keyed by linkId, e.g. {"Medication/DE270": "A1197"}; a list of codes '
            "for a multiple-answer question; 'Other: please specify' text under \"<linkId>:other\". "
            "See GET /api/v1/forms for the definitions."
        ),
    )
    reporter_role: str = Field("", max_length=100, description="DE36 reporter's job or position")
    collected_for: str = Field(
        "",
        max_length=200,
        description=(
            "Leave empty for a report to the PSES (a PSWP candidate). Otherwise: information collected for "
            "another purpose, named in the provider's current PSES policy as collected outside the PSES (e.g. "
            "'Quality department incident log'). It is then recorded as not PSWP from the start, citing that "
            "policy version, and never reported to the PSO as PSWP (81 FR 32655). Only the provider's safety "
            "manager; not with `anonymous`."
        ),
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul_character(cls, value: Any) -> Any:
        # PostgreSQL's text and jsonb cannot hold U+0000 (Django's form fields refuse it too).
        if _holds_nul(value):
            raise _bad("nul_character", "contains a NUL character (U+0000), which no field accepts")
        return value

    @field_validator("answers")
    @classmethod
    def _answers_are_bounded(cls, value: dict[str, Any]) -> dict[str, Any]:
        # Every module together has a few hundred questions; anything far beyond is not a report.
        if len(value) > MAX_ANSWERS:
            raise _bad("too_many", f"there are more than {MAX_ANSWERS} answers")
        if len(json.dumps(value, default=str)) > MAX_ANSWERS_BYTES:
            raise _bad("too_long", f"the answers together exceed {MAX_ANSWERS_BYTES // 1000} kB")
        return value

    @field_validator("event_type")
    @classmethod
    def _event_type_is_a_de3_code(cls, value: str) -> str:
        if value not in _HERF["DE3"].codes:
            raise _bad(
                "unknown_code",
                "choose Incident [A3], Near miss [A6] or Unsafe condition [A9]",
            )
        return value

    @field_validator("categories")
    @classmethod
    def _categories_are_de21_codes(cls, value: list[str], info: object) -> list[str]:
        if not value:
            raise _bad("required", "choose at least one category")
        unknown = [code for code in value if code not in _HERF["DE21"].codes]
        if unknown:
            listed = ", ".join(repr(code)[:26] for code in unknown[:5])
            raise _bad("unknown_code", f"{listed} is not one of the categories of the Common Formats (DE21)")
        if len(set(value)) != len(value):
            raise _bad("duplicate", "a category is listed twice")
        event_type = getattr(info, "data", {}).get("event_type", "")
        conflicts = category_conflicts(event_type, value)
        if conflicts:
            raise _bad("not_collected", conflict_message(event_type, conflicts))
        return value

    @field_validator("category_other")
    @classmethod
    def _other_is_specified(cls, value: str, info: object) -> str:
        categories = getattr(info, "data", {}).get("categories") or []
        if OTHER_CATEGORY in categories and not value:
            raise _bad("required", "you chose Other: say what kind of event it was")
        return value

    @field_validator("discovered_at")
    @classmethod
    def _discovered_in_the_past(cls, value: dt.datetime, info: ValidationInfo) -> dt.datetime:
        from django.utils import timezone

        from openpso.organizations.timezones import provider_zone

        if timezone.is_naive(value):
            # A time without an offset is the provider's local time (organizations/timezones.py).
            value = timezone.make_aware(value, provider_zone(info.data.get("provider")))
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise _bad("in_future", "the time is in the future; give the time it was discovered")
        return value

    @field_validator("patient_sex")
    @classmethod
    def _sex_is_a_de42_code(cls, value: str) -> str:
        if value and value not in _HERF["DE42"].codes:
            raise _bad("unknown_code", "choose Male [M], Female [F] or Unknown [UNK]")
        return value

    @field_validator("harm")
    @classmethod
    def _harm_only_and_always_for_incidents(cls, value: str, info: object) -> str:
        data = getattr(info, "data", {})
        event_type = data.get("event_type")
        if value and value not in _HERF["PIF/harm"].codes:
            raise _bad("unknown_code", "choose one of the harm levels on the list (LOINC LL2819-2)")
        if event_type == INCIDENT and not value:
            raise _bad("required", "an incident needs a harm level (choose Unknown if not known)")
        if event_type in {NEAR_MISS, UNSAFE_CONDITION} and value:
            raise _bad(
                "not_applicable",
                "harm applies only to incidents; a near miss or unsafe condition did not reach or harm a patient",
            )
        return value


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False


def conflict_message(event_type: str, conflicts: list[str]) -> str:
    """Why these categories cannot go with this event type, in words, and what to do instead:
    "Fall [A48] is not collected for a near miss — choose Incident or remove Fall"."""
    named = [category_words(code) for code in conflicts]
    what = EVENT_TYPE_PHRASES.get(event_type, answer_words("DE3", event_type))
    if len(named) == 1:
        plain = named[0].rsplit(" [", 1)[0]
        return f"{named[0]} is not collected for {what} — choose Incident or remove {plain}"
    listed = ", ".join(named[:-1]) + " and " + named[-1]
    return f"{listed} are not collected for {what} — choose Incident or remove them"


def category_conflicts(event_type: str, categories: list[str]) -> list[str]:
    """Categories that AHRQ does not collect for this event type (USHIK, DE21)."""
    de21 = _HERF["DE21"]
    if event_type == NEAR_MISS:
        return [c for c in categories if not de21.answer(c).near_miss]
    if event_type == UNSAFE_CONDITION:
        return [c for c in categories if not de21.answer(c).unsafe_condition]
    return []


class FieldError(BaseModel):
    field: str
    code: str
    message: str


class ErrorOut(BaseModel):
    detail: str
    errors: list[FieldError] = []


class AnswerOut(BaseModel):
    """One answered question: its linkId, its text, the answer in words and its codes."""

    link_id: str
    question: str
    value: str
    codes: list[str]
    extension_codes: list[str] = Field(
        description=(
            "Those of `codes` that are OpenPSO extensions (OPSO-…), not AHRQ Common Formats codes: "
            "provisional answer codes of OpenPSO's own, to be mapped to AHRQ's when published"
        )
    )


class ReportOut(BaseModel):
    id: uuid.UUID
    short_id: str
    provider: str
    unit: int | None
    event_type: str = Field(json_schema_extra=code_list("DE3"))
    categories: list[str] = Field(json_schema_extra=code_lists("DE21"))
    discovered_at: dt.datetime
    reported_at: dt.datetime
    narrative: str
    location_detail: str
    patient_age_years: int | None
    patient_sex: str = Field(json_schema_extra=code_list("DE42", blank=True))
    harm: str = Field(json_schema_extra=code_list("PIF/harm", blank=True))
    anonymous: bool
    pswp_status: str = Field(json_schema_extra=PSWP_STATUSES)
    # The Common Formats modules the report answers, and every answer in words, so an API client needs no code list:
    # the reporter's answers as the safety team completed or corrected them.
    modules: list[str] = []
    answers: list[AnswerOut] = []


class ReportSummaryOut(Schema):
    id: uuid.UUID
    short_id: str
    provider: str = Field(validation_alias="provider.slug")
    event_type: str = Field(json_schema_extra=code_list("DE3"))
    categories: list[str] = Field(json_schema_extra=code_lists("DE21"))
    harm: str = Field(json_schema_extra=code_list("PIF/harm", blank=True))
    discovered_at: dt.datetime
    reported_at: dt.datetime
    pswp_status: str = Field(json_schema_extra=PSWP_STATUSES)
