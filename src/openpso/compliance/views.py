"""The register's pages for the PSO's administrators (/compliance/); everyone else gets 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from openpso.compliance import actions
from openpso.compliance.forms import AssessmentForm, DisclosureForm, ListingForm
from openpso.compliance.models import Listing, RelationshipDisclosure, SecurityAssessment
from openpso.compliance.queries import get_administered_pso, get_assessment_for_user, get_disclosure_for_user
from openpso.compliance.register import agreements_overlapping, disclosure_due, register_for


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    pso = get_administered_pso(request.user)
    today = timezone.localdate()
    register = register_for(pso=pso, today=today)
    period = register.period
    agreements = (
        agreements_overlapping(pso=pso, start=period.start, end=period.end)
        if period
        else list(pso.agreements_as_pso.select_related("provider"))
    )
    disclosures = [
        (d, disclosure_due(d.began_on))
        for d in RelationshipDisclosure.objects.filter(pso=pso).select_related("provider")
    ]
    context = {
        "register": register,
        "agreements": [
            (a, a.in_force(today)) for a in sorted(agreements, key=lambda a: (a.provider.name, a.effective_from))
        ],
        "disclosures": disclosures,
        "assessments": SecurityAssessment.objects.filter(pso=pso),
    }
    return render(request, "compliance/overview.html", context)


def _edit(request: HttpRequest, *, form: ModelForm[Any], title: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        actions.save_entry(actor=request.user, entry=form.save(commit=False), changed=form.changed_data)
        messages.success(request, "Saved.")
        return redirect("compliance:overview")
    return render(request, "compliance/edit.html", {"form": form, "title": title})


@login_required
def listing_edit(request: HttpRequest) -> HttpResponse:
    pso = get_administered_pso(request.user)
    listing = Listing.objects.filter(pso=pso).first() or Listing(pso=pso)
    form = ListingForm(request.POST or None, instance=listing)
    return _edit(request, form=form, title=f"Listing of {pso.name}")


@login_required
def disclosure_new(request: HttpRequest) -> HttpResponse:
    pso = get_administered_pso(request.user)
    form = DisclosureForm(request.POST or None, pso=pso)
    return _edit(request, form=form, title="Record a relationship disclosure")


@login_required
def disclosure_edit(request: HttpRequest, disclosure_id: int) -> HttpResponse:
    disclosure = get_disclosure_for_user(request.user, disclosure_id)
    form = DisclosureForm(request.POST or None, instance=disclosure, pso=disclosure.pso)
    return _edit(request, form=form, title="Relationship disclosure")


@login_required
def assessment_new(request: HttpRequest) -> HttpResponse:
    pso = get_administered_pso(request.user)
    form = AssessmentForm(request.POST or None, pso=pso)
    return _edit(request, form=form, title="Record a security risk assessment")


@login_required
def assessment_edit(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, assessment_id)
    form = AssessmentForm(request.POST or None, instance=assessment, pso=assessment.pso)
    return _edit(request, form=form, title="Security risk assessment")
