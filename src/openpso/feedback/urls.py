from django.urls import path

from openpso.feedback import views_alerts, views_inbox, views_reports

app_name = "feedback"
urlpatterns = [
    # The PSO writes and follows its safety alerts.
    path("alerts/", views_alerts.alert_list, name="alerts"),
    path("alerts/new/", views_alerts.alert_new, name="alert-new"),
    path("alerts/<int:alert_id>/", views_alerts.alert_detail, name="alert-detail"),
    path("alerts/<int:alert_id>/edit/", views_alerts.alert_edit, name="alert-edit"),
    path("alerts/<int:alert_id>/publish/", views_alerts.alert_publish, name="alert-publish"),
    path("alerts/<int:alert_id>/withdraw/", views_alerts.alert_withdraw, name="alert-withdraw"),
    path("alerts/<int:alert_id>/status.csv", views_alerts.alert_csv, name="alert-csv"),
    # Each member answers the alerts sent to it; a health system follows its affiliates' answers.
    path("inbox/", views_inbox.member_alerts, name="member-alerts"),
    path("inbox/<int:target_id>/", views_inbox.member_alert, name="member-alert"),
    path("inbox/<int:target_id>/acknowledge/", views_inbox.member_acknowledge, name="member-acknowledge"),
    path("system/", views_inbox.system_alerts, name="system-alerts"),
    # Reports and the reporters' digest.
    path("reports/", views_reports.report_list, name="reports"),
    path("reports/<int:feedback_report_id>/", views_reports.report_detail, name="report"),
    path("reports/<int:feedback_report_id>/progress/", views_reports.report_progress, name="report-progress"),
    path("reports/<int:feedback_report_id>/pdf/", views_reports.report_pdf, name="report-pdf"),
    path("digest/", views_reports.digest, name="digest"),
]
