"""The audit actions the backup app records (values are the stored strings: never change one)."""

from __future__ import annotations

from openpso.audit.events import AuditAction

# A backup is a folder, not a row: its events name it by its creation time under this type.
BACKUP = "backup"


class BackupAction(AuditAction):
    MADE = "backup.made"
    RESTORED = "backup.restored"
