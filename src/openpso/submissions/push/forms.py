"""The form of the provider's API-key page."""

from __future__ import annotations

from typing import Any

from django import forms

from openpso.organizations.roles import Role


class KeyForm(forms.Form):
    name = forms.CharField(max_length=80, label="Name of the system using it", initial="Incident system")
    role = forms.ChoiceField(
        label="Role the key holds",
        help_text="The key sees and does what a person in this role sees and does, in this organisation only.",
    )

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [(r, labels[r]) for r in roles]
        role.initial = roles[-1] if Role.SAFETY_MANAGER not in roles else Role.SAFETY_MANAGER
