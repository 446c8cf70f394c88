"""Review of a scrubbed narrative, beside the PSES's other report pages (/pses/reports/…)."""

from django.urls import path

from openpso.nonid import views

app_name = "nonid"
urlpatterns = [
    path("reports/<uuid:report_id>/deid/", views.review_page, name="review"),
    path("reports/<uuid:report_id>/deid/add/", views.span_add, name="span-add"),
    path("reports/<uuid:report_id>/deid/undo/", views.span_remove, name="span-remove"),
    path("reports/<uuid:report_id>/deid/approve/", views.approve, name="approve"),
]
