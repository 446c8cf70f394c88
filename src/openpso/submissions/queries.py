"""Tenancy for submissions: the only way pages and the API look them up (docs/decisions/0003).

- a provider's safety manager submits its events, manages its API keys and functional
  grants, and answers the PSO's questions about its events;
- PSO analysts and administrators see the current submissions of their own PSO's members;
- a health-system safety officer sees affiliates' submissions where the affiliate's
  agreement in force sets `system_may_view` (each access a PSA_AFFILIATED disclosure).

Anything else raises Http404, exactly as a missing object does.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from openpso.audit.actor import Actor
from openpso.organizations.models import Organization, OrgKind
from openpso.organizations.queries import orgs_where, providers_shared_with_system, pso_staff_psos_for, systems_for
from openpso.organizations.roles import Role
from openpso.pswp.status import PswpStatus
from openpso.reporting.models import EventReport
from openpso.submissions.models import FunctionalReportingGrant, Question, QuestionAwaits, Submission


def _get(queryset: QuerySet[Any], pk: Any, what: str) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No such {what}") from None


def posted_pk(value: Any) -> int:
    """A primary key from a form post, 0 (no row) when it is not a number: the revoke buttons
    of the API-key and grant pages look their row up by it within the provider's own."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# --- provider side -------------------------------------------------------------------------


def submitting_providers_for(user: Actor) -> QuerySet[Organization]:
    """Providers whose events `user` may submit to the PSO: where they are safety manager."""
    return orgs_where(user, [Role.SAFETY_MANAGER]).filter(kind=OrgKind.PROVIDER)


def get_submitting_provider_for_user(user: Actor, slug: str) -> Organization:
    try:
        return submitting_providers_for(user).get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404("No such provider") from None


def candidate_reports_for(user: Actor) -> QuerySet[EventReport]:
    """Reports the safety manager may (re)submit: in the PSES, not dropped out."""
    return (
        EventReport.objects.filter(
            provider__in=submitting_providers_for(user),
            pswp_status__in=[PswpStatus.CANDIDATE, PswpStatus.FUNCTIONALLY_REPORTED, PswpStatus.REPORTED],
        )
        .select_related("provider", "unit")
        .defer("narrative", "location_detail", "reporter_role", "answers")
    )


def grants_of(provider: Organization) -> QuerySet[FunctionalReportingGrant]:
    return FunctionalReportingGrant.objects.filter(provider=provider).select_related("granted_by")


def provider_submissions(provider_ids: Any) -> QuerySet[Submission]:
    return Submission.objects.filter(provider_id__in=provider_ids, current=True)


def provider_submissions_with_pswp_status(provider_ids: Any) -> QuerySet[Submission]:
    """`provider_submissions`, each with its report's PSWP status as `pswp_status`, in the same
    query (a subquery per row, not a read per row)."""
    status = EventReport.objects.filter(pk=OuterRef("event_id"), provider_id=OuterRef("provider_id"))
    return provider_submissions(provider_ids).annotate(pswp_status=Subquery(status.values("pswp_status")[:1]))


def get_provider_report(provider_ids: Any, report_id: uuid.UUID | str) -> EventReport:
    """A report of one of `provider_ids` (the caller's submitting providers, or its API key's),
    submitted or not, for its submission state; 404 for any other."""
    reports = EventReport.objects.filter(provider_id__in=provider_ids).only("id", "provider_id", "pswp_status")
    found: EventReport = _get(reports, report_id, "event")
    return found


def event_versions(report: EventReport) -> QuerySet[Submission]:
    """Every version of the report the PSO received, newest first (the current one first)."""
    return Submission.objects.filter(provider_id=report.provider_id, event_id=report.pk).order_by(
        "-current", "-submitted_at", "-id"
    )


def questions_awaiting_provider(report: EventReport) -> int:
    return Question.objects.filter(
        provider_id=report.provider_id, event_id=report.pk, awaits=QuestionAwaits.PROVIDER
    ).count()


# --- PSO side ------------------------------------------------------------------------------


def inbox_psos_for(user: Actor) -> QuerySet[Organization]:
    return pso_staff_psos_for(user)


def inbox_for(user: Actor) -> QuerySet[Submission]:
    """Current submissions of the members of the PSO(s) where `user` is analyst or admin."""
    psos = inbox_psos_for(user)
    return Submission.objects.filter(current=True, pso__in=psos, provider__network__in=psos).select_related(
        "provider", "pso"
    )


def get_inbox_submission_for_user(user: Actor, submission_id: uuid.UUID | str) -> Submission:
    """Any version (current or earlier) of a member's event, for the PSO's own staff."""
    psos = inbox_psos_for(user)
    versions = Submission.objects.filter(pso__in=psos, provider__network__in=psos).select_related("provider", "pso")
    found: Submission = _get(versions, submission_id, "submission")
    return found


def versions_of(submission: Submission) -> QuerySet[Submission]:
    return Submission.objects.filter(provider_id=submission.provider_id, event_id=submission.event_id).order_by(
        "-submitted_at", "-id"
    )


# --- health system -------------------------------------------------------------------------


def system_submissions_for(user: Actor) -> QuerySet[Submission]:
    """Affiliates' current submissions, only where the affiliate's agreement in force shares them."""
    shared = providers_shared_with_system(system_ids=systems_for(user).values_list("id", flat=True))
    return Submission.objects.filter(current=True, provider__in=shared).select_related("provider", "provider__parent")


def get_system_submission_for_user(user: Actor, submission_id: uuid.UUID | str) -> Submission:
    found: Submission = _get(system_submissions_for(user), submission_id, "submission")
    return found


# --- question threads ----------------------------------------------------------------------


def questions_for(user: Actor) -> QuerySet[Question]:
    """Threads the user takes part in: the PSO's staff, or the provider's safety manager."""
    return Question.objects.filter(
        Q(provider__in=submitting_providers_for(user))
        | Q(pso__in=inbox_psos_for(user), provider__network__in=inbox_psos_for(user))
    ).select_related("provider", "pso", "asked_by")


def get_question_for_user(user: Actor, question_id: uuid.UUID | str) -> Question:
    found: Question = _get(questions_for(user), question_id, "question")
    return found


def side_of(user: Actor, question: Question) -> str | None:
    """ "pso" or "provider": the side `user` speaks for in this thread."""
    if inbox_psos_for(user).filter(pk=question.pso_id).exists():
        return "pso"
    if submitting_providers_for(user).filter(pk=question.provider_id).exists():
        return "provider"
    return None
