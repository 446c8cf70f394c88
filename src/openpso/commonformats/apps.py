from django.apps import AppConfig


class CommonformatsConfig(AppConfig):
    name = "openpso.commonformats"
    label = "commonformats"
