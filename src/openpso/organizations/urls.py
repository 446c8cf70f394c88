from django.urls import path

from openpso.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.org_list, name="org-list"),
    path("new/", views.org_new, name="org-new"),
    path("<slug:slug>/", views.org_detail, name="org-detail"),
    path("<slug:slug>/edit/", views.org_edit, name="org-edit"),
    path("<slug:slug>/units/new/", views.unit_edit, name="unit-new"),
    path("<slug:slug>/units/<int:unit_id>/", views.unit_edit, name="unit-edit"),
    path("<slug:slug>/agreements/new/", views.agreement_edit, name="agreement-new"),
    path("<slug:slug>/agreements/<int:agreement_id>/", views.agreement_edit, name="agreement-edit"),
    path("<slug:slug>/people/new/", views.member_add, name="member-add"),
    path("<slug:slug>/people/<int:membership_id>/remove/", views.member_remove, name="member-remove"),
]
