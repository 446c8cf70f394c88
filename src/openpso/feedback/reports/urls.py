"""Learning reports: ask for one, watch its progress, read it, download its PDF. Names in the app's
`feedback:` namespace."""

from django.urls import path

from openpso.feedback.reports import views

urlpatterns = [
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:feedback_report_id>/", views.report_detail, name="report"),
    path("reports/<int:feedback_report_id>/progress/", views.report_progress, name="report-progress"),
    path("reports/<int:feedback_report_id>/pdf/", views.report_pdf, name="report-pdf"),
]
