"""The audit actions the pswp app records (values are the stored strings: never change one).

Every change of an artefact's PSWP status is one `pswp.status_changed` (the ledger); the
rest are the PSWP acts outside the ledger: external reports, PSES policy versions,
disclosures and the authorisations they rely on.
"""

from __future__ import annotations

from openpso.audit.events import AuditAction


class PswpAction(AuditAction):
    STATUS_CHANGED = "pswp.status_changed"
    EXTERNAL_REPORT_CREATED = "external_report.created"
    PSES_POLICY_VERSIONED = "pses_policy.versioned"
    AUTHORIZATION_RECORDED = "pswp.authorization_recorded"
    AUTHORIZATION_RELIED_ON = "pswp.authorization_relied_on"
    DISCLOSED = "pswp.disclosed"
