from django.urls import path

from openpso.compliance import views

app_name = "compliance"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("listing/", views.listing_edit, name="listing"),
    path("disclosures/new/", views.disclosure_new, name="disclosure-new"),
    path("disclosures/<int:disclosure_id>/", views.disclosure_edit, name="disclosure-edit"),
    path("assessments/new/", views.assessment_new, name="assessment-new"),
    path("assessments/<int:assessment_id>/", views.assessment_edit, name="assessment-edit"),
]
