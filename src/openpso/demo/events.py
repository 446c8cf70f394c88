"""The audit actions the demo app records when it seeds (values are the stored strings: never change one).

The state changes a seed makes through other apps' actions are filed under those apps' actions.
"""

from __future__ import annotations

from openpso.audit.events import AuditAction


class DemoAction(AuditAction):
    SEEDED = "demo.seeded"
    HISTORY_SEEDED = "demo.history_seeded"
    SUBMISSIONS_SEEDED = "demo.submissions_seeded"
