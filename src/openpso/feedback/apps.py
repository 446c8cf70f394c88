from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "openpso.feedback"
    label = "feedback"
    verbose_name = "Feedback: reports, safety alerts, reporter digest"
