"""The health system's side: affiliates' submitted events, only where the affiliate's member
agreement in force lets its system see them. Each page that shows events writes a
PSA_AFFILIATED disclosure per affiliate shown (record_system_access)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from openpso.organizations.models import Organization
from openpso.organizations.queries import systems_for
from openpso.submissions import queries
from openpso.submissions.display import category_labels
from openpso.submissions.inbox.actions import record_system_access
from openpso.submissions.inbox.views import _detail_context

PAGE = 50


def _systems(request: HttpRequest) -> list[Organization]:
    systems = list(systems_for(request.user))
    if not systems:
        raise Http404("No health system for you")
    return systems


@login_required
def system_list(request: HttpRequest) -> HttpResponse:
    systems = _systems(request)
    submissions = queries.system_submissions_for(request.user).order_by("-submitted_at", "-id")
    page = Paginator(submissions, PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    if shown:
        record_system_access(user=request.user, submissions=shown)
    rows = [{"s": s, "categories": category_labels(s.categories)} for s in shown]
    return render(request, "submissions/system_list.html", {"page": page, "rows": rows, "systems": systems})


@login_required
def system_detail(request: HttpRequest, submission_id: str) -> HttpResponse:
    submission = queries.get_system_submission_for_user(request.user, submission_id)
    record_system_access(user=request.user, submissions=[submission])
    context = _detail_context(submission, system=submission.provider.parent)
    context["versions"] = [submission]  # the system sees what is current, not the PSO's history
    context["questions"] = []  # PSO-provider questions are between them
    return render(request, "submissions/system_detail.html", context)
