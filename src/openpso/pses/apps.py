from django.apps import AppConfig


class PsesConfig(AppConfig):
    name = "openpso.pses"
    label = "pses"
    verbose_name = "Patient Safety Evaluation System"
