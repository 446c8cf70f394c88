"""The form of the provider's API-key page."""

from __future__ import annotations

from django import forms


class KeyForm(forms.Form):
    name = forms.CharField(max_length=80, label="Name of the system using it", initial="Incident system")
