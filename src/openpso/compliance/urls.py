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
    path("baas/new/", views.baa_new, name="baa-new"),
    path("baas/<int:baa_id>/", views.baa_edit, name="baa-edit"),
    path("training/new/", views.training_new, name="training-new"),
    path("training/<int:training_id>/", views.training_edit, name="training-edit"),
    path("policies/new/", views.policy_new, name="policy-new"),
    path("policies/<int:policy_id>/", views.policy_edit, name="policy-edit"),
    path("delisting/new/", views.delisting_new, name="delisting-new"),
    path("delisting/<int:runbook_id>/", views.delisting_edit, name="delisting-edit"),
    path("delisting/members/<int:member_id>/", views.delisting_member_edit, name="delisting-member-edit"),
]
