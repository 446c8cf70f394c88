from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "openpso.audit"
    label = "audit"
