"""`label_for(obj)`: the one PSWP label a record shows on screen, in CSV exports and in PDFs.

42 CFR 3.106(b)(2) asks that PSWP be kept distinguishable from other information so that the
right protection applies; a label on every page, file and print of a PSWP record does that
One function decides every label so the words never drift apart.

- A record with a ledger status (`pswp_status`: event reports, deliberations) shows that status,
  in words: the ledger is the only truth about it (pswp.ledger).
- The provider's PSES records without a status of their own — safety events, addenda, RCA²
  investigations and action plans — are analysis inside the PSES: PSWP by the deliberations or
  analysis pathway from the moment they exist (3.20, PSWP para (1)(ii)).
- The PSO's copy of a submission was reported to a PSO: PSWP (3.20, PSWP para (1)(i)(A)).
- Safety alerts, feedback reports and the answers members give to alerts are developed by the PSO
  for the conduct of patient safety activities and reported to providers: PSWP (3.20, PSWP para
  (1)(i)(B)). Reports for one provider or system, and alert answers, also name the provider.
- A release (`nonid.Release`, and the release line of a generated report) is PSO-developed PSWP.
  It is *not* labelled "non-identified PSWP": the release profile coarsens dates and peer groups
  and records the measured k, but a report released to a member names that member, carries free
  text and charts OpenPSO cannot prove free of every identifier, and 3.212(a)(2) also depends on
  the PSO having no actual knowledge that the rest could identify anyone — none of which the data
  establishes. A recorded expert determination authorises the finer dates of `release-ed/1`; it
  is the expert's finding about that profile, not a status of this release, so the label does not
  claim it either. Calling it non-identified would invite a recipient to treat privileged PSWP as
  free to disclose (3.206(b)(5)); the cautious label is the lawful one.

The module imports no other domain app: records are recognised by their model label, so pses,
submissions, feedback and nonid can all use it without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PARA_A = "42 CFR 3.20, PSWP para (1)(i)(A)"
PARA_B = "42 CFR 3.20, PSWP para (1)(i)(B)"
PARA_II = "42 CFR 3.20, PSWP para (1)(ii)"
PARA_2 = "42 CFR 3.20, PSWP para (2)"


@dataclass(frozen=True)
class PswpLabel:
    code: str  # stable, for CSV columns and tests: the ledger status, or what the label derives from
    text: str
    cite: str
    is_pswp: bool

    def __str__(self) -> str:
        return f"{self.text} ({self.cite})"


# The ledger's statuses in words (pswp.status.PswpStatus values; kept as strings so a status
# added later falls through to `_unknown` rather than to a wrong label).
_BY_STATUS: dict[str, PswpLabel] = {
    "candidate": PswpLabel("candidate", "PSWP: in the provider's PSES, not yet reported to the PSO", PARA_A, True),
    "reported": PswpLabel("reported", "PSWP: reported to the PSO", PARA_A, True),
    "functionally_reported": PswpLabel(
        "functionally_reported", "PSWP: functionally reported (the PSO has access)", PARA_A, True
    ),
    "deliberation": PswpLabel("deliberation", "PSWP: deliberation or analysis in the PSES", PARA_II, True),
    "dropped_out": PswpLabel("dropped_out", "Not PSWP: dropped out of the PSES before reporting", PARA_2, False),
    "not_pswp": PswpLabel("not_pswp", "Not PSWP: original record or external obligation", PARA_2, False),
}

PSES_ANALYSIS = PswpLabel("pses_analysis", "PSWP: analysis in the provider's PSES", PARA_II, True)
PSO_COPY = PswpLabel("pso_copy", "PSWP: reported to the PSO (the PSO's copy)", PARA_A, True)
PSO_DEVELOPED = PswpLabel("pso_developed", "PSWP: developed by the PSO for reporting to providers", PARA_B, True)
PSO_DEVELOPED_NAMED = PswpLabel(
    "pso_developed:identified", "PSWP: developed by the PSO; identifies the provider", PARA_B, True
)

_BY_MODEL: dict[str, PswpLabel] = {
    "pses.safetyevent": PSES_ANALYSIS,
    "pses.addendum": PSES_ANALYSIS,
    "pses.investigation": PSES_ANALYSIS,
    "pses.actionitem": PSES_ANALYSIS,
    "pses.effectivenessreview": PSES_ANALYSIS,
    "submissions.submission": PSO_COPY,
    "feedback.safetyalert": PSO_DEVELOPED,
    "feedback.alerttarget": PSO_DEVELOPED_NAMED,
}

# Feedback reports about one provider or system name it; the PSO's learning report does not.
_NAMING_REPORT_KINDS = frozenset({"provider_monthly", "system", "reporter_digest"})


def release_label(profile: str) -> PswpLabel:
    """The label of anything released under `profile` (see the module docstring for why it never
    says non-identified)."""
    return PswpLabel(
        f"released:{profile}",
        f"PSWP: developed by the PSO, released under {profile}; not labelled non-identified (42 CFR 3.212)",
        PARA_B,
        True,
    )


def feedback_report_label(kind: str, released_under: str | None = None) -> PswpLabel:
    """A generated feedback report: PSO-developed PSWP, naming its provider or system where it is
    about one, and saying the release profile its pooled parts left the PSO under."""
    names = kind in _NAMING_REPORT_KINDS
    if not released_under:
        return PSO_DEVELOPED_NAMED if names else PSO_DEVELOPED
    base = release_label(released_under)
    if not names:
        return base
    return PswpLabel(f"{base.code}:identified", f"{base.text}; identifies the provider", base.cite, True)


def label_for(obj: Any) -> PswpLabel:
    """The PSWP label of a record (or of a model class, for a list of one kind of record)."""
    status = getattr(obj, "pswp_status", "") if not isinstance(obj, type) else ""
    if isinstance(status, str) and status:
        return _BY_STATUS.get(status) or _unknown(status)
    model = obj._meta.label_lower
    if model == "feedback.feedbackreport":
        return feedback_report_label("" if isinstance(obj, type) else obj.kind)
    if model == "nonid.release":
        return release_label("a release profile" if isinstance(obj, type) else obj.profile)
    try:
        return _BY_MODEL[model]
    except KeyError:
        raise LookupError(f"no PSWP label is defined for {model}") from None


def _unknown(status: str) -> PswpLabel:
    # A status the ledger knows but this table does not yet: say so rather than guess protection.
    return PswpLabel(status, f"PSWP status: {status.replace('_', ' ')}", "42 CFR 3.20", status != "not_pswp")
