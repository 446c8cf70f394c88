from django.urls import path

from openpso.core import audit_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("audit/export.csv", audit_views.audit_log_csv, name="audit-log-csv"),
    path("audit/verify/", audit_views.audit_verify, name="audit-verify"),
]
