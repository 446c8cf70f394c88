"""The one error the backup and restore services raise: its message is what the operator reads."""


class BackupError(RuntimeError):
    """A backup or restore was refused or failed; the message names the file or the reason."""
