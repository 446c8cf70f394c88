from django.urls import path

from openpso.reporting import answer_views, drug_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("new/", views.report_new, name="report-new"),
    path("new/<slug:provider>/draft/", views.draft_save, name="draft-save"),
    path("new/<slug:provider>/draft/discard/", views.draft_discard, name="draft-discard"),
    path("drugs/", drug_views.drug_search, name="drug-search"),
    path("<uuid:report_id>/", views.report_detail, name="report-detail"),
    path("<uuid:report_id>/answers/", answer_views.report_answers, name="report-answers"),
]
