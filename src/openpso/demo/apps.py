from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "openpso.demo"
    label = "demo"
