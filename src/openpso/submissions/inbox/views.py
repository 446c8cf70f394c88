"""The PSO's side: its members' submitted events (identified to the PSO, PSWP), questions to
providers, and submission status per member; and the question threads both sides share (the
provider's at `/submissions/questions/`). Every read of an event is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from openpso.lib.months import add_months
from openpso.organizations.models import Organization
from openpso.organizations.queries import active_agreements
from openpso.organizations.timezones import activate_zone_of
from openpso.submissions import queries
from openpso.submissions.display import analysis_of, answer_groups, category_labels, document_rows
from openpso.submissions.functional.actions import active_grants
from openpso.submissions.inbox import actions
from openpso.submissions.inbox.forms import AskForm, InboxFilter, MessageForm
from openpso.submissions.models import Question, QuestionAwaits, Submission

PAGE = 50


def _members_of(psos: Any) -> Any:
    return Organization.objects.filter(network__in=psos, kind="provider")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    psos = queries.inbox_psos_for(request.user)
    if not psos.exists():
        raise Http404("No PSO inbox for you")
    form = InboxFilter(request.GET or None, members=_members_of(psos))
    submissions = form.apply(queries.inbox_for(request.user)).order_by("-submitted_at", "-id")
    page = Paginator(submissions, PAGE).get_page(request.GET.get("page"))
    rows = [{"s": s, "categories": category_labels(s.categories)} for s in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "rows": rows, "form": form, "query": query.urlencode()}
    return render(request, "submissions/inbox.html", context)


@login_required
def inbox_detail(request: HttpRequest, submission_id: str) -> HttpResponse:
    submission = queries.get_inbox_submission_for_user(request.user, submission_id)
    activate_zone_of(submission.provider)  # the event's times as its provider's pages show them
    form = AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        question = actions.ask(user=request.user, submission=submission, text=form.cleaned_data["text"])
        messages.success(request, "Question sent to the provider's safety team.")
        return redirect("submissions:question", question_id=question.pk)
    actions.record_inbox_view(user=request.user, submission=submission)
    return render(request, "submissions/inbox_detail.html", _detail_context(submission, form=form))


def _detail_context(submission: Submission, **extra: Any) -> dict[str, Any]:
    document = submission.document
    return {
        "submission": submission,
        "rows": document_rows(document),
        "answers": answer_groups(document),
        "narrative": document.get("narrative"),
        "analysis": analysis_of(document),
        "versions": queries.versions_of(submission),
        "questions": Question.objects.filter(provider_id=submission.provider_id, event_id=submission.event_id),
        **extra,
    }


@login_required
def member_status(request: HttpRequest) -> HttpResponse:
    """Per member with an agreement in force: what came in this month and in 24 months."""
    psos = queries.inbox_psos_for(request.user)
    if not psos.exists():
        raise Http404("No PSO inbox for you")
    today = timezone.localdate()
    month_start = today.replace(day=1)
    since = add_months(month_start, -23)
    in_force = active_agreements(today).filter(pso__in=psos).values_list("provider_id", flat=True)
    members = (
        _members_of(psos)
        .filter(pk__in=in_force)
        .annotate(
            this_month=Count(
                "submissions", filter=Q(submissions__current=True, submissions__submitted_at__date__gte=month_start)
            ),
            last_24=Count(
                "submissions", filter=Q(submissions__current=True, submissions__submitted_at__date__gte=since)
            ),
            last_at=Max("submissions__submitted_at"),
        )
        .order_by("name")
    )
    grants = dict(
        active_grants()
        .filter(provider__in=members)
        .values("provider_id")
        .annotate(n=Count("id"))
        .values_list("provider_id", "n")
    )
    questions = dict(
        Question.objects.filter(pso__in=psos, awaits=QuestionAwaits.PROVIDER)
        .values("provider_id")
        .annotate(n=Count("id"))
        .values_list("provider_id", "n")
    )
    rows = [{"member": m, "grants": grants.get(m.pk, 0), "open_questions": questions.get(m.pk, 0)} for m in members]
    return render(request, "submissions/member_status.html", {"rows": rows, "since": since, "month_start": month_start})


@login_required
def question_list(request: HttpRequest) -> HttpResponse:
    if not (queries.submitting_providers_for(request.user).exists() or queries.inbox_psos_for(request.user).exists()):
        raise Http404("No questions here")
    page = Paginator(queries.questions_for(request.user), PAGE).get_page(request.GET.get("page"))
    return render(request, "submissions/question_list.html", {"page": page})


@login_required
def question(request: HttpRequest, question_id: str) -> HttpResponse:
    found = queries.get_question_for_user(request.user, question_id)
    side = queries.side_of(request.user, found)
    if side is None:
        raise Http404("No such question")
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.reply(user=request.user, question=found, side=side, text=form.cleaned_data["text"])
        messages.success(request, "Sent.")
        return redirect("submissions:question", question_id=found.pk)
    actions.record_question_view(user=request.user, question=found, side=side)
    context = {"question": found, "thread": found.messages.select_related("author"), "form": form, "side": side}
    return render(request, "submissions/question.html", context)
