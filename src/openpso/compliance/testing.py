"""Register entries for the shared test cast: one relationship disclosure and one security
assessment in each cast PSO, made once per cast (the tenancy matrix uses them). Text in the
second PSO's entries carries CANARY-ORG-pso2, so a leak to the first PSO shows in a page."""

from __future__ import annotations

import datetime as dt

from openpso.compliance.models import RelationshipDisclosure, RelationshipKind, SecurityAssessment
from openpso.testing.cast import Cast

# The provider each cast PSO's disclosure names.
DISCLOSURE_PROVIDER = {"pso1": "p1", "pso2": "p3"}


def cast_disclosures(cast: Cast) -> dict[str, RelationshipDisclosure]:
    found = {}
    for pso_key, provider_key in DISCLOSURE_PROVIDER.items():
        pso = cast.orgs[pso_key]
        existing = RelationshipDisclosure.objects.filter(pso=pso).first()
        found[pso_key] = existing or RelationshipDisclosure.objects.create(
            pso=pso,
            provider=cast.orgs[provider_key],
            kind=RelationshipKind.FINANCIAL,
            description=f"Grant from the provider's foundation. {_marker(pso_key)}",
            began_on=dt.date(2025, 3, 10),
        )
    return found


def cast_assessments(cast: Cast) -> dict[str, SecurityAssessment]:
    found = {}
    for pso_key in DISCLOSURE_PROVIDER:
        pso = cast.orgs[pso_key]
        found[pso_key] = SecurityAssessment.objects.filter(pso=pso).first() or SecurityAssessment.objects.create(
            pso=pso,
            performed_on=dt.date(2025, 6, 1),
            scope=f"Servers and backups. {_marker(pso_key)}",
            assessor=f"Assessor of {pso_key}",
            result="Controls effective.",
            next_due=dt.date(2026, 6, 1),
        )
    return found


def _marker(pso_key: str) -> str:
    return "CANARY-ORG-pso2" if pso_key == "pso2" else ""
