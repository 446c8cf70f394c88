"""The PSO administrator's record of expert determinations (42 CFR 3.212(a)(1)): who determined,
when, by which method, the risk they measured, which release profile it authorises, and until when.

A determination authorises `release-ed/1` (the event month) for the PSO's releases only while it is
unexpired (`release.release_profile`); every release made under it names it. Recording one is in
the audit log with the recorder's name; the method text is the expert's, about data sets, never a
patient, so it is kept in the database and not in the audit detail (invariant 4: codes and ids).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.nonid.events import NonidAction
from openpso.nonid.models import ExpertDetermination, Release
from openpso.nonid.profiles import RELEASE_ED
from openpso.organizations.models import Organization, OrgKind
from openpso.organizations.queries import orgs_where
from openpso.organizations.roles import Role

RECENT_RELEASES = 20  # releases listed on the page, newest first
SCOPES = [(RELEASE_ED.id, f"{RELEASE_ED.id}: event month in releases")]
MAX_YEARS = 3  # a determination looked at again at least this often (docs/nonid.md)


class DeterminationForm(forms.ModelForm):  # type: ignore[type-arg]
    scope = forms.ChoiceField(label="Authorises the profile", choices=SCOPES)

    class Meta:
        model = ExpertDetermination
        fields = [
            "expert",
            "qualification",
            "determined_on",
            "method",
            "risk_measured",
            "risk_measure",
            "scope",
            "expires_on",
        ]
        labels = {
            "expert": "Expert's name",
            "qualification": "Expert's qualification",
            "determined_on": "Date of the determination",
            "method": "Method and results",
            "risk_measured": "Measured risk (0 to 1)",
            "risk_measure": "What the risk measures",
            "expires_on": "Expires on",
        }
        help_texts = {
            "qualification": "Their statistical or scientific knowledge and experience, as the rule asks.",
            "method": "How the risk was assessed and what was found, or where the signed report is kept.",
            "risk_measured": "For example 0.04 for a 4% highest re-identification probability.",
            "risk_measure": "For example: highest probability that a record is matched to its provider (prosecutor).",
            "expires_on": f"At most {MAX_YEARS} years after the determination.",
        }
        widgets = {
            "determined_on": forms.DateInput(attrs={"type": "date"}),
            "expires_on": forms.DateInput(attrs={"type": "date"}),
            "method": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_risk_measured(self) -> Decimal:
        value = self.cleaned_data["risk_measured"]
        if not Decimal(0) <= value <= Decimal(1):
            raise forms.ValidationError("give the risk as a number from 0 to 1")
        return value  # type: ignore[no-any-return]

    def clean_determined_on(self) -> dt.date:
        value = self.cleaned_data["determined_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("a determination cannot be dated in the future")
        return value  # type: ignore[no-any-return]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("determined_on"), data.get("expires_on")
        if start and end:
            if end <= start:
                self.add_error("expires_on", "the expiry must come after the date of the determination")
            elif end > _years_after(start, MAX_YEARS):
                self.add_error("expires_on", f"at most {MAX_YEARS} years after the determination")
            elif end <= timezone.localdate():
                self.add_error("expires_on", "this determination has already expired")
        return data


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def _pso(request: HttpRequest) -> Organization:
    pso = orgs_where(request.user, [Role.PSO_ADMIN]).filter(kind=OrgKind.PSO).order_by("pk").first()
    if pso is None:
        raise Http404("Expert determinations are recorded by a PSO administrator")
    return pso


@login_required
def determinations_page(request: HttpRequest) -> HttpResponse:
    pso = _pso(request)
    if request.method == "POST":
        form = DeterminationForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                determination = form.save(commit=False)
                determination.pso, determination.recorded_by = pso, request.user
                determination.save()
                record(
                    actor=request.user,
                    action=NonidAction.DETERMINATION_RECORDED,
                    object_type=object_type_of(determination),
                    object_id=str(determination.pk),
                    organization_id=pso.pk,
                    purpose="release",
                    detail={"scope": determination.scope, "expires_on": f"{determination.expires_on:%Y-%m-%d}"},
                )
            return redirect("pseudonyms:determinations")
    else:
        form = DeterminationForm()
    today = timezone.localdate()
    listed = [
        {"d": d, "in_force": d.withdrawn_at is None and d.determined_on <= today < d.expires_on}
        for d in ExpertDetermination.objects.filter(pso=pso)
    ]
    status = 400 if request.method == "POST" else 200
    # The latest releases with the PSWP label each carries (pswp.labels.release_label).
    releases = Release.objects.filter(pso=pso).select_related("recipient")[:RECENT_RELEASES]
    context = {"form": form, "pso": pso, "listed": listed, "releases": releases}
    return render(request, "nonid/determinations.html", context, status=status)
