from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "openpso.submissions"
    label = "submissions"
    verbose_name = "Submissions to the PSO"
    default_auto_field = "django.db.models.BigAutoField"
