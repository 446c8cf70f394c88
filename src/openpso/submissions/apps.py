from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "openpso.submissions"
    label = "submissions"
    verbose_name = "Submissions to the PSO"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Functional reporting sees each report as it is filed (reporting.hooks; no signals).
        from openpso.reporting.hooks import register_after_filing
        from openpso.submissions.functional import report_filed

        register_after_filing(report_filed)
