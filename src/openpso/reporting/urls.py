from django.urls import path

from openpso.reporting import answer_views, drug_views, views
from openpso.reporting.bulk_import import views as import_views

app_name = "reporting"
urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("new/", views.report_new, name="report-new"),
    path("new/<slug:provider>/draft/", views.draft_save, name="draft-save"),
    path("new/<slug:provider>/draft/discard/", views.draft_discard, name="draft-discard"),
    path("new/<slug:provider>/suggest/", views.report_suggest, name="suggest"),
    path("drugs/", drug_views.drug_search, name="drug-search"),
    path("<uuid:report_id>/", views.report_detail, name="report-detail"),
    path("<uuid:report_id>/answers/", answer_views.report_answers, name="report-answers"),
    path("import/<slug:provider>/", import_views.import_start, name="import-start"),
    path("import/job/<uuid:import_id>/", import_views.import_job, name="import-job"),
    path("import/job/<uuid:import_id>/progress/", import_views.import_progress, name="import-progress"),
]
