from django.apps import AppConfig


class NonidConfig(AppConfig):
    name = "openpso.nonid"
    label = "nonid"
    verbose_name = "Non-identification"
    default_auto_field = "django.db.models.BigAutoField"
