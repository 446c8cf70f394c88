"""Tenancy for event reports: the only way views and the API look reports up (invariant 1)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from openpso.audit.actor import Actor
from openpso.organizations.models import OrgKind
from openpso.organizations.queries import orgs_where, providers_shared_with_system
from openpso.organizations.roles import PSES_ROLES, Role
from openpso.reporting.models import AnswerAmendment, EventReport


def reports_for(user: Actor) -> QuerySet[EventReport]:
    """Identified reports `user` may read.

    - PSES roles (safety manager, committee) read every report of their provider;
    - a reporter reads the reports they filed under their name;
    - a health-system safety officer reads affiliates' reports where the affiliate's
      agreement shares them (a PSA_AFFILIATED disclosure, 42 CFR 3.206(b)(4)(iii));
    - PSO roles read nothing here: the PSO sees only what providers submit to it.
    """
    if not getattr(user, "is_authenticated", False):
        return EventReport.objects.none()
    pses_providers = orgs_where(user, PSES_ROLES).filter(kind=OrgKind.PROVIDER)
    systems = orgs_where(user, [Role.SYSTEM_SAFETY_OFFICER]).filter(kind=OrgKind.HEALTH_SYSTEM)
    shared = providers_shared_with_system(system_ids=systems.values_list("id", flat=True))
    return EventReport.objects.filter(
        Q(provider__in=pses_providers) | Q(reporter=user, anonymous=False) | Q(provider__in=shared)
    ).select_related("provider", "unit")


def changed_since(reports: QuerySet[EventReport], since: dt.datetime) -> QuerySet[EventReport]:
    """The reports filed, amended or moved in the PSWP ledger at or after `since`.

    A report has no `updated_at` of its own: its changes are rows already kept (the filing time,
    `pswp_status_at` written by the ledger, and the append-only `AnswerAmendment`s), so "changed"
    is read from them rather than from a column every writer would have to remember to touch.
    An anonymous report's times are to the hour (invariant 2), and so is what this can tell of it.
    """
    amended = AnswerAmendment.objects.filter(report=OuterRef("pk"), created_at__gte=since)
    return reports.filter(Q(reported_at__gte=since) | Q(pswp_status_at__gte=since) | Exists(amended))


def get_report_for_user(user: Actor, report_id: uuid.UUID | str) -> EventReport:
    try:
        return reports_for(user).get(pk=report_id)
    except (EventReport.DoesNotExist, ValueError):
        raise Http404("No such report") from None


OVERSIGHT = "health_system.oversight"


def purpose_of_view(user: Actor, report: EventReport) -> str:
    """Why this user reads this report, for the audit trail."""
    if orgs_where(user, PSES_ROLES).filter(pk=report.provider_id).exists():
        return "pses.review"
    if report.reporter_id == getattr(user, "pk", None):
        return "reporter.follow_up"
    return OVERSIGHT


# --- answers: the reporter's original plus the safety team's amendments ---------------


def apply_amendments(original: Mapping[str, Any], amendments: Iterable[AnswerAmendment]) -> dict[str, Any]:
    """`original` with each amendment's new values applied in order (None removes an answer)."""
    answers = dict(original)
    for amendment in amendments:
        for link_id, value in (amendment.after or {}).items():
            if value is None:
                answers.pop(link_id, None)
            else:
                answers[link_id] = value
    return answers


def effective_answers(report: EventReport) -> dict[str, Any]:
    """The answers that count for display and submission: the reporter's, as amended.

    The one function every reader of a report's answers uses (pages, API, submission
    document, completeness); `EventReport.answers` alone is only what the reporter filed.
    """
    return apply_amendments(report.answers or {}, report.amendments.order_by("sequence"))


def effective_answers_for(reports: Iterable[EventReport]) -> dict[uuid.UUID, dict[str, Any]]:
    """`effective_answers` of many reports in one query for their amendments."""
    reports = list(reports)
    by_report: dict[uuid.UUID, list[AnswerAmendment]] = {}
    amendments = AnswerAmendment.objects.filter(report__in=reports).order_by("report", "sequence")
    for amendment in amendments:
        by_report.setdefault(amendment.report_id, []).append(amendment)
    return {r.pk: apply_amendments(r.answers or {}, by_report.get(r.pk, [])) for r in reports}
