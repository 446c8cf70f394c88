"""The audit actions the accounts app records (values are the stored strings: never change one)."""

from __future__ import annotations

from openpso.audit.events import AuditAction


class AccountAction(AuditAction):
    SIGNED_IN = "session.signed_in"
    SIGNED_OUT = "session.signed_out"
    SESSION_EXPIRED = "session.expired"
    LOCKED_OUT = "sign_in.locked_out"
    SECOND_FACTOR_FAILED = "sign_in.second_factor_failed"
    # An organisation's API key (accounts.ApiKey) made or revoked by its administrator; each
    # use is the service account's own access-log and audit rows, as for a person.
    API_KEY_ISSUED = "service_key.issued"
    API_KEY_REVOKED = "service_key.revoked"
