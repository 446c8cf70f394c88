"""The audit actions the privilege app records (values are the stored strings: never change one)."""

from __future__ import annotations

from openpso.audit.events import AuditAction


class PrivilegeAction(AuditAction):
    PSO_DISCLOSED = "privilege.pso_disclosed"
    PSO_DISCLOSURE_LOG_VIEWED = "privilege.pso_disclosure_log_viewed"
    ACCOUNTING_VIEWED = "privilege.accounting_viewed"
    # A subpoena's step to each status: privilege.subpoena_<status>.
    SUBPOENA_RECEIVED = "privilege.subpoena_received"
    SUBPOENA_PRIVILEGE_ASSERTED = "privilege.subpoena_privilege_asserted"
    SUBPOENA_CLOSED = "privilege.subpoena_closed"
    BREACH_RECORDED = "privilege.breach_recorded"
    BREACH_ASSESSED = "privilege.breach_assessed"
    BREACH_NOTICE_DUE = "privilege.breach_notice_due"
    BREACH_NOTICE_SENT = "privilege.breach_notice_sent"
