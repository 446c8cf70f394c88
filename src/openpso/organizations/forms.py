"""Forms for the PSO administrator's organisation pages, scoped to their network."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from openpso.organizations.models import (
    FeedbackProduct,
    MemberAgreement,
    Organization,
    OrgKind,
    SharedField,
    Unit,
)
from openpso.organizations.roles import ROLE_KINDS, Role
from openpso.organizations.timezones import time_zone_choices


class OrganizationForm(forms.ModelForm):  # type: ignore[type-arg]
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=time_zone_choices,
        required=False,
        error_messages={
            "invalid_choice": "Time zone: “%(value)s” is not a time zone OpenPSO knows; choose one from the list."
        },
        help_text="Dates and times of this organisation's reports, clocks and deadlines are shown in this zone.",
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "slug",
            "kind",
            "parent",
            "provider_type",
            "bed_size_band",
            "ems_volume_band",
            "state",
            "urbanicity",
            "time_zone",
        ]
        # Words an administrator reads, not Django's labels from field names ("Slug", "Ems volume band").
        labels = {
            "slug": "Short name for addresses",
            "bed_size_band": "Bed-size band",
            "ems_volume_band": "EMS response volume band",
            "urbanicity": "Urban or rural",
        }
        help_texts = {
            "slug": "Used in page addresses and file names: lower-case letters, digits and hyphens (harrow-valley).",
            "bed_size_band": "Hospitals only.",
            "ems_volume_band": "EMS agencies only: responses a year.",
        }

    def __init__(self, *args: Any, network: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.network = network
        if self.instance.pk is None:
            # A new member starts in its network's zone, which is usually where it is.
            self.initial.setdefault("time_zone", network.time_zone)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parent.queryset = Organization.objects.filter(network=network, kind=OrgKind.HEALTH_SYSTEM)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(k.value, k.label) for k in (OrgKind.HEALTH_SYSTEM, OrgKind.PROVIDER)]

    def clean_time_zone(self) -> str:
        # Left out (an older client, a script): the zone stays as it was, or the network's.
        chosen: str = self.cleaned_data.get("time_zone") or ""
        if chosen:
            return chosen
        return str(self.instance.time_zone if self.instance.pk else self.initial.get("time_zone") or "")


class UnitForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Unit
        fields = ["name", "unit_type", "active"]


class AgreementForm(forms.ModelForm):  # type: ignore[type-arg]
    categories = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    feedback_products = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, choices=FeedbackProduct.choices
    )
    shared_fields = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=SharedField.choices,
        label="Optional parts shared with the PSO",
        help_text="Identifying answers and the reporter's identity are never sent.",
    )

    class Meta:
        model = MemberAgreement
        fields = [
            "effective_from",
            "effective_to",
            "categories",
            "feedback_products",
            "shared_fields",
            "system_may_view",
        ]
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}),
            "effective_to": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from openpso.commonformats.definitions import herf_core

        super().__init__(*args, **kwargs)
        categories = self.fields["categories"]
        assert isinstance(categories, forms.MultipleChoiceField)
        categories.choices = herf_core()["DE21"].choices()


class MembershipForm(forms.Form):
    email = forms.EmailField(label="Person's e-mail")
    first_name = forms.CharField(required=False, max_length=150)
    last_name = forms.CharField(required=False, max_length=150)
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [(r.value, r.label) for r in Role if organization.kind in ROLE_KINDS[r]]

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email, is_service_account=True).exists():
            # An API key's account holds its key's one role in its one organisation, no other
            # (docs/decisions/0020-api-keys.md); keys are made on the key pages.
            raise forms.ValidationError("This is an API key's account, not a person's: it can hold no other role.")
        return email
