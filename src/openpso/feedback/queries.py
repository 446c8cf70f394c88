"""Tenancy for feedback: every page and command looks alerts and reports up through here.

- the PSO's analysts and administrators write alerts and see every member's response;
- a member's safety manager and PSES committee see the alerts sent to their provider and answer them;
- a health-system safety officer sees the responses of affiliates whose agreement shares with the system;
- a report is read only inside its own organisation (and the PSO learning report by the members whose
  agreement includes it), because a provider's report carries that provider's own PSWP.

Anything else raises Http404, exactly as a missing object does (invariant 1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from openpso.audit.actor import Actor
from openpso.feedback.models import AlertStatus, AlertTarget, FeedbackReport, ReportKind, SafetyAlert
from openpso.organizations.models import FeedbackProduct, Organization, OrgKind
from openpso.organizations.queries import (
    active_agreements,
    agreement_in_force,
    orgs_where,
    providers_shared_with_system,
    pso_staff_psos_for,
    systems_for,
)
from openpso.organizations.roles import PSO_STAFF_ROLES, Role

MEMBER_SAFETY_TEAM = [Role.SAFETY_MANAGER, Role.PSES_COMMITTEE]
REPORTING_ROLES = [Role.REPORTER, Role.SAFETY_MANAGER, Role.PSES_COMMITTEE]
SENT = [AlertStatus.PUBLISHED, AlertStatus.WITHDRAWN]
# Roles that may hold some feedback report (auditors read the audit log, not reports).
REPORT_READERS = [*REPORTING_ROLES, Role.SYSTEM_SAFETY_OFFICER, *PSO_STAFF_ROLES]


def _get(queryset: QuerySet[Any], pk: Any, what: str) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No such {what}") from None


# --- agreements ------------------------------------------------------------------------------


def receives(provider: Organization, product: str, *, on: dt.date | None = None) -> bool:
    """Whether the provider's agreement in force includes the feedback product."""
    agreement = agreement_in_force(provider, on=on)
    return agreement is not None and product in (agreement.feedback_products or [])


def members_receiving(pso: Organization, product: str, *, on: dt.date | None = None) -> QuerySet[Organization]:
    """The PSO's members whose agreement in force includes `product` (JSON tested in Python: SQLite)."""
    agreements = active_agreements(on).filter(pso=pso, provider__network=pso, provider__kind=OrgKind.PROVIDER)
    ids = {a.provider_id for a in agreements.only("provider_id", "feedback_products") if product in a.feedback_products}
    return Organization.objects.filter(pk__in=ids).order_by("name")


def network_members(pso: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(network=pso, kind=OrgKind.PROVIDER).order_by("name")


# --- the PSO's side of alerts ------------------------------------------------------------------


def alert_psos_for(user: Actor) -> QuerySet[Organization]:
    return pso_staff_psos_for(user)


def get_alert_pso(user: Actor) -> Organization:
    pso = alert_psos_for(user).order_by("name").first()
    if pso is None:
        raise Http404("No such page")
    return pso


def alerts_for(user: Actor) -> QuerySet[SafetyAlert]:
    return SafetyAlert.objects.filter(pso__in=alert_psos_for(user)).select_related("pso", "created_by")


def get_alert_for_user(user: Actor, alert_id: int) -> SafetyAlert:
    found: SafetyAlert = _get(alerts_for(user), alert_id, "alert")
    return found


# --- the member's side --------------------------------------------------------------------------


def member_providers_for(user: Actor) -> QuerySet[Organization]:
    return orgs_where(user, MEMBER_SAFETY_TEAM).filter(kind=OrgKind.PROVIDER)


def member_targets_for(user: Actor) -> QuerySet[AlertTarget]:
    """Alerts sent to the providers where `user` is on the safety team (withdrawn ones stay, marked)."""
    return AlertTarget.objects.filter(provider__in=member_providers_for(user), alert__status__in=SENT).select_related(
        "alert", "provider", "acknowledged_by"
    )


def member_inbox(user: Actor) -> QuerySet[AlertTarget]:
    """The member's alerts in the order the inbox page shows them (the page and the API share it):
    the ones not yet acknowledged first, on every database (PostgreSQL puts NULLs last)."""
    return member_targets_for(user).order_by(F("acknowledged_at").asc(nulls_first=True), "-alert__published_at", "-pk")


def get_member_target_for_user(user: Actor, target_id: int) -> AlertTarget:
    found: AlertTarget = _get(member_targets_for(user), target_id, "alert")
    return found


# --- health system ------------------------------------------------------------------------------


def system_targets_for(user: Actor) -> QuerySet[AlertTarget]:
    """Responses of affiliates whose agreement in force shares with their health system."""
    shared = providers_shared_with_system(system_ids=systems_for(user).values_list("id", flat=True))
    return AlertTarget.objects.filter(provider__in=shared, alert__status__in=SENT).select_related("alert", "provider")


# --- reports --------------------------------------------------------------------------------------


def _learning_psos_for(user: Actor) -> set[int]:
    """PSOs whose learning report reaches `user` as a member: their provider's agreement includes it."""
    found = set()
    for provider in member_providers_for(user).select_related("network"):
        if provider.network_id and receives(provider, FeedbackProduct.LEARNING_REPORT):
            found.add(provider.network_id)
    return found


def reports_for(user: Actor) -> QuerySet[FeedbackReport]:
    """Reports `user` may read: each only inside its own organisation (see the module docstring)."""
    if not getattr(user, "is_authenticated", False):
        return FeedbackReport.objects.none()
    own = Q(kind=ReportKind.PROVIDER_MONTHLY, organization__in=member_providers_for(user))
    own |= Q(kind=ReportKind.REPORTER_DIGEST, organization__in=orgs_where(user, REPORTING_ROLES))
    own |= Q(kind=ReportKind.SYSTEM, organization__in=systems_for(user))
    own |= Q(kind=ReportKind.PSO_LEARNING, organization__in=alert_psos_for(user))
    own |= Q(kind=ReportKind.PSO_LEARNING, organization_id__in=_learning_psos_for(user))
    return FeedbackReport.objects.filter(own).select_related("organization")


def get_report_for_user(user: Actor, report_id: int) -> FeedbackReport:
    found: FeedbackReport = _get(reports_for(user), report_id, "report")
    return found


def requestable(user: Actor, *, on: dt.date | None = None) -> list[tuple[str, Organization]]:
    """(kind, organisation) pairs `user` may ask to generate, following each agreement's products."""
    on = on or timezone.localdate()
    pairs: list[tuple[str, Organization]] = []
    for provider in member_providers_for(user).order_by("name"):
        if receives(provider, FeedbackProduct.MONTHLY_PROVIDER_REPORT, on=on):
            pairs.append((ReportKind.PROVIDER_MONTHLY, provider))
        if receives(provider, FeedbackProduct.REPORTER_DIGEST, on=on):
            pairs.append((ReportKind.REPORTER_DIGEST, provider))
    for system in systems_for(user).order_by("name"):
        if system_affiliates(system, on=on):
            pairs.append((ReportKind.SYSTEM, system))
    for pso in alert_psos_for(user).order_by("name"):
        pairs.append((ReportKind.PSO_LEARNING, pso))
    return pairs


def system_affiliates(system: Organization, *, on: dt.date | None = None) -> list[Organization]:
    """Affiliates that share with the system and whose agreement includes the health-system report."""
    shared = providers_shared_with_system(system_ids=[system.pk], on=on).order_by("name")
    return [p for p in shared if receives(p, FeedbackProduct.SYSTEM_REPORT, on=on)]


def digest_providers_for(user: Actor) -> QuerySet[Organization]:
    """Providers whose reporters (and safety team) read the "what changed" digest."""
    return orgs_where(user, REPORTING_ROLES).filter(kind=OrgKind.PROVIDER).order_by("name")
