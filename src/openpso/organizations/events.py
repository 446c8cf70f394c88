"""The audit actions the organizations app records (values are the stored strings: never change one)."""

from __future__ import annotations

from openpso.audit.events import AuditAction


class OrganizationAction(AuditAction):
    BOOTSTRAPPED = "organization.bootstrapped"
    CREATED = "organization.created"
    CHANGED = "organization.changed"
    UNIT_SAVED = "unit.saved"
    AGREEMENT_SAVED = "agreement.saved"
    MEMBERSHIP_GRANTED = "membership.granted"
    MEMBERSHIP_REVOKED = "membership.revoked"
