from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "openpso.backup"
    label = "backup"
