"""The PSO administrator's pages: organisations, units, agreements and people in their network."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from openpso.audit.actor import Actor
from openpso.organizations import actions
from openpso.organizations.events import OrganizationAction
from openpso.organizations.forms import AgreementForm, MembershipForm, OrganizationForm, UnitForm
from openpso.organizations.models import MemberAgreement, Membership, Organization, OrgKind, Unit
from openpso.organizations.queries import get_managed_org_for_user, managed_orgs_for, orgs_where
from openpso.organizations.roles import Role


def _network_for(user: Actor) -> Organization:
    pso = orgs_where(user, [Role.PSO_ADMIN]).filter(kind=OrgKind.PSO).first()
    if pso is None:
        raise Http404("Not an administrator")
    return pso


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    _network_for(request.user)
    orgs = managed_orgs_for(request.user).select_related("parent")
    return render(request, "organizations/org_list.html", {"orgs": orgs})


@login_required
def org_detail(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_managed_org_for_user(request.user, slug)
    context = {
        "org": org,
        "units": org.units.all(),
        "agreements": org.agreements.all(),
        # People only: an API key's service account is listed on the key page, not among members.
        "memberships": org.memberships.filter(user__is_service_account=False)
        .select_related("user")
        .order_by("user__email", "role"),
    }
    return render(request, "organizations/org_detail.html", context)


def _edit(
    request: HttpRequest,
    *,
    form: ModelForm[Any],
    org: Organization,
    action: OrganizationAction,
    title: str,
    prepare: Any = None,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        obj: Model = form.save(commit=False)
        if prepare:
            prepare(obj)
        actions.save_audited(actor=request.user, obj=obj, organization=org, action=action)
        messages.success(request, "Saved.")
        target = obj if isinstance(obj, Organization) else org
        return redirect("organizations:org-detail", slug=target.slug)
    return render(request, "organizations/edit.html", {"form": form, "title": title, "org": org})


@login_required
def org_new(request: HttpRequest) -> HttpResponse:
    network = _network_for(request.user)
    form = OrganizationForm(request.POST or None, network=network)
    return _edit(request, form=form, org=network, action=OrganizationAction.CREATED, title="New organisation")


@login_required
def org_edit(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_managed_org_for_user(request.user, slug)
    if org.kind == OrgKind.PSO:
        raise Http404("The PSO itself is managed by the operator")
    form = OrganizationForm(request.POST or None, instance=org, network=org.network or org)
    return _edit(request, form=form, org=org, action=OrganizationAction.CHANGED, title=f"Edit {org.name}")


def _provider(request: HttpRequest, slug: str) -> Organization:
    org = get_managed_org_for_user(request.user, slug)
    if org.kind != OrgKind.PROVIDER:
        raise Http404("Units and agreements belong to providers")
    return org


@login_required
def unit_edit(request: HttpRequest, slug: str, unit_id: int | None = None) -> HttpResponse:
    org = _provider(request, slug)
    unit = get_object_or_404(Unit, pk=unit_id, provider=org) if unit_id else Unit(provider=org)
    form = UnitForm(request.POST or None, instance=unit)
    return _edit(request, form=form, org=org, action=OrganizationAction.UNIT_SAVED, title=f"Unit at {org.name}")


@login_required
def agreement_edit(request: HttpRequest, slug: str, agreement_id: int | None = None) -> HttpResponse:
    org = _provider(request, slug)
    network = org.network
    agreement = (
        get_object_or_404(MemberAgreement, pk=agreement_id, provider=org)
        if agreement_id
        else MemberAgreement(provider=org, pso=network)
    )
    form = AgreementForm(request.POST or None, instance=agreement)
    return _edit(
        request, form=form, org=org, action=OrganizationAction.AGREEMENT_SAVED, title=f"Member agreement: {org.name}"
    )


@login_required
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_managed_org_for_user(request.user, slug)
    form = MembershipForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        actions.grant_role(actor=request.user, organization=org, **form.cleaned_data)
        messages.success(request, "Role granted.")
        return redirect("organizations:org-detail", slug=org.slug)
    return render(
        request, "organizations/edit.html", {"form": form, "title": f"Add a person to {org.name}", "org": org}
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    org = get_managed_org_for_user(request.user, slug)
    # People only, as the list shows them: a key's membership ends when the key is revoked.
    membership = get_object_or_404(Membership, pk=membership_id, organization=org, user__is_service_account=False)
    actions.revoke_role(actor=request.user, membership=membership)
    messages.success(request, "Role removed.")
    return redirect("organizations:org-detail", slug=org.slug)
