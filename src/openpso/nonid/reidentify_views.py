"""The PSO administrator's re-identification page: the provider behind a
pool pseudonym, on a page as on the CLI (`openpso lake reidentify`).

Both call `pseudonyms.reidentify`, which refuses without a reason and writes the audit row (who,
the reason as its purpose, the pseudonym) found or not — so the page logs exactly what the CLI
logs. The reason is free text a person types and could name a patient or a staff member, so it
goes to the audit trail only (shown to the PSO's own auditors and administrators), never to the
application log (invariant 4); this view logs nothing itself. The result is rendered in the POST
response, not put in a redirect or a flash message, so the provider's name travels in no URL or
cookie.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from openpso.nonid.pseudonyms import PSEUDONYM, REASON_MAX, REASON_MIN, ReidentificationRefused, reidentify
from openpso.organizations.models import OrgKind
from openpso.organizations.queries import orgs_where
from openpso.organizations.roles import Role


class ReidentifyForm(forms.Form):
    pseudonym = forms.CharField(
        label="Provider pseudonym",
        max_length=20,
        help_text="As the pool shows it: P- and 12 letters or digits, e.g. P-ABCDEFGHIJ23.",
    )
    reason = forms.CharField(
        label="Reason for re-identifying",
        min_length=REASON_MIN,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            f"Required, {REASON_MIN} to {REASON_MAX} characters; recorded in the audit log with your name "
            "(42 CFR 3.212(c)). Name no patient or staff member."
        ),
        error_messages={"required": "give the reason for re-identifying this provider"},
    )

    def clean_pseudonym(self) -> str:
        value = str(self.cleaned_data["pseudonym"]).strip().upper()
        if not PSEUDONYM.fullmatch(value):
            raise forms.ValidationError("not a provider pseudonym (P- and 12 letters or digits)")
        return value


def _administered_psos(request: HttpRequest) -> Any:
    psos = orgs_where(request.user, [Role.PSO_ADMIN]).filter(kind=OrgKind.PSO)
    if not psos.exists():
        # Analysts study the pool by pseudonym and never re-identify (3.212(c)): the page is absent.
        raise Http404("No re-identification for you")
    return psos


@login_required
def reidentify_page(request: HttpRequest) -> HttpResponse:
    _administered_psos(request)
    provider = None
    if request.method == "POST":
        form = ReidentifyForm(request.POST)
        if form.is_valid():
            try:
                provider = reidentify(
                    form.cleaned_data["pseudonym"], by=request.user, reason=form.cleaned_data["reason"]
                )
            except ReidentificationRefused as exc:
                form.add_error("pseudonym", str(exc))
    else:
        form = ReidentifyForm(initial={"pseudonym": request.GET.get("pseudonym", "")[:20]})
    status = 200 if request.method == "GET" or provider is not None else 400
    return render(request, "nonid/reidentify.html", {"form": form, "provider": provider}, status=status)
