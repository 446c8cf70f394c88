"""Forms of the privilege pages. They only shape input: the rules live in `actions` and
`bases`, whose errors come back to the field they name."""

from __future__ import annotations

from typing import Any

from django import forms

from openpso.organizations.models import Organization
from openpso.privilege.actions import PRIVILEGE_EXCEPTIONS
from openpso.privilege.bases import PSO_BASIS_CODES
from openpso.privilege.models import BreachKind, DemandKind, Outcome, RecipientKind, RiskConclusion
from openpso.pswp.bases import BASES, DisclosureRequest

DATE = forms.DateInput(attrs={"type": "date"})
YES_NO = [("", "—"), ("yes", "Yes"), ("no", "No")]
KINDS = {"organisation": "organization", "organization": "organization", "clinician": "clinician"}


class FieldErrorsForm(forms.Form):
    def add_errors(self, errors: dict[str, str]) -> None:
        aliases = {"own_authorization": "authorizations", "reference": "reference"}
        for name, message in errors.items():
            field = aliases.get(name, name)
            self.add_error(field if field in self.fields else None, f"{name}: {message}")


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class PsoDisclosureForm(FieldErrorsForm):
    basis = forms.ChoiceField(
        choices=[("", "—")] + [(c, f"{c} — {BASES[c].label} ({BASES[c].paragraph})") for c in sorted(PSO_BASIS_CODES)],
        required=False,
    )
    provider = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        help_text="The member whose PSWP it is; leave empty for PSWP pooled from several members.",
    )
    recipient_kind = forms.ChoiceField(choices=RecipientKind.choices)
    recipient_name = forms.CharField(required=False)
    recipient_organization = forms.CharField(required=False)
    recipient_address = forms.CharField(required=False, help_text="Address if known (HIPAA 164.528(b)(2)(ii)).")
    purpose = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(
        label="What PSWP", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="What was disclosed."
    )
    onward_use_limit = forms.CharField(required=False)
    disclosed_on = forms.DateField(widget=DATE)
    reference = forms.CharField(required=False, help_text="The document the basis asks for (see the list above).")
    attested = forms.BooleanField(required=False, label="I confirm the statement the basis asks for")
    contains_iihi = forms.ChoiceField(
        choices=YES_NO, required=False, label="Contains individually identifiable health information (research)"
    )
    hipaa_reference = forms.CharField(required=False, label="IRB or privacy-board waiver (45 CFR 164.512(i))")
    irb_approved_on = forms.DateField(required=False, widget=DATE, label="Waiver approved on")
    contract_signed_on = forms.DateField(required=False, widget=DATE, label="Contractor's agreement signed on")
    identifies_patients = forms.ChoiceField(
        choices=YES_NO, required=False, label="Identifies patients (research, law enforcement: HIPAA accounting)"
    )
    patients = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One opaque patient reference a line (the member's MRN or encounter key); stored encrypted.",
    )
    identified_providers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="PROVIDER_AUTHORIZATION: other providers the PSWP identifies, one a line: “clinician: name”.",
    )
    authorizations = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "PROVIDER_AUTHORIZATION: one signed authorisation a line, the member's own included: "
            "“organisation: name | signer | YYYY-MM-DD | scope | where the document is kept”."
        ),
    )

    def __init__(self, *args: Any, pso: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Organization.objects.filter(network=pso, kind="provider").order_by("name")
        self.fields["provider"].queryset = members  # type: ignore[attr-defined]

    def patient_refs(self) -> list[str]:
        return _lines(self.cleaned_data.get("patients") or "")

    def to_request(self) -> DisclosureRequest:
        data = self.cleaned_data
        conditions: dict[str, Any] = {"attested": bool(data.get("attested"))}
        for name in ("reference", "hipaa_reference"):
            if data.get(name):
                conditions[name] = data[name]
        for name in ("irb_approved_on", "contract_signed_on"):
            if data.get(name):
                conditions[name] = data[name].isoformat()
        for name in ("contains_iihi", "identifies_patients"):
            answer = _yes_no(data.get(name) or "")
            if answer is not None:
                conditions[name] = answer
        identified = []
        for line in _lines(data.get("identified_providers") or ""):
            head, _, name = line.partition(":")
            identified.append({"kind": KINDS.get(head.strip().casefold(), head.strip()), "name": name.strip()})
        if identified:
            conditions["identified_providers"] = identified
        provider = data.get("provider")
        # The member's own authorisation is matched by its slug (pswp.bases); people type its name.
        own_names = {provider.name.casefold(), provider.slug.casefold()} if provider else set()
        authorizations = []
        for line in _lines(data.get("authorizations") or ""):
            head, _, rest = line.partition(":")
            parts = [p.strip() for p in rest.split("|")] + [""] * 5
            kind = KINDS.get(head.strip().casefold(), head.strip())
            if provider and kind == "organization" and parts[0].casefold() in own_names:
                parts[0] = provider.slug
            authorizations.append(
                {
                    "kind": kind,
                    "provider": parts[0],
                    "signer": parts[1],
                    "signed_on": parts[2],
                    "scope": parts[3],
                    "document": parts[4],
                }
            )
        if authorizations:
            conditions["authorizations"] = authorizations
        return DisclosureRequest(
            basis=data.get("basis") or "",
            provider_slug=provider.slug if provider else "",
            recipient_name=data.get("recipient_name") or "",
            recipient_organization=data.get("recipient_organization") or "",
            purpose=data.get("purpose") or "",
            onward_use_limit=data.get("onward_use_limit") or "",
            conditions=conditions,
        )


class AccountingForm(forms.Form):
    patient = forms.CharField(label="Patient reference", help_text="As it was given when the disclosure was logged.")


class PsoAccountingForm(AccountingForm):
    provider = forms.ModelChoiceField(queryset=Organization.objects.none())

    def __init__(self, *args: Any, pso: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Organization.objects.filter(network=pso, kind="provider").order_by("name")
        self.fields["provider"].queryset = members  # type: ignore[attr-defined]


class SubpoenaForm(FieldErrorsForm):
    kind = forms.ChoiceField(choices=DemandKind.choices)
    requested_by = forms.CharField(required=False, help_text="The party asking, and its counsel.")
    forum = forms.CharField(required=False, help_text="Court, tribunal or agency, and the case number.")
    what_asked = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="What is asked")
    records_reached = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Which records it reaches; which are PSWP."
    )
    served_on = forms.DateField(widget=DATE)
    respond_by = forms.DateField(widget=DATE, help_text="The date a response or objection is due.")


class AssertForm(FieldErrorsForm):
    privilege_text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Privilege asserted",
        initial=(
            "The records requested are patient safety work product, privileged and not subject to subpoena, "
            "discovery or admission in evidence."
        ),
    )
    privilege_cite = forms.CharField(required=False, initial="42 U.S.C. 299b-22(a); 42 CFR 3.204(a)")
    asserted_on = forms.DateField(widget=DATE)


class CloseForm(FieldErrorsForm):
    outcome = forms.ChoiceField(choices=Outcome.choices)
    outcome_on = forms.DateField(widget=DATE)
    outcome_detail = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    exception_basis = forms.ChoiceField(
        choices=[("", "—")] + [(c, f"{c} ({BASES[c].paragraph})") for c in PRIVILEGE_EXCEPTIONS],
        required=False,
        help_text="Court-ordered disclosure only: the exception to privilege (3.204(b)).",
    )
    continued_protection = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Leave empty to record what 3.208 leaves for this outcome.",
    )


class BreachForm(FieldErrorsForm):
    kind = forms.ChoiceField(choices=BreachKind.choices)
    what = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="What happened")
    occurred_on = forms.DateField(required=False, widget=DATE)
    discovered_on = forms.DateField(widget=DATE)
    who_affected = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    patients_affected = forms.IntegerField(min_value=0, initial=0)
    affected_providers = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, pso: Organization | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if pso is None:
            del self.fields["affected_providers"]
        else:
            members = Organization.objects.filter(network=pso, kind="provider").order_by("name")
            self.fields["affected_providers"].queryset = members  # type: ignore[attr-defined]


class AssessForm(FieldErrorsForm):
    conclusion = forms.ChoiceField(choices=[c for c in RiskConclusion.choices if c[0] != RiskConclusion.PENDING])
    assessed_on = forms.DateField(widget=DATE)
    risk_nature = forms.CharField(
        required=False, label="Nature and extent of the PHI", widget=forms.Textarea(attrs={"rows": 2})
    )
    risk_recipient = forms.CharField(required=False, label="Who used it or received it")
    risk_acquired = forms.CharField(required=False, label="Whether it was acquired or viewed")
    risk_mitigated = forms.CharField(required=False, label="How far the risk was mitigated")


class NoticeSentForm(FieldErrorsForm):
    sent_on = forms.DateField(widget=DATE)
    method = forms.CharField(required=False, help_text="How it was sent (letter, secure e-mail …).")
