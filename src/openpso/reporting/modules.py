"""Which Common Formats modules a report answers, and checking those answers.

A report's HERF core lives in typed columns (event type, categories, narrative …); the
answers to the event modules its categories call for (Medication, Fall …, and OpenPSO's EMS
extension for EMS agencies) and the HERF identifiers without a column of their own live in
`EventReport.answers`, keyed by linkId. Every answer is checked against the definition.
"""

from __future__ import annotations

from typing import Any

from openpso.commonformats.answers import validate
from openpso.commonformats.catalogue import form, modules_for
from openpso.commonformats.model import FormDefinition
from openpso.organizations.models import Organization
from openpso.reporting.errors import ReportInvalid
from openpso.reporting.schemas import FieldError, ReportIn

HERF = "cfer-h-1.2/herf"
# HERF items kept in `answers` (identifiers, encrypted with the rest): patient and neonate
# name, date of birth, record number and gender, and the reporter's contact details.
HERF_ANSWER_ITEMS = frozenset(
    {
        "HERF/DE46",
        "HERF/DE47",
        "HERF/DE49",
        "HERF/Hidden",
        "HERF/DE34",
        "HERF/DE37",
        "HERF/DE40",
        "HERF/DE43",
        "HERF/DE50",
        "HERF/DE52",
        "HERF/DE53",
    }
)
_YES, _NO = "A15", "A18"


def core_context(data: ReportIn) -> dict[str, Any]:
    """The HERF answers that the typed columns hold, by linkId, for cross-form skip logic."""
    context: dict[str, Any] = {"HERF/DE3": data.event_type, "HERF/DE21": list(data.categories)}
    if data.patient_sex:
        context["HERF/DE42"] = data.patient_sex
    context["HERF/DE33"] = _YES if data.anonymous else _NO
    return context


def modules_of(provider: Organization, data: ReportIn) -> list[FormDefinition]:
    return modules_for(categories=list(data.categories), provider_type=provider.provider_type or None)


def _belongs(link_id: str, definition: FormDefinition) -> bool:
    return definition.has_item(link_id.removesuffix(":other"))


def check_answers(*, provider: Organization, data: ReportIn) -> list[str]:
    """The keys of the modules this report answers; raises ReportInvalid naming each bad answer."""
    modules = modules_of(provider, data)
    context = core_context(data)
    errors: list[FieldError] = []
    for link_id in data.answers:
        if link_id.removesuffix(":other") in HERF_ANSWER_ITEMS:
            continue
        if not any(_belongs(link_id, m) for m in modules):
            errors.append(
                FieldError(
                    field=f"answers.{link_id}",
                    code="not_applicable",
                    message="not a question of the modules this report's categories call for",
                )
            )
    for definition in [form(HERF), *modules]:
        own = {k: v for k, v in data.answers.items() if _belongs(k, definition)}
        if definition.key == HERF:
            own = {k: v for k, v in own.items() if k.removesuffix(":other") in HERF_ANSWER_ITEMS}
        reads_herf = definition.key == HERF or HERF in definition.depends_on
        for problem in validate(definition, {**context, **own} if reads_herf else own, ignore_prefill=True):
            if problem.code == "required":
                # A frontline report may leave module questions for the safety team to
                # complete in the PSES (as with AHRQ's paper event forms); completeness is
                # checked when the event is submitted to the PSO, not at intake.
                continue
            if definition.key == HERF and problem.link_id not in own:
                continue  # the typed columns carry the HERF core and check it themselves
            errors.append(FieldError(field=f"answers.{problem.link_id}", code=problem.code, message=problem.message))
    if errors:
        raise ReportInvalid(errors)
    return [m.key for m in modules]
