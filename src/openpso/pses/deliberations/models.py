"""Deliberations of a provider's PSES: committee notes, analyses and Just Culture decisions
(PSWP from creation; see docs/decisions/0009-pswp-ledger-and-pses.md).

RULE — nothing outside `openpso.pses` reads deliberations (DESIGN; 42 CFR 3.20, PSWP
para (1)(ii): they are PSWP by the deliberation pathway from the moment they exist). They
never appear in exports, reporter feedback or submissions to the PSO. Every read goes
through `openpso.pses.deliberations` (`deliberations_for(user, event)`,
`get_deliberation_for_user`), which limits them to the PSES roles of their provider and
writes the read into the audit trail. `test_deliberation_isolation` fails the build when
any module outside `openpso/pses/` imports this model, or a PSES module not on its list.

Rows are append-only: a correction is a new deliberation that names the one it corrects.
The related names are "+" so no other model grows a back door (`event.deliberation_set`).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from openpso.encryption.fields import EncryptedJSONField, EncryptedTextField
from openpso.lib.appendonly import AppendOnlyModel, AppendOnlyQuerySet
from openpso.organizations.models import Organization
from openpso.pses.models import SafetyEvent
from openpso.pswp.guard import LedgerGuardedModel
from openpso.pswp.status import PswpStatus


class DeliberationKind(models.TextChoices):
    COMMITTEE_NOTE = "committee_note", "Committee note"
    ANALYSIS = "analysis", "Analysis"
    JUST_CULTURE = "just_culture", "Just Culture decision"


class Deliberation(LedgerGuardedModel, AppendOnlyModel):
    """One deliberation or analysis on a safety event: PSWP at creation, never edited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(SafetyEvent, on_delete=models.PROTECT, related_name="+")
    # The event's provider, kept on the row for tenancy lookups and the PSWP ledger.
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=DeliberationKind.choices)
    title = EncryptedTextField()
    body = EncryptedTextField(blank=True)
    # Just Culture only: {"answers": {question code: choice}, "outcome": {...}}.
    decision = EncryptedJSONField(default=dict, blank=True)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    pswp_status = models.CharField(max_length=24, choices=PswpStatus.choices, blank=True, default="")
    pswp_status_at = models.DateTimeField(null=True, blank=True)

    # Append-only; `pswp.ledger.mark_deliberation` stamps the status once, in the creating
    # transaction, through its own sanctioned write (pswp.guard), and `deliberation` is final.
    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["event", "created_at"])]

    def __str__(self) -> str:
        return f"Deliberation {self.short_id}"

    @property
    def short_id(self) -> str:
        return "D-" + str(self.id)[:8].upper()
