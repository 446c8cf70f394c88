from django.apps import AppConfig


class LakeConfig(AppConfig):
    name = "openpso.lake"
    label = "lake"
    verbose_name = "Pooled non-identified dataset"
    default_auto_field = "django.db.models.BigAutoField"
