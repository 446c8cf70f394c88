"""The legal status of a stored artefact under the Patient Safety Act (42 CFR 3.20)."""

from __future__ import annotations

from django.db import models


class PswpStatus(models.TextChoices):
    # Entered the provider's PSES for reporting to a PSO; protected from then on.
    CANDIDATE = "candidate", "PSWP candidate (in the PSES)"
    REPORTED = "reported", "Reported to the PSO"
    FUNCTIONALLY_REPORTED = "functionally_reported", "Functionally reported"
    DELIBERATION = "deliberation", "Deliberation or analysis"
    # 42 CFR 3.20 (PSWP, para (2)(ii)): removal is allowed only before reporting.
    DROPPED_OUT = "dropped_out", "Dropped out of the PSES"
    NOT_PSWP = "not_pswp", "Not PSWP (original record or external obligation)"
