from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "openpso.analytics"
    label = "analytics"
    verbose_name = "Analytics over the pooled, non-identified lake"

    def ready(self) -> None:
        from openpso.analytics.warm import warm_after_refresh
        from openpso.lake.signals import lake_refreshed

        lake_refreshed.connect(warm_after_refresh, dispatch_uid="analytics.warm_after_refresh")
