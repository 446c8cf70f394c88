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
from openpso.compliance.forms import (
    AssessmentForm,
    BusinessAssociateAgreementForm,
    DelistingMemberForm,
    DelistingRunbookForm,
    DisclosureForm,
    ListingForm,
    SecurityPolicyForm,
    TrainingRecordForm,
)
from openpso.compliance.models import (
    BusinessAssociateAgreement,
    DelistingMember,
    DelistingRunbook,
    Listing,
    RelationshipDisclosure,
    SecurityAssessment,
    SecurityPolicy,
    TrainingRecord,
)
from openpso.compliance.queries import (
    get_administered_pso,
    get_assessment_for_user,
    get_disclosure_for_user,
    get_entry_for_user,
)
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
        "baas": BusinessAssociateAgreement.objects.filter(pso=pso).select_related("provider"),
        "trainings": TrainingRecord.objects.filter(pso=pso),
        "policies": SecurityPolicy.objects.filter(pso=pso),
        "runbooks": DelistingRunbook.objects.filter(pso=pso).prefetch_related("members"),
    }
    return render(request, "compliance/overview.html", context)


def _edit(
    request: HttpRequest, *, form: ModelForm[Any], title: str, context: dict[str, Any] | None = None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        entry = form.save(commit=False)
        actions.save_entry(actor=request.user, entry=entry, changed=form.changed_data)
        messages.success(request, "Saved.")
        if isinstance(entry, DelistingMember):
            return redirect("compliance:delisting-edit", runbook_id=entry.runbook_id)
        return redirect("compliance:overview")
    return render(request, "compliance/edit.html", {"form": form, "title": title, **(context or {})})


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


@login_required
def baa_new(request: HttpRequest) -> HttpResponse:
    pso = get_administered_pso(request.user)
    form = BusinessAssociateAgreementForm(request.POST or None, pso=pso)
    return _edit(request, form=form, title="Record a business associate agreement")


@login_required
def baa_edit(request: HttpRequest, baa_id: int) -> HttpResponse:
    baa = get_entry_for_user(request.user, BusinessAssociateAgreement, baa_id)
    form = BusinessAssociateAgreementForm(request.POST or None, instance=baa, pso=baa.pso)
    return _edit(request, form=form, title="Business associate agreement")


@login_required
def training_new(request: HttpRequest) -> HttpResponse:
    pso = get_administered_pso(request.user)
    form = TrainingRecordForm(request.POST or None, pso=pso)
    return _edit(request, form=form, title="Record completed security training")


@login_required
def training_edit(request: HttpRequest, training_id: int) -> HttpResponse:
    training = get_entry_for_user(request.user, TrainingRecord, training_id)
    form = TrainingRecordForm(request.POST or None, instance=training, pso=training.pso)
    return _edit(request, form=form, title="Security training record")


@login_required
def policy_new(request: HttpRequest) -> HttpResponse:
    pso = get_administered_pso(request.user)
    form = SecurityPolicyForm(request.POST or None, pso=pso)
    return _edit(request, form=form, title="Record a written security policy")


@login_required
def policy_edit(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = get_entry_for_user(request.user, SecurityPolicy, policy_id)
    form = SecurityPolicyForm(request.POST or None, instance=policy, pso=policy.pso)
    return _edit(request, form=form, title="Written security policy")


@login_required
def delisting_new(request: HttpRequest) -> HttpResponse:
    pso = get_administered_pso(request.user)
    form = DelistingRunbookForm(request.POST or None, pso=pso)
    return _edit(request, form=form, title="Open the delisting runbook (42 CFR 3.108(b))")


@login_required
def delisting_edit(request: HttpRequest, runbook_id: int) -> HttpResponse:
    runbook = get_entry_for_user(request.user, DelistingRunbook, runbook_id)
    form = DelistingRunbookForm(request.POST or None, instance=runbook, pso=runbook.pso)
    members = runbook.members.select_related("provider")
    return _edit(request, form=form, title="Delisting runbook", context={"runbook": runbook, "members": members})


@login_required
def delisting_member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_entry_for_user(request.user, DelistingMember, member_id)
    form = DelistingMemberForm(request.POST or None, instance=member)
    return _edit(request, form=form, title=f"Delisting: {member.provider.name}")
