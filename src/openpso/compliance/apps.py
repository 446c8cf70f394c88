from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "openpso.compliance"
    label = "compliance"
    verbose_name = "PSO compliance register"
