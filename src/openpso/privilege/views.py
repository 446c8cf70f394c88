"""Pages of the privilege app. Thin: look up within the user's organisation (404 otherwise),
shape input with a form, call an action, show its refusal on the field it names."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from openpso.audit.actor import Actor
from openpso.organizations.models import Organization, OrgKind
from openpso.privilege import actions, queries
from openpso.privilege.accounting import accounting_for
from openpso.privilege.bases import ACCOUNTABLE_BASES, PSO_BASIS_CODES
from openpso.privilege.forms import (
    AccountingForm,
    AssertForm,
    AssessForm,
    BreachForm,
    CloseForm,
    FieldErrorsForm,
    NoticeSentForm,
    PsoAccountingForm,
    PsoDisclosureForm,
    SubpoenaForm,
)
from openpso.pswp.bases import BASES


def _apply(form: FieldErrorsForm, call: Callable[..., object]) -> bool:
    """Run `call` on valid input; a refusal lands on the form, field by field."""
    if not form.is_valid():
        return False
    try:
        call(**form.cleaned_data)
    except actions.Refused as exc:
        form.add_errors(exc.errors)
        return False
    return True


def _target(request: HttpRequest, name: str, pk: int) -> bool:
    return request.method == "POST" and request.POST.get("form") == name and request.POST.get("id") == str(pk)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Where the menu's "Privilege" leads: the registers this person keeps, or 404."""
    psos = list(queries.administered_psos(request.user))
    providers = list(queries.managed_providers(request.user))
    if not psos and not providers:
        raise Http404("No such page")
    return render(request, "privilege/index.html", {"psos": psos, "providers": providers})


# --- The PSO's disclosure log and accounting -------------------------------------------------


@login_required
def pso_disclosures(request: HttpRequest) -> HttpResponse:
    pso = queries.get_administered_pso(request.user)
    actions.read_log(actor=request.user, organization=pso)
    context = {"pso": pso, "disclosures": queries.pso_disclosures(pso), "bases": BASES}
    return render(request, "privilege/pso_disclosures.html", context)


@login_required
def pso_disclosure_new(request: HttpRequest) -> HttpResponse:
    pso = queries.get_administered_pso(request.user)
    form = PsoDisclosureForm(request.POST or None, pso=pso)

    def log(**data: Any) -> object:
        return actions.log_pso_disclosure(
            pso=pso,
            actor=request.user,
            request=form.to_request(),
            recipient_kind=data["recipient_kind"],
            recipient_address=data["recipient_address"],
            description=data["description"],
            disclosed_on=data["disclosed_on"],
            provider=data["provider"],
            patients=form.patient_refs(),
        )

    if request.method == "POST" and _apply(form, log):
        messages.success(request, "The disclosure was logged.")
        return redirect("privilege:pso-disclosures")
    bases = [BASES[c] for c in sorted(PSO_BASIS_CODES)]
    context = {"pso": pso, "form": form, "bases": bases, "accountable": sorted(ACCOUNTABLE_BASES)}
    return render(request, "privilege/pso_disclosure_new.html", context)


def _accounting(request: HttpRequest, organization: Organization, form: AccountingForm, fixed: Any) -> HttpResponse:
    entries = None
    if request.GET and form.is_valid():
        provider = fixed or form.cleaned_data["provider"]
        actions.read_accounting(actor=request.user, organization=organization, provider=provider)
        entries = list(accounting_for(provider, form.cleaned_data["patient"], today=timezone.localdate()))
    context = {"organization": organization, "form": form, "entries": entries, "bases": BASES}
    return render(request, "privilege/accounting.html", context)


@login_required
def pso_accounting(request: HttpRequest) -> HttpResponse:
    pso = queries.get_administered_pso(request.user)
    return _accounting(request, pso, PsoAccountingForm(request.GET or None, pso=pso), None)


@login_required
def provider_accounting(request: HttpRequest, provider: str) -> HttpResponse:
    org = queries.get_managed_provider(request.user, provider)
    return _accounting(request, org, AccountingForm(request.GET or None), org)


# --- Subpoenas --------------------------------------------------------------------------------


def _subpoenas(request: HttpRequest, org: Organization, here: str) -> HttpResponse:
    today = timezone.localdate()
    new_form = SubpoenaForm(request.POST if request.POST.get("form") == "new" else None)
    if request.POST.get("form") == "new" and _apply(
        new_form, partial(actions.receive_subpoena, organization=org, actor=request.user)
    ):
        messages.success(request, "The demand was recorded.")
        return redirect(here)
    if request.POST.get("form") in {"assert", "close"}:
        queries.get_subpoena(org, request.POST.get("id"))  # 404 for anything not this organisation's
    rows = []
    for subpoena in queries.subpoenas_of(org):
        data = request.POST if _target(request, "assert", subpoena.pk) else None
        assert_form = AssertForm(data, prefix=f"a{subpoena.pk}", initial={"asserted_on": today})
        data = request.POST if _target(request, "close", subpoena.pk) else None
        close_form = CloseForm(data, prefix=f"c{subpoena.pk}", initial={"outcome_on": today})
        if assert_form.is_bound and _apply(
            assert_form, partial(actions.assert_privilege, subpoena=subpoena, actor=request.user)
        ):
            messages.success(request, "The privilege was asserted.")
            return redirect(here)
        if close_form.is_bound and _apply(
            close_form, partial(actions.close_subpoena, subpoena=subpoena, actor=request.user)
        ):
            messages.success(request, "The outcome was recorded.")
            return redirect(here)
        rows.append((subpoena, assert_form, close_form, subpoena.days_left(today), subpoena.overdue(today)))
    context = {"organization": org, "rows": rows, "new_form": new_form}
    return render(request, "privilege/subpoenas.html", context)


@login_required
def pso_subpoenas(request: HttpRequest) -> HttpResponse:
    pso = queries.get_administered_pso(request.user)
    return _subpoenas(request, pso, request.path)


@login_required
def provider_subpoenas(request: HttpRequest, provider: str) -> HttpResponse:
    org = queries.get_managed_provider(request.user, provider)
    return _subpoenas(request, org, request.path)


# --- Breaches and notices ---------------------------------------------------------------------


def _assess(breach: Any, actor: Actor | None, **data: Any) -> object:
    return actions.assess_breach(
        breach=breach,
        actor=actor,
        conclusion=data["conclusion"],
        assessed_on=data["assessed_on"],
        nature=data["risk_nature"],
        recipient=data["risk_recipient"],
        acquired=data["risk_acquired"],
        mitigated=data["risk_mitigated"],
    )


def _breaches(request: HttpRequest, org: Organization, here: str) -> HttpResponse:
    today = timezone.localdate()
    pso = org if org.kind == OrgKind.PSO else None
    new_form = BreachForm(request.POST if request.POST.get("form") == "new" else None, pso=pso)

    def record(**data: Any) -> object:
        data["affected_providers"] = list(data.get("affected_providers") or [])
        return actions.record_breach(organization=org, actor=request.user, **data)

    if request.POST.get("form") == "new" and _apply(new_form, record):
        messages.success(request, "The breach was recorded.")
        return redirect(here)
    if request.POST.get("form") == "assess":
        queries.get_breach(org, request.POST.get("id"))
    if request.POST.get("form") == "sent":
        queries.get_notice(org, request.POST.get("id"))
    rows = []
    for breach in queries.breaches_of(org):
        data = request.POST if _target(request, "assess", breach.pk) else None
        assess_form = AssessForm(data, prefix=f"b{breach.pk}", initial={"assessed_on": today})
        if assess_form.is_bound and _apply(assess_form, partial(_assess, breach, request.user)):
            messages.success(request, "The risk assessment was recorded.")
            return redirect(here)
        notices = []
        for notice in breach.notifications.all():
            data = request.POST if _target(request, "sent", notice.pk) else None
            sent_form = NoticeSentForm(data, prefix=f"n{notice.pk}", initial={"sent_on": today})
            if sent_form.is_bound and _apply(
                sent_form, partial(actions.record_notice_sent, notification=notice, actor=request.user)
            ):
                messages.success(request, "The notice was recorded as sent.")
                return redirect(here)
            notices.append((notice, sent_form, notice.overdue(today)))
        rows.append((breach, assess_form, notices))
    received = [(n, n.overdue(today)) for n in queries.notices_received(org)] if pso is None else []
    context = {"organization": org, "rows": rows, "new_form": new_form, "received": received, "today": today}
    return render(request, "privilege/breaches.html", context)


@login_required
def pso_breaches(request: HttpRequest) -> HttpResponse:
    pso = queries.get_administered_pso(request.user)
    return _breaches(request, pso, request.path)


@login_required
def provider_breaches(request: HttpRequest, provider: str) -> HttpResponse:
    org = queries.get_managed_provider(request.user, provider)
    return _breaches(request, org, request.path)
