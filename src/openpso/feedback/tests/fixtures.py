"""Feedback objects for the shared test cast, made once per cast (the tenancy matrix uses them).

Every cast agreement gets every feedback product except `p1b`'s, which has none (so a member
without the product is always in view). Each cast PSO publishes one alert to its receiving
members; every organisation that can hold a report gets one finished report of each kind it
can hold. Text in the second PSO's objects carries CANARY-ORG-pso2, so a leak shows in a page.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from openpso.feedback.models import AlertStatus, AlertTarget, FeedbackReport, ReportKind, ReportStatus, SafetyAlert
from openpso.organizations.models import FeedbackProduct
from openpso.testing.cast import Cast

ALL_PRODUCTS = [str(p.value) for p in FeedbackProduct]
PERIOD = dt.date(2026, 9, 1)


def give_products(cast: Cast, *, products: list[str] | None = None, without: tuple[str, ...] = ("p1b",)) -> None:
    for key, agreement in cast.agreements.items():
        agreement.feedback_products = [] if key in without else list(products or ALL_PRODUCTS)
        agreement.save(update_fields=["feedback_products"])


def cast_alerts(cast: Cast) -> dict[str, SafetyAlert]:
    """One published alert per cast PSO, sent to each member that receives alerts."""
    give_products(cast)
    found = {}
    for pso_key, members in {"pso1": ("p1", "p2"), "pso2": ("p3",)}.items():
        pso = cast.orgs[pso_key]
        alert = SafetyAlert.objects.filter(pso=pso).first()
        if alert is None:
            alert = SafetyAlert.objects.create(
                pso=pso,
                title=f"Falls while toileting at night {_marker(pso_key)}",
                hazard="Unassisted night-time toileting.",
                evidence="Pooled falls rose over six months.",
                recommended_actions="Scheduled toileting rounds.",
                categories=["A48"],
                status=AlertStatus.PUBLISHED,
                published_at=timezone.now(),
            )
            AlertTarget.objects.bulk_create([AlertTarget(alert=alert, provider=cast.orgs[k]) for k in members])
        found[pso_key] = alert
    return found


def cast_targets(cast: Cast) -> dict[str, AlertTarget]:
    """Each member's copy of its PSO's cast alert, by the member's cast key."""
    cast_alerts(cast)
    return {key: AlertTarget.objects.get(provider=cast.orgs[key]) for key in ("p1", "p2", "p3")}


# The organisations each kind of cast report is for.
REPORT_ORGS = {
    ReportKind.PROVIDER_MONTHLY: ("p1", "p2", "p3"),
    ReportKind.REPORTER_DIGEST: ("p1", "p2"),
    ReportKind.SYSTEM: ("sys1", "sys2"),
    ReportKind.PSO_LEARNING: ("pso1", "pso2"),
}


def cast_reports(cast: Cast) -> dict[str, FeedbackReport]:
    """A finished report per (kind, organisation) above, keyed "kind:org"."""
    give_products(cast)
    found = {}
    for kind, keys in REPORT_ORGS.items():
        for key in keys:
            org = cast.orgs[key]
            report = FeedbackReport.objects.filter(kind=kind, organization=org).first()
            found[f"{kind}:{key}"] = report or FeedbackReport.objects.create(
                kind=kind,
                organization=org,
                period=PERIOD,
                status=ReportStatus.DONE,
                progress=100,
                html=f"<p>Report for {org.name}.</p>",
                pdf=b"%PDF-1.7 cast",
            )
    return found


def _marker(pso_key: str) -> str:
    return "CANARY-ORG-pso2" if pso_key == "pso2" else ""
