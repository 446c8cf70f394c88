"""Forms for the PSWP pages (`pses.pswp.views`). Rules live in the `pswp` kernel's ledger, `bases`
and `actions`; forms shape input."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from openpso.organizations.models import Organization, Unit
from openpso.pswp.actions import OriginalFacts
from openpso.pswp.bases import BASES, DisclosureRequest
from openpso.pswp.models import ORIGINAL_FACTS, IdentifiedKind, Obligation, PatientSex, ProviderAuthorization


class DropOutForm(forms.Form):
    reason = forms.CharField(
        label="Why is this report dropped out of the PSES?",
        help_text="Required (42 CFR 3.20). The report is then no longer PSWP and loses its protection.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ExternalReportForm(forms.Form):
    """Facts typed from original records. Never given initial values from an event report:
    an external obligation is met from records outside the PSES (81 FR 32655)."""

    obligation = forms.ChoiceField(label="Obligation", choices=Obligation.choices)
    obligation_detail = forms.CharField(
        label="Agency or form", required=False, max_length=200, help_text="e.g. the state agency's name"
    )
    due_on = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(
        label="Original records the facts come from",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="e.g. 'medical record MRN …, nursing note 2026-11-03 14:10; wound-care log'. "
        "Not the event report or anything the safety team wrote: those are PSWP.",
    )
    agency_category = forms.CharField(
        label="Event category in the agency's own list", required=False, max_length=200, help_text="e.g. NQF SRE 4F"
    )
    event_description = forms.CharField(
        label="What happened, as the original record states it",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    discovered_at = forms.DateTimeField(
        label="When it happened or was found, per the original record",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    unit = forms.ModelChoiceField(label="Unit", queryset=Unit.objects.none(), required=False)
    outcome = forms.CharField(
        label="Patient outcome as the medical record documents it",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="In the record's words (e.g. 'transferred to ICU'); not a PSES harm score.",
    )
    patient_age_years = forms.IntegerField(label="Patient's age in years", required=False, min_value=0, max_value=130)
    patient_sex = forms.ChoiceField(label="Patient's sex", required=False, choices=[("", "—"), *PatientSex.choices])

    def __init__(self, *args: Any, provider: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = Unit.objects.filter(provider=provider, active=True).order_by("name")

    def facts(self) -> OriginalFacts:
        data = self.cleaned_data
        # An age of 0 is a fact (a newborn); only a field left empty takes the default.
        return OriginalFacts(
            **{name: _EMPTY[name] if data.get(name) in (None, "") else data[name] for name in ORIGINAL_FACTS}
        )

    def add_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)


# What an empty form field means for each fact (OriginalFacts' defaults).
_EMPTY: dict[str, Any] = {f.name: f.default for f in dataclasses.fields(OriginalFacts)}


class PolicyForm(forms.Form):
    effective_from = forms.DateField(
        label="In effect from", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    what_enters = forms.CharField(label="What enters the PSES, and when", widget=forms.Textarea(attrs={"rows": 4}))
    who_may_see = forms.CharField(label="Who may see PSES information", widget=forms.Textarea(attrs={"rows": 3}))
    when_reported = forms.CharField(label="When it is reported to the PSO", widget=forms.Textarea(attrs={"rows": 3}))
    non_pses_purposes = forms.CharField(
        label="Information collected outside the PSES, for other purposes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One purpose a line, e.g. 'Quality department incident log'. Information collected for one "
        "of these is not PSWP (81 FR 32655): intake can record it so from the start, citing this version.",
    )


class AuthorizationChoiceField(forms.ModelMultipleChoiceField[ProviderAuthorization]):
    def label_from_instance(self, obj: Any) -> str:
        return _authorization_label(obj)


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
    identified_providers = forms.CharField(
        label="Other providers the PSWP identifies",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This provider is always one. One more per line: 'organisation: name' or "
        "'clinician: name, role' — every clinician named is an identified provider (3.206(b)(3)).",
    )
    authorization_signer = forms.CharField(
        label="This provider's authorisation signed by", required=False, max_length=200
    )
    authorization_signed_on = forms.DateField(
        label="Signed on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    authorization_scope = forms.CharField(
        label="Nature and scope it authorises",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="As the signed authorisation states it: what may be disclosed, to whom, for what.",
    )
    authorization_document = forms.CharField(
        label="Where the signed authorisation is kept", required=False, max_length=300
    )
    authorization_scan = forms.FileField(
        label="Scan of the signed authorisation (optional)",
        required=False,
        help_text="Only its sha256 is kept, so the document produced later can be shown to be this one.",
    )
    other_authorizations = forms.CharField(
        label="Authorisations of the other identified providers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: 'clinician: name; signer; YYYY-MM-DD; where the document is kept; "
        "nature and scope' (or 'organisation: name; …').",
    )
    earlier_authorizations = AuthorizationChoiceField(
        label="Authorisations already on file to rely on",
        queryset=ProviderAuthorization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contains_iihi = forms.BooleanField(label="Contains individually identifiable health information", required=False)
    hipaa_reference = forms.CharField(label="IRB or privacy-board waiver", required=False, max_length=300)

    def __init__(self, *args: Any, provider: Organization | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only this provider's authorisations on file can be relied on; none, no field.
        on_file = ProviderAuthorization.objects.filter(provider=provider) if provider else None
        if on_file is None or not on_file.exists():
            del self.fields["earlier_authorizations"]
        else:
            earlier = self.fields["earlier_authorizations"]
            assert isinstance(earlier, forms.ModelMultipleChoiceField)
            earlier.queryset = on_file

    def clean_identified_providers(self) -> list[dict[str, str]]:
        found = []
        for n, line in enumerate(self.cleaned_data.get("identified_providers", "").splitlines(), start=1):
            if not line.strip():
                continue
            kind, name = _kind_and_rest(line)
            if kind is None or not name:
                raise forms.ValidationError(f"line {n}: write 'organisation: name' or 'clinician: name, role'")
            role = ""
            if kind == "clinician" and "," in name:
                name, role = (part.strip() for part in name.split(",", 1))
            found.append({"kind": kind, "name": name, "role": role})
        return found

    def clean_other_authorizations(self) -> list[dict[str, str]]:
        entries = []
        for n, line in enumerate(self.cleaned_data.get("other_authorizations", "").splitlines(), start=1):
            if not line.strip():
                continue
            kind, rest = _kind_and_rest(line)
            if kind is None:
                raise forms.ValidationError(f"line {n}: start with 'organisation:' or 'clinician:'")
            parts = [p.strip() for p in rest.split(";", 4)] + [""] * 5
            entries.append(
                {
                    "kind": kind,
                    "provider": parts[0],
                    "signer": parts[1],
                    "signed_on": parts[2],
                    "document": parts[3],
                    "scope": parts[4],
                }
            )
        return entries

    def to_request(self, provider_slug: str) -> DisclosureRequest:
        data: dict[str, Any] = self.cleaned_data
        conditions: dict[str, Any] = {}
        if data.get("reference"):
            conditions["reference"] = data["reference"]
        if data.get("attested"):
            conditions["attested"] = True
        if data["basis"] == "PROVIDER_AUTHORIZATION":
            conditions["identified_providers"] = data.get("identified_providers") or []
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

    def _authorizations(self, provider_slug: str) -> list[dict[str, Any]]:
        data = self.cleaned_data
        entries: list[dict[str, Any]] = []
        own = ("authorization_signer", "authorization_signed_on", "authorization_scope", "authorization_document")
        if any(data.get(k) for k in own):
            signed = data.get("authorization_signed_on")
            scan = data.get("authorization_scan")
            entries.append(
                {
                    "kind": "organization",
                    "provider": provider_slug,
                    "signer": data.get("authorization_signer", ""),
                    "signed_on": signed.isoformat() if signed else "",
                    "scope": data.get("authorization_scope", ""),
                    "document": data.get("authorization_document", ""),
                    "sha256": _sha256(scan) if scan else "",
                }
            )
        entries += data.get("other_authorizations") or []
        entries += [{"id": a.pk} for a in data.get("earlier_authorizations") or []]
        return entries

    def add_errors(self, errors: dict[str, str]) -> None:
        aliases = {"own_authorization": "authorization_signer", "authorizations": "other_authorizations"}
        for name, message in errors.items():
            field = aliases.get(name, name)
            self.add_error(field if field in self.fields else None, message)


def _kind_and_rest(line: str) -> tuple[str | None, str]:
    head, sep, rest = line.partition(":")
    kinds = {"organisation": "organization", "organization": "organization", "clinician": "clinician"}
    return (kinds.get(head.strip().casefold()) if sep else None), rest.strip()


def _authorization_label(auth: ProviderAuthorization) -> str:
    kind = IdentifiedKind(auth.identified_kind).label.lower()
    return f"{auth.identified_name} ({kind}), signed by {auth.signed_by} on {auth.signed_on.isoformat()}: {auth.scope}"


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()
