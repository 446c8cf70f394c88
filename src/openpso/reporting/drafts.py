"""Saving and restoring unfinished reports of signed-in reporters."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django import forms
from django.http import QueryDict

from openpso.accounts.actors import user_row
from openpso.audit.actor import Actor
from openpso.organizations.models import Organization
from openpso.reporting.models import ReportDraft

# Form fields a draft keeps; anything else posted (the CSRF token, unknown names) is dropped.
_MAX_FIELDS = 1000
_MAX_VALUE = 10_000


def draft_payload(post: QueryDict) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name in list(post.keys())[:_MAX_FIELDS]:
        if name == "csrfmiddlewaretoken":
            continue
        data[name] = [value[:_MAX_VALUE] for value in post.getlist(name)]
    return data


def save_draft(*, user: Actor, provider: Organization, post: QueryDict) -> ReportDraft:
    draft, _ = ReportDraft.objects.update_or_create(
        user=user, provider=provider, defaults={"payload": json.dumps(draft_payload(post))}
    )
    return draft


def draft_for(*, user: Actor | None, provider: Organization) -> ReportDraft | None:
    if user is None:  # nobody signed in has no drafts
        return None
    return ReportDraft.objects.filter(user=user_row(user), provider=provider).first()


def discard_draft(*, user: Actor | None, provider: Organization) -> None:
    if user is None:
        return
    ReportDraft.objects.filter(user=user_row(user), provider=provider).delete()


def as_initial(draft: ReportDraft, fields: Mapping[str, forms.Field]) -> dict[str, Any]:
    """The draft as a form's initial values: lists for multi-choice fields, else the first value."""
    initial: dict[str, Any] = {}
    for name, values in draft.data.items():
        if name not in fields or not isinstance(values, list):
            continue
        initial[name] = values if isinstance(fields[name], forms.MultipleChoiceField) else (values[0] if values else "")
    return initial
