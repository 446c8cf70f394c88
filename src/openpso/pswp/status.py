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


# The status an artefact has before the ledger knows it (the `from` of its first entry).
NO_STATUS = ""

# Every allowed PSWP transition, and nothing else. A status with an empty set is final.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    # A new artefact enters the PSES for reporting (42 CFR 3.20, PSWP para (1)(i)(A)), is an
    # analysis protected at creation (para (1)(ii)), or is an original/external-obligation
    # record that is never PSWP (para (2); 81 FR 32655).
    NO_STATUS: frozenset({PswpStatus.CANDIDATE, PswpStatus.DELIBERATION, PswpStatus.NOT_PSWP}),
    # Before reporting, a candidate may be reported (by transmission or by giving the PSO
    # access — functional reporting, 2008 preamble) or dropped out with the act, date and
    # reason documented (para (2)(ii)). It never becomes `not_pswp` directly: information in
    # the PSES that is needed for an external obligation leaves it by a documented drop-out
    # (81 FR 32655); `not_pswp` is a status a record starts in (collected for another purpose).
    PswpStatus.CANDIDATE: frozenset(
        {
            PswpStatus.REPORTED,
            PswpStatus.FUNCTIONALLY_REPORTED,
            PswpStatus.DROPPED_OUT,
        }
    ),
    # The PSO already has access; a later transmission changes nothing legally but is recorded.
    PswpStatus.FUNCTIONALLY_REPORTED: frozenset({PswpStatus.REPORTED}),
    # 42 CFR 3.20: once reported (functionally included), drop-out is gone for good.
    PswpStatus.REPORTED: frozenset(),
    # Deliberations and analyses are PSWP at creation and are not meant to be dropped out.
    PswpStatus.DELIBERATION: frozenset(),
    # Dropped-out information is no longer PSWP and cannot become PSWP again by re-entry.
    PswpStatus.DROPPED_OUT: frozenset(),
    # Information kept separately from a PSES does not become PSWP by being reported (para (2)).
    PswpStatus.NOT_PSWP: frozenset(),
}

REPORTED_STATUSES = frozenset({PswpStatus.REPORTED, PswpStatus.FUNCTIONALLY_REPORTED})
