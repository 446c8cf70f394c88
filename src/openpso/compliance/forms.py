"""Forms for the register; each error names its field and the reason (invariant 7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from openpso.compliance.models import (
    BusinessAssociateAgreement,
    DelistingMember,
    DelistingRunbook,
    Disposition,
    Listing,
    RelationshipDisclosure,
    SecurityAssessment,
    SecurityPolicy,
    TrainingRecord,
)
from openpso.compliance.queries import network_providers
from openpso.compliance.register import LISTING_YEARS, add_years
from openpso.organizations.models import Organization

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_future(form: forms.BaseForm, name: str) -> None:
    day: dt.date | None = form.cleaned_data.get(name)
    if day is not None and day > timezone.localdate():
        form.add_error(name, "This date is in the future; record it once it has happened.")


class ListingForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Listing
        fields = ["ahrq_number", "initial_listing_date", "expires_on"]
        widgets = {"initial_listing_date": DATE, "expires_on": DATE}
        help_texts = {
            "initial_listing_date": "The Secretary's first listing; the 24-month contract periods start here.",
            "expires_on": f"From the latest listing letter; empty: {LISTING_YEARS} years after the initial listing.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        listed, expires = data.get("initial_listing_date"), data.get("expires_on")
        if listed and not expires and "expires_on" not in self.errors:
            data["expires_on"] = add_years(listed, LISTING_YEARS)
        elif listed and expires and expires <= listed:
            self.add_error("expires_on", "The expiry must come after the initial listing date.")
        return data


class DisclosureForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RelationshipDisclosure
        fields = ["provider", "kind", "description", "began_on", "disclosed_on", "submitted_on"]
        widgets = {"began_on": DATE, "disclosed_on": DATE, "submitted_on": DATE}
        labels = {"kind": "Kind of relationship"}
        help_texts = {
            "description": "What the relationship is, beyond the member agreement (no patient information).",
            "submitted_on": "Leave empty until the disclosure statement has gone to AHRQ.",
        }

    def __init__(self, *args: Any, pso: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.pso = pso
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ModelChoiceField)
        provider.queryset = network_providers(pso)  # a provider of another network is "not one of the choices"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("began_on", "disclosed_on", "submitted_on"):
            _not_future(self, name)
        began = data.get("began_on")
        for name in ("disclosed_on", "submitted_on"):
            day = data.get(name)
            if began and day and day < began and name not in self.errors:
                self.add_error(name, "This is before the relationship began.")
        return data


class AssessmentForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SecurityAssessment
        fields = ["performed_on", "scope", "assessor", "result", "next_due"]
        widgets = {"performed_on": DATE, "next_due": DATE}

    def __init__(self, *args: Any, pso: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.pso = pso
        self.fields["next_due"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _not_future(self, "performed_on")
        performed, due = data.get("performed_on"), data.get("next_due")
        if performed and not due and "next_due" not in self.errors:
            data["next_due"] = add_years(performed, 1)  # 3.106(b)(4) "periodic": yearly by our policy
        elif performed and due and due <= performed:
            self.add_error("next_due", "The next assessment must be due after this one.")
        return data


def _next_after(form: forms.BaseForm, start: str, due: str, *, message: str) -> None:
    """Default `due` to a year after `start` (yearly by our policy), else require it to be later."""
    data = form.cleaned_data
    began, until = data.get(start), data.get(due)
    if began and not until and due not in form.errors:
        data[due] = add_years(began, 1)
    elif began and until and until <= began:
        form.add_error(due, message)


class BusinessAssociateAgreementForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = BusinessAssociateAgreement
        fields = ["counterparty", "provider", "signed_on", "scope", "review_on"]
        widgets = {"signed_on": DATE, "review_on": DATE}
        help_texts = {"review_on": "The agreement's end, or the date your policy sets for its review."}

    def __init__(self, *args: Any, pso: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.pso = pso
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ModelChoiceField)
        provider.queryset = network_providers(pso)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _not_future(self, "signed_on")
        signed, review = data.get("signed_on"), data.get("review_on")
        if signed and review and review <= signed and "review_on" not in self.errors:
            self.add_error("review_on", "The expiry or review date must come after the signing date.")
        return data


class TrainingRecordForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = TrainingRecord
        fields = ["person", "role", "course", "completed_on", "due_again"]
        widgets = {"completed_on": DATE, "due_again": DATE}
        help_texts = {
            "course": "E.g. the Patient Safety Act and Rule, or the PSO's confidentiality and security policies."
        }

    def __init__(self, *args: Any, pso: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.pso = pso
        self.fields["due_again"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _not_future(self, "completed_on")
        _next_after(
            self, "completed_on", "due_again", message="The training must fall due again after it was completed."
        )
        return data


class SecurityPolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SecurityPolicy
        fields = ["title", "version", "adopted_on", "next_review"]
        widgets = {"adopted_on": DATE, "next_review": DATE}
        help_texts = {"title": "A new version of a policy: record it under the same title."}

    def __init__(self, *args: Any, pso: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.pso = pso
        self.fields["next_review"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _not_future(self, "adopted_on")
        _next_after(self, "adopted_on", "next_review", message="The next review must come after the adoption.")
        return data


class DelistingRunbookForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DelistingRunbook
        fields = ["triggered_on", "reason", "closed_on"]
        widgets = {"triggered_on": DATE, "closed_on": DATE}
        help_texts = {
            "triggered_on": "The effective date of the revocation or relinquishment; the 90 days run from here.",
            "closed_on": "Once every member has been notified and its PSWP transferred, returned or destroyed.",
        }

    def __init__(self, *args: Any, pso: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.pso = pso
        if self.instance.pk is None:
            del self.fields["closed_on"]  # a runbook is opened first; it is closed on its own page

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        closed = data.get("closed_on")
        if closed is None:
            if (
                self.instance.pk is None
                and DelistingRunbook.objects.filter(pso=self.instance.pso, closed_on__isnull=True).exists()
            ):
                self.add_error("triggered_on", "A delisting runbook is already open; finish that one.")
            return data
        _not_future(self, "closed_on")
        triggered = data.get("triggered_on")
        if triggered and closed < triggered and "closed_on" not in self.errors:
            self.add_error("closed_on", "The runbook cannot close before the delisting.")
        if self.instance.pk and any(not m.is_done for m in self.instance.members.all()):
            self.add_error("closed_on", "Some members still lack a notification date or a recorded disposition.")
        return data


class DelistingMemberForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DelistingMember
        fields = ["notified_on", "disposition", "disposed_on", "recipient"]
        widgets = {"notified_on": DATE, "disposed_on": DATE}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("notified_on", "disposed_on"):
            _not_future(self, name)
        disposition, disposed = data.get("disposition"), data.get("disposed_on")
        if disposition and not disposed and "disposed_on" not in self.errors:
            self.add_error("disposed_on", "Give the date the PSWP was transferred, returned or destroyed.")
        if disposed and not disposition and "disposition" not in self.errors:
            self.add_error("disposition", "Say whether the PSWP was transferred, returned or destroyed.")
        if disposition == Disposition.TRANSFERRED and not data.get("recipient"):
            self.add_error("recipient", "Name the PSO that received the PSWP.")
        return data
