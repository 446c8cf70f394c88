"""The provider's functional-reporting page: open part of its PSES to the PSO from a date, or close it."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from openpso import flows
from openpso.submissions import queries
from openpso.submissions.functional import actions
from openpso.submissions.functional.forms import GrantForm


@login_required
def grants(request: HttpRequest, provider: str) -> HttpResponse:
    """Open part of the PSES to the PSO from a date (functional reporting), or close it again."""
    organization = queries.get_submitting_provider_for_user(request.user, provider)
    action = request.POST.get("action")
    form = GrantForm(request.POST if action == "grant" else None, provider=organization)
    if request.method == "POST" and action == "revoke":
        grant = queries.grants_of(organization).filter(pk=queries.posted_pk(request.POST.get("grant_id"))).first()
        if grant is None:
            raise Http404("No such grant")
        actions.revoke_access(grant=grant, actor=request.user)
        messages.success(request, "Access closed. Reports already functionally reported stay reported (42 CFR 3.20).")
        return redirect("submissions:grants", provider=organization.slug)
    if request.method == "POST" and form.is_valid():
        start = dt.datetime.combine(
            form.cleaned_data["effective_from"], dt.time(), tzinfo=timezone.get_current_timezone()
        )
        grant = actions.grant_access(
            provider=organization,
            actor=request.user,
            effective_from=start,
            categories=list(form.cleaned_data["categories"]),
            unit_ids=[u.pk for u in form.cleaned_data["units"]],
        )
        run = flows.grant_scope_reported(grant)
        messages.success(
            request,
            f"Access granted. {run.accepted} report{'s' if run.accepted != 1 else ''} functionally reported now.",
        )
        return redirect("submissions:grants", provider=organization.slug)
    context = {"provider": organization, "grants": queries.grants_of(organization), "form": form}
    return render(request, "submissions/grants.html", context)
