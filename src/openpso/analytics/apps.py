from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "openpso.analytics"
    label = "analytics"
    verbose_name = "Analytics over the pooled, pseudonymised lake"
