from django.urls import path

from openpso.pses.pswp import views

# The PSWP pages keep their paths (/pswp/…) and names (pswp:…); the pages are the PSES's, the
# rules and tables the `pswp` kernel's (docs/architecture.md).
app_name = "pswp"
urlpatterns = [
    path("reports/<uuid:report_id>/drop-out/", views.drop_out, name="drop-out"),
    path("reports/<uuid:report_id>/disclose/", views.disclose, name="disclose"),
    path("<slug:provider>/external/", views.external_list, name="external-list"),
    path("<slug:provider>/external/new/", views.external_new, name="external-new"),
    path("<slug:provider>/policy/", views.policy, name="policy"),
    path("<slug:provider>/disclosures/", views.disclosure_log, name="disclosure-log"),
    path("<slug:provider>/disclosures.csv", views.disclosure_report_csv, name="disclosure-csv"),
]
