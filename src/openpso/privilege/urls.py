from django.urls import path

from openpso.privilege import views

app_name = "privilege"
urlpatterns = [
    path("", views.index, name="index"),
    path("pso/disclosures/", views.pso_disclosures, name="pso-disclosures"),
    path("pso/disclosures/new/", views.pso_disclosure_new, name="pso-disclosure-new"),
    path("pso/accounting/", views.pso_accounting, name="pso-accounting"),
    path("pso/subpoenas/", views.pso_subpoenas, name="pso-subpoenas"),
    path("pso/breaches/", views.pso_breaches, name="pso-breaches"),
    path("providers/<slug:provider>/subpoenas/", views.provider_subpoenas, name="subpoenas"),
    path("providers/<slug:provider>/breaches/", views.provider_breaches, name="breaches"),
    path("providers/<slug:provider>/accounting/", views.provider_accounting, name="accounting"),
]
