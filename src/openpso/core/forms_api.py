"""`/api/v1/forms`: the Common Formats definitions this installation uses, as FHIR Questionnaires."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from openpso.commonformats.catalogue import catalogue
from openpso.commonformats.fhir import to_fhir_questionnaire
from openpso.commonformats.model import FORM_KINDS

router = Router(tags=["forms"])


class FormOut(Schema):
    key: str
    title: str
    version: str
    kind: str = Field(json_schema_extra={"enum": list(FORM_KINDS)})
    extension: bool
    provisional: bool
    triggers: list[str]
    provider_types: list[str]


@router.get("", url_name="form-list", response=list[FormOut], summary="The Common Formats forms and modules")
def list_forms(request: HttpRequest) -> list[FormOut]:
    return [
        FormOut(
            key=f.key,
            title=f.title,
            version=f.version,
            kind=f.kind,
            extension=f.extension,
            provisional=f.provisional,
            triggers=list(f.triggers.categories),
            provider_types=list(f.triggers.provider_types),
        )
        for f in sorted(catalogue().values(), key=lambda f: f.key)
    ]


@router.get(
    "/{family}/{name}/questionnaire",
    url_name="form-questionnaire",
    response=dict[str, Any],
    summary="One form as a FHIR R4 Questionnaire (answer with a QuestionnaireResponse)",
)
def form_questionnaire(request: HttpRequest, family: str, name: str) -> dict[str, Any]:
    definition = catalogue().get(f"{family}/{name}")
    if definition is None:
        raise Http404("No such form")
    return to_fhir_questionnaire(definition)
