"""Tenancy-scoped reads of the follow-up channel: each raises 404 for anything out of reach.

The safety team reaches a report's thread through the PSES roles of its provider; an identified
reporter reaches their own reports under "My reports"; the anonymous pages reach providers only.
"""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.organizations.models import Organization, OrgKind
from openpso.organizations.queries import orgs_where
from openpso.organizations.roles import PSES_ROLES
from openpso.pswp.status import PswpStatus
from openpso.reporting.models import EventReport, FollowUpMessage

PLAIN_STATUS = {
    PswpStatus.CANDIDATE: "Received: the safety team reviews every report.",
    PswpStatus.DELIBERATION: "Being looked into by the safety team.",
    # Not "reviewed": a team may send a report before its review ends (the review's own
    # status is shown beside this one).
    PswpStatus.REPORTED: "Shared, without names, with the Patient Safety Organization "
    "so that other hospitals can learn from it too.",
    PswpStatus.FUNCTIONALLY_REPORTED: "Shared, without names, with the Patient Safety "
    "Organization so that other hospitals can learn from it too.",
    PswpStatus.DROPPED_OUT: "Reviewed; it is handled outside the safety learning system.",
    PswpStatus.NOT_PSWP: "Handled as part of the provider's own records.",
}


def plain_status(report: EventReport) -> str:
    return PLAIN_STATUS.get(PswpStatus(report.pswp_status), report.get_pswp_status_display())


def anonymous_providers() -> QuerySet[Organization]:
    """Providers that take anonymous reports: for now every provider of the installation."""
    return Organization.objects.filter(kind=OrgKind.PROVIDER).order_by("name")


def get_anonymous_provider(slug: str) -> Organization:
    try:
        return anonymous_providers().get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404("No such provider") from None


def reports_in_pses_of(user: Actor) -> QuerySet[EventReport]:
    """Reports whose follow-up thread `user` runs: PSES roles of the report's provider only."""
    providers = orgs_where(user, PSES_ROLES).filter(kind=OrgKind.PROVIDER)
    return EventReport.objects.filter(provider__in=providers)


def get_report_for_pses(user: Actor, report_id: uuid.UUID | str) -> EventReport:
    try:
        return reports_in_pses_of(user).get(pk=report_id)
    except (EventReport.DoesNotExist, ValueError):
        raise Http404("No such report") from None


def my_reports(user: Actor) -> QuerySet[EventReport]:
    """Reports `user` filed under their own name (never their anonymous ones)."""
    if not getattr(user, "is_authenticated", False):
        return EventReport.objects.none()
    return EventReport.objects.filter(reporter=user_row(user), anonymous=False).select_related("provider")


def get_my_report(user: Actor, report_id: uuid.UUID | str) -> EventReport:
    try:
        return my_reports(user).get(pk=report_id)
    except (EventReport.DoesNotExist, ValueError):
        raise Http404("No such report") from None


def thread_of(report: EventReport) -> list[FollowUpMessage]:
    """Questions and notes in order, each question with its answers (`question.answers.all`)."""
    answers = FollowUpMessage.objects.order_by("position")
    posts = FollowUpMessage.objects.filter(report=report, in_reply_to__isnull=True)
    posts = posts.prefetch_related(Prefetch("answers", answers))
    return list(posts.order_by("posted_at"))
