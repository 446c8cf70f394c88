"""PSWP pages for the PSES roles of a provider: drop-out, external reports, the PSES policy,
disclosures and their log. The rules and tables are the `pswp` kernel's; these pages are the
provider's PSES work, mounted at `/pswp/` under the `pswp:` URL names (`pses.pswp.urls`). Every
lookup goes through `pses.queries` (404 for anything foreign)."""

from __future__ import annotations

import csv
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.organizations.models import Organization
from openpso.organizations.timezones import activate_zone_of
from openpso.pses import queries
from openpso.pses.events import PsesAction
from openpso.pses.pswp.forms import DisclosureForm, DropOutForm, ExternalReportForm, PolicyForm
from openpso.pswp import actions, ledger
from openpso.pswp import queries as pswp_queries
from openpso.pswp.bases import BASES
from openpso.pswp.models import REQUIRED_FACTS, Disclosure, Obligation, fact_label

PERIODS = {"month": "%Y-%m", "year": "%Y"}


@login_required
@require_POST
def drop_out(request: HttpRequest, report_id: str) -> HttpResponse:
    report = queries.get_pses_report_for_user(request.user, report_id)
    activate_zone_of(report.provider)
    form = DropOutForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Drop-out needs a reason (42 CFR 3.20); nothing was changed.")
    else:
        try:
            ledger.drop_out(artefact=report, actor=request.user, reason=form.cleaned_data["reason"])
        except ledger.PswpTransitionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Report {report.short_id} was dropped out of the PSES; it is no longer PSWP.")
    return redirect("reporting:report-detail", report_id=report.pk)


@login_required
def external_new(request: HttpRequest, provider: str) -> HttpResponse:
    """An external report from original records. The page is the provider's, not a report's:
    nothing is read from an event report, so nothing of one can be prefilled (81 FR 32655)."""
    org = queries.get_pses_provider_for_user(request.user, provider)
    activate_zone_of(org)
    form = ExternalReportForm(request.POST or None, provider=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.build_external_report(
                provider=org,
                actor=request.user,
                obligation=data["obligation"],
                obligation_detail=data["obligation_detail"],
                due_on=data["due_on"],
                source=data["source"],
                facts=form.facts(),
            )
        except actions.ExternalReportInvalid as exc:
            form.add_errors(exc.errors)
        else:
            messages.success(request, "The external report was recorded from the original records (not PSWP).")
            return redirect("pswp:external-list", provider=org.slug)
    context = {"provider": org, "form": form, "required": _required_facts()}
    return render(request, "pses/pswp_external_new.html", context)


def _required_facts() -> list[tuple[str, list[str]]]:
    """Each obligation with the labels of the facts it needs, for the form's guidance."""
    return [(str(Obligation(o).label), [fact_label(f) for f in facts]) for o, facts in REQUIRED_FACTS.items()]


@login_required
def external_list(request: HttpRequest, provider: str) -> HttpResponse:
    org = queries.get_pses_provider_for_user(request.user, provider)
    context = {"provider": org, "externals": pswp_queries.external_reports_of(org)}
    return render(request, "pses/pswp_external_list.html", context)


@login_required
def policy(request: HttpRequest, provider: str) -> HttpResponse:
    org = queries.get_pses_provider_for_user(request.user, provider)
    may_edit = pswp_queries.is_safety_manager(request.user, org)
    form = PolicyForm(request.POST or None) if may_edit else None
    if request.method == "POST":
        if form is None:
            raise Http404("Only the safety manager adds PSES policy versions")
        if form.is_valid():
            added = actions.add_policy_version(provider=org, actor=request.user, **form.cleaned_data)
            messages.success(request, f"PSES policy version {added.version} was added.")
            return redirect("pswp:policy", provider=org.slug)
    context = {
        "provider": org,
        "current": pswp_queries.current_policy(org),
        "versions": pswp_queries.policies_of(org),
        "form": form,
    }
    return render(request, "pses/pswp_policy.html", context)


@login_required
def disclose(request: HttpRequest, report_id: str) -> HttpResponse:
    report = queries.get_pses_report_for_user(request.user, report_id)
    activate_zone_of(report.provider)
    form = DisclosureForm(request.POST or None, request.FILES or None, provider=report.provider)
    if request.method == "POST" and form.is_valid():
        try:
            actions.disclose(
                provider=report.provider,
                reports=[report],
                actor=request.user,
                request=form.to_request(report.provider.slug),
            )
        except actions.DisclosureInvalid as exc:
            form.add_errors(exc.errors)
        else:
            messages.success(request, f"The disclosure of report {report.short_id} was logged.")
            return redirect("pswp:disclosure-log", provider=report.provider.slug)
    context = {"report": report, "form": form, "bases": BASES.values()}
    return render(request, "pses/pswp_disclose.html", context)


def _counts(disclosures: list[Disclosure], period: str) -> list[tuple[str, str, str, int]]:
    fmt = PERIODS[period]
    # The month or year where the provider is (its zone is active), not the UTC one.
    counts = Counter((timezone.localtime(d.disclosed_at).strftime(fmt), d.basis) for d in disclosures)
    return [(p, b, BASES[b].paragraph, n) for (p, b), n in sorted(counts.items(), reverse=True)]


def _period(request: HttpRequest) -> str:
    period = request.GET.get("period", "month")
    return period if period in PERIODS else "month"


def _audit_log_read(request: HttpRequest, org_id: int, action: PsesAction) -> None:
    record(
        actor=request.user,
        action=action,
        object_type=object_type_of(Organization),
        object_id=org_id,
        organization_id=org_id,
        purpose="pses.disclosure_accounting",
    )


@login_required
def disclosure_log(request: HttpRequest, provider: str) -> HttpResponse:
    org = queries.get_pses_provider_for_user(request.user, provider)
    activate_zone_of(org)
    disclosures = list(pswp_queries.disclosures_of(org))
    period = _period(request)
    _audit_log_read(request, org.pk, PsesAction.DISCLOSURE_LOG_VIEWED)
    context = {
        "provider": org,
        "disclosures": disclosures,
        "counts": _counts(disclosures, period),
        "period": period,
        "bases": BASES,
        "authorizations": pswp_queries.authorizations_of(org),
    }
    return render(request, "pses/pswp_disclosure_log.html", context)


@login_required
def disclosure_report_csv(request: HttpRequest, provider: str) -> HttpResponse:
    org = queries.get_pses_provider_for_user(request.user, provider)
    activate_zone_of(org)
    period = _period(request)
    _audit_log_read(request, org.pk, PsesAction.DISCLOSURE_REPORT_DOWNLOADED)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="disclosures-{org.slug}-by-{period}.csv"'
    writer = csv.writer(response)
    writer.writerow(["period", "basis", "paragraph", "disclosures"])
    writer.writerows(_counts(list(pswp_queries.disclosures_of(org)), period))
    return response
