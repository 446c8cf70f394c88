"""Unfinished reports, saved as the reporter types so nothing typed is ever lost."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models

from openpso.encryption.fields import EncryptedTextField
from openpso.organizations.models import Organization


class ReportDraft(models.Model):
    """One signed-in person's unfinished report for one provider.

    The form's fields are kept as JSON inside an encrypted column: a draft holds the same
    narrative and identifiers as a report (invariant 6). A report meant to be anonymous has
    no draft at all: the anonymous page keeps none, and the signed-in form deletes its draft
    once "Report anonymously" is ticked (docs/decisions/0007).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_drafts")
    provider = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    payload = EncryptedTextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "provider"], name="one_draft_per_provider")]

    @property
    def data(self) -> dict[str, Any]:
        loaded = json.loads(self.payload or "{}")
        return loaded if isinstance(loaded, dict) else {}
