"""`/feedback/`: safety alerts (`alerts`), learning reports (`reports`) and the reporters' digest
(`digest`), each package's pages under the one `feedback:` namespace."""

from django.urls import include, path

app_name = "feedback"
urlpatterns = [
    path("", include("openpso.feedback.alerts.urls")),
    path("", include("openpso.feedback.reports.urls")),
    path("", include("openpso.feedback.digest.urls")),
]
