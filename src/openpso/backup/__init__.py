"""Backup and restore of one OpenPSO installation: database, lake and keys (docs/backup.md)."""
