from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "openpso.reporting"
    label = "reporting"
