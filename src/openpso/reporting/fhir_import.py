"""Reports from FHIR QuestionnaireResponses answering a Common Formats form (HERF, Medication …).

`openpso import` and `POST /api/v1/reports/fhir` both come through here. The response is
parsed and checked by `openpso.commonformats`; this module turns its answers into the
report's typed columns and module answers. Rules where a form does not say everything a
report needs are written down in `_event_type_of` and `_core_from_module`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from openpso.commonformats.answers import AnswerError
from openpso.commonformats.catalogue import form
from openpso.commonformats.fhir_response import parse_questionnaire_response
from openpso.commonformats.model import FormDefinition
from openpso.organizations.models import Organization
from openpso.reporting.errors import ReportInvalid, field_errors
from openpso.reporting.modules import HERF, HERF_ANSWER_ITEMS
from openpso.reporting.schemas import FieldError, ReportIn

UNKNOWN_HARM = "LA4489-6"
_YES, _NO = "A15", "A18"


def iter_responses(document: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """A QuestionnaireResponse, or each one in a Bundle (transaction, batch or collection)."""
    if document.get("resourceType") == "Bundle":
        for entry in document.get("entry") or []:
            resource = entry.get("resource") if isinstance(entry, Mapping) else None
            if isinstance(resource, Mapping):
                yield resource
    else:
        yield document


def source_key(provider: Organization, qr: Mapping[str, Any]) -> str:
    """Identifies one response from one provider, so importing it again changes nothing."""
    identifier = qr.get("identifier")
    ident = f"{identifier.get('system', '')}|{identifier.get('value', '')}" if isinstance(identifier, Mapping) else ""
    basis = f"fhir-import\x00{provider.pk}\x00{qr.get('id', '')}\x00{ident}\x00{qr.get('questionnaire', '')}"
    if not qr.get("id") and not ident:
        basis += "\x00" + repr(sorted(qr.items()))  # no id: the content itself identifies it
    return hashlib.sha256(basis.encode()).hexdigest()


def _errors(problems: list[AnswerError]) -> list[FieldError]:
    return [FieldError(field=p.link_id, code=p.code, message=p.message) for p in problems]


def report_from_response(qr: Mapping[str, Any], *, provider: Organization) -> ReportIn:
    """The report a response describes; raises ReportInvalid naming each offending linkId."""
    parsed = parse_questionnaire_response(qr)
    # Unknown codes, wrong types and contradictions refuse the import; unanswered questions do
    # not (as at intake, the safety team may complete them in the PSES).
    problems = [p for p in parsed.errors if p.code != "required"]
    if problems:
        raise ReportInvalid(_errors(problems))
    definition = form(parsed.form_key)
    report_date = next((v for k, v in parsed.answers.items() if k.endswith("/DE30") and isinstance(v, str)), None)
    answers = {k: v for k, v in parsed.answers.items() if not definition.item(k.removesuffix(":other")).hidden}
    if definition.key == HERF:
        data = _core_from_herf(answers, qr)
    elif definition.kind == "module":
        data = _core_from_module(definition, answers, qr, report_date)
    else:
        raise ReportInvalid(
            [
                FieldError(
                    field="questionnaire",
                    code="unsupported",
                    message=f"{definition.title} cannot start a report; send the HERF",
                )
            ]
        )
    data["provider"] = provider.slug
    try:
        return ReportIn.model_validate(data)
    except ValidationError as exc:
        raise ReportInvalid(field_errors(exc)) from None


def _when(date_text: str | None, time_text: str | None) -> dt.datetime | None:
    if not date_text:
        return None
    day = dt.date.fromisoformat(date_text[:10])
    moment = dt.time.fromisoformat(time_text) if time_text else dt.time(0, 0)
    return dt.datetime.combine(day, moment)  # no offset: ReportIn reads it in the provider's zone


def _core_from_herf(answers: dict[str, Any], qr: Mapping[str, Any]) -> dict[str, Any]:
    event_type = answers.get("HERF/DE3", "")
    categories = answers.get("HERF/DE21", [])
    return {
        "event_type": event_type,
        "categories": categories if isinstance(categories, list) else [categories],
        "category_other": answers.get("HERF/DE21:other", ""),
        "discovered_at": _when(answers.get("HERF/DE9a"), answers.get("HERF/DE9b")) or _authored(qr),
        "narrative": answers.get("HERF/DE15", ""),
        "location_detail": answers.get("HERF/DE18", ""),
        "patient_sex": answers.get("HERF/DE42", ""),
        "anonymous": answers.get("HERF/DE33") == _YES,
        "reporter_role": answers.get("HERF/DE36", ""),
        # The HERF carries no harm level (the PIF does): an imported incident starts as Unknown.
        "harm": UNKNOWN_HARM if event_type == "A3" else "",
        "answers": {k: v for k, v in answers.items() if k.removesuffix(":other") in HERF_ANSWER_ITEMS},
    }


def _authored(qr: Mapping[str, Any]) -> dt.datetime | None:
    authored = qr.get("authored")
    if not isinstance(authored, str) or not authored:
        return None
    # Without an offset it stays naive: ReportIn reads it in the provider's zone.
    return dt.datetime.fromisoformat(authored) if "T" in authored else _when(authored, None)


def _event_type_of(definition: FormDefinition, answers: dict[str, Any]) -> str:
    """DE3 for a module-only response, from what the module says happened.

    Medication: an unsafe condition when DE288 says so (A1260); otherwise an incident when the
    substance was given to the patient (DE336 = Yes), a near miss when it was not (DE336 = No).
    Other modules, and medication responses that say neither, are taken as incidents.
    """
    flat = dict(answers)
    for value in answers.values():
        if isinstance(value, list) and value and isinstance(value[0], Mapping):
            for entry in value:
                flat.update(entry)
    if flat.get("Medication/DE288") == "A1260":
        return "A9"
    if flat.get("Medication/DE336") == _NO:
        return "A6"
    return "A3"


def _core_from_module(
    definition: FormDefinition, answers: dict[str, Any], qr: Mapping[str, Any], report_date: str | None
) -> dict[str, Any]:
    event_type = _event_type_of(definition, answers)
    categories = list(definition.triggers.categories[:1])
    subject = qr.get("subject")
    patient = subject.get("display") if isinstance(subject, Mapping) else None
    extra = {"HERF/DE46": patient} if patient and event_type == "A3" else {}
    return {
        "event_type": event_type,
        "categories": categories,
        # No discovery time in a module: the response's authored date, else its report date (DE30).
        "discovered_at": _authored(qr) or _when(report_date, None),
        # The module has no narrative of its own (DE15 is on the HERF): say where this came from.
        "narrative": f"Imported from a FHIR QuestionnaireResponse ({definition.title}, Common Formats "
        f"v{definition.version}). No narrative was sent; see the module answers.",
        "harm": UNKNOWN_HARM if event_type == "A3" else "",
        "answers": {**answers, **extra},
    }
