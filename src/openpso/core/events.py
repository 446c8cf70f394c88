"""The audit actions the core app records (values are the stored strings: never change one).

The audit-trail pages live in core; reading the trail is itself audited, under `audit.`.
"""

from __future__ import annotations

from openpso.audit.events import AuditAction


class CoreAction(AuditAction):
    AUDIT_EXPORTED = "audit.exported"
    AUDIT_CHAIN_VERIFIED = "audit.chain_verified"
