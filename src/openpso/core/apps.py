from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openpso.core"
    label = "core"
