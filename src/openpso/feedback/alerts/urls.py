"""Safety alerts: the PSO writes and follows them; each member answers its own; a health system
follows its affiliates' answers. Names in the app's `feedback:` namespace."""

from django.urls import path

from openpso.feedback.alerts import member_views, views

urlpatterns = [
    # The PSO writes and follows its safety alerts.
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/new/", views.alert_new, name="alert-new"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert-detail"),
    path("alerts/<int:alert_id>/edit/", views.alert_edit, name="alert-edit"),
    path("alerts/<int:alert_id>/publish/", views.alert_publish, name="alert-publish"),
    path("alerts/<int:alert_id>/withdraw/", views.alert_withdraw, name="alert-withdraw"),
    path("alerts/<int:alert_id>/status.csv", views.alert_csv, name="alert-csv"),
    # Each member answers the alerts sent to it; a health system follows its affiliates' answers.
    path("inbox/", member_views.member_alerts, name="member-alerts"),
    path("inbox/<int:target_id>/", member_views.member_alert, name="member-alert"),
    path("inbox/<int:target_id>/acknowledge/", member_views.member_acknowledge, name="member-acknowledge"),
    path("system/", member_views.system_alerts, name="system-alerts"),
]
