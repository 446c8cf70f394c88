"""Deliberation pages: committee notes, analyses and the Just Culture aid.

Lookups through `queries` and `deliberations` (404 for anything outside the provider's
PSES roles), every read audited, every page watermarked (templates/pses/deliberation_base.html
and static/pses/deliberation.css). Printing is the browser's, from the plain print view;
PDF generation comes in a later issue.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from openpso.pses import justculture, queries
from openpso.pses.deliberations import actions as deliberations
from openpso.pses.deliberations.actions import DeliberationInvalid
from openpso.pses.deliberations.forms import DeliberationForm, JustCultureForm
from openpso.pses.deliberations.models import Deliberation, DeliberationKind
from openpso.pses.models import SafetyEvent


def _context(event: SafetyEvent, **extra: Any) -> dict[str, Any]:
    return {"event": event, "watermark": deliberations.WATERMARK, **extra}


def _corrects(request: HttpRequest, event: SafetyEvent, corrects_id: Any) -> Deliberation | None:
    """The deliberation being corrected: readable by this user and of this event, else 404."""
    if not corrects_id:
        return None
    corrected = deliberations.get_deliberation_for_user(request.user, corrects_id)
    if corrected.event_id != event.pk:
        raise Http404("No such deliberation")
    return corrected


def _detail_url(deliberation: Deliberation) -> str:
    return reverse("pses:deliberation-detail", kwargs={"deliberation_id": deliberation.pk})


@login_required
def deliberation_list(request: HttpRequest, event_id: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, event_id)
    rows = list(deliberations.deliberations_for(request.user, event))
    deliberations.record_reads(user=request.user, deliberations=rows, via="list")
    corrected = {row.corrects_id for row in rows if row.corrects_id}
    return render(request, "pses/deliberation_list.html", _context(event, rows=rows, corrected=corrected))


@login_required
def deliberation_new(request: HttpRequest, event_id: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, event_id)
    form = DeliberationForm(request.POST or None, initial={"corrects": request.GET.get("corrects") or None})
    corrected = _corrects(request, event, request.POST.get("corrects") or request.GET.get("corrects"))
    if corrected is not None and corrected.kind == DeliberationKind.JUST_CULTURE:
        return redirect(reverse("pses:just-culture", kwargs={"event_id": event.pk}) + f"?corrects={corrected.pk}")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deliberation = deliberations.record_deliberation(
                user=request.user,
                event=event,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                corrects=corrected,
            )
        except DeliberationInvalid as exc:
            messages.error(request, f"Not saved: {exc}.")
        else:
            messages.success(request, "Deliberation recorded. It is Patient Safety Work Product from now on.")
            return redirect(_detail_url(deliberation))
    if corrected is not None:
        deliberations.record_reads(user=request.user, deliberations=[corrected], via="correction")
    return render(request, "pses/deliberation_new.html", _context(event, form=form, corrected=corrected))


@login_required
def just_culture(request: HttpRequest, event_id: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, event_id)
    form = JustCultureForm(request.POST or None, initial={"corrects": request.GET.get("corrects") or None})
    corrected = _corrects(request, event, request.POST.get("corrects") or request.GET.get("corrects"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deliberation, _ = deliberations.record_just_culture(
                user=request.user,
                event=event,
                answers=form.answers(),
                title=data["title"],
                notes=data["notes"],
                corrects=corrected,
            )
        except DeliberationInvalid as exc:
            messages.error(request, f"Not recorded: {exc}.")
        else:
            messages.success(request, "Just Culture decision recorded as a deliberation.")
            return redirect(_detail_url(deliberation))
    if corrected is not None:
        deliberations.record_reads(user=request.user, deliberations=[corrected], via="correction")
    context = _context(
        event,
        form=form,
        corrected=corrected,
        severity_note=justculture.SEVERITY_NOTE,
        employment_note=justculture.EMPLOYMENT_NOTE,
    )
    return render(request, "pses/justculture_form.html", context)


def _read(request: HttpRequest, deliberation_id: str, via: str) -> dict[str, Any]:
    deliberation = deliberations.get_deliberation_for_user(request.user, deliberation_id)
    deliberations.record_reads(user=request.user, deliberations=[deliberation], via=via)
    return _context(
        deliberation.event,
        deliberation=deliberation,
        outcome=deliberations.outcome_of(deliberation),
        answered=deliberations.answered_questions(deliberation),
        corrections=list(deliberations.corrections_of(deliberation)),
        severity_note=justculture.SEVERITY_NOTE,
    )


@login_required
def deliberation_detail(request: HttpRequest, deliberation_id: str) -> HttpResponse:
    return render(request, "pses/deliberation_detail.html", _read(request, deliberation_id, "detail"))


@login_required
def deliberation_print(request: HttpRequest, deliberation_id: str) -> HttpResponse:
    return render(request, "pses/deliberation_print.html", _read(request, deliberation_id, "print"))
