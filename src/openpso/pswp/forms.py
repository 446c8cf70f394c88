"""Forms for the PSWP pages. Rules live in the ledger, `bases` and `actions`; forms shape input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from openpso.pswp.bases import BASES, DisclosureRequest
from openpso.pswp.models import Obligation


class DropOutForm(forms.Form):
    reason = forms.CharField(
        label="Why is this report dropped out of the PSES?",
        help_text="Required (42 CFR 3.20). The report is then no longer PSWP and loses its protection.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ExternalReportForm(forms.Form):
    obligation = forms.ChoiceField(label="Obligation", choices=Obligation.choices)
    obligation_detail = forms.CharField(
        label="Agency or form", required=False, max_length=200, help_text="e.g. the state agency's name"
    )
    due_on = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}))


class PolicyForm(forms.Form):
    effective_from = forms.DateField(
        label="In effect from", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    what_enters = forms.CharField(label="What enters the PSES, and when", widget=forms.Textarea(attrs={"rows": 4}))
    who_may_see = forms.CharField(label="Who may see PSES information", widget=forms.Textarea(attrs={"rows": 3}))
    when_reported = forms.CharField(label="When it is reported to the PSO", widget=forms.Textarea(attrs={"rows": 3}))


def _basis_choices() -> list[tuple[str, str]]:
    return [("", "— choose the legal basis —")] + [
        (b.code, f"{b.code} — {b.label} ({b.paragraph})") for b in BASES.values()
    ]


class DisclosureForm(forms.Form):
    basis = forms.ChoiceField(
        label="Legal basis (42 CFR 3.206(b))",
        choices=_basis_choices,
        help_text="Every disclosure needs one basis; without one, nothing is released.",
    )
    recipient_name = forms.CharField(label="Recipient (person)", max_length=200)
    recipient_organization = forms.CharField(label="Recipient's organisation", max_length=200)
    purpose = forms.CharField(label="Purpose", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    onward_use_limit = forms.CharField(
        label="Onward-use limit",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="What the recipient may do with it next, e.g. 'may not further disclose'.",
    )
    reference = forms.CharField(
        label="Reference",
        required=False,
        max_length=300,
        help_text="Court order, protective order, contract, Secretary's sanction or request, FDA product, "
        "non-identification run — as the basis asks.",
    )
    attested = forms.BooleanField(label="I confirm the condition of this basis is met", required=False)
    authorization_signer = forms.CharField(label="Authorisation signed by", required=False, max_length=200)
    authorization_signed_on = forms.DateField(
        label="Signed on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    authorization_document = forms.CharField(
        label="Where the signed authorisation is kept", required=False, max_length=300
    )
    other_authorizations = forms.CharField(
        label="Authorisations of other identified providers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line: provider; signer; YYYY-MM-DD; where the document is kept.",
    )
    contains_iihi = forms.BooleanField(label="Contains individually identifiable health information", required=False)
    hipaa_reference = forms.CharField(label="IRB or privacy-board waiver", required=False, max_length=300)

    def to_request(self, provider_slug: str) -> DisclosureRequest:
        data: dict[str, Any] = self.cleaned_data
        conditions: dict[str, Any] = {}
        if data.get("reference"):
            conditions["reference"] = data["reference"]
        if data.get("attested"):
            conditions["attested"] = True
        if data["basis"] == "PROVIDER_AUTHORIZATION":
            conditions["authorizations"] = self._authorizations(provider_slug)
        if data["basis"] == "RESEARCH":
            conditions["contains_iihi"] = bool(data.get("contains_iihi"))
            conditions["hipaa_reference"] = data.get("hipaa_reference", "")
        return DisclosureRequest(
            basis=data["basis"],
            provider_slug=provider_slug,
            recipient_name=data["recipient_name"],
            recipient_organization=data["recipient_organization"],
            purpose=data["purpose"],
            onward_use_limit=data.get("onward_use_limit", ""),
            conditions=conditions,
        )

    def _authorizations(self, provider_slug: str) -> list[dict[str, str]]:
        data = self.cleaned_data
        entries = []
        if data.get("authorization_signer") or data.get("authorization_document"):
            signed = data.get("authorization_signed_on")
            entries.append(
                {
                    "provider": provider_slug,
                    "signer": data.get("authorization_signer", ""),
                    "signed_on": signed.isoformat() if signed else "",
                    "document": data.get("authorization_document", ""),
                }
            )
        for line in (data.get("other_authorizations") or "").splitlines():
            if line.strip():
                parts = [p.strip() for p in line.split(";")] + ["", "", "", ""]
                entries.append({"provider": parts[0], "signer": parts[1], "signed_on": parts[2], "document": parts[3]})
        return entries

    def add_errors(self, errors: dict[str, str]) -> None:
        aliases = {"authorizations": "authorization_signer"}
        for name, message in errors.items():
            field = aliases.get(name, name)
            self.add_error(field if field in self.fields else None, message)
