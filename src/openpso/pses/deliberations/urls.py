"""Routes of the deliberation pages, included into the `pses` namespace by `pses.urls`."""

from django.urls import path

from openpso.pses.deliberations import views

urlpatterns = [
    path("events/<uuid:event_id>/deliberations/", views.deliberation_list, name="deliberation-list"),
    path("events/<uuid:event_id>/deliberations/new/", views.deliberation_new, name="deliberation-new"),
    path("events/<uuid:event_id>/just-culture/", views.just_culture, name="just-culture"),
    path("deliberations/<uuid:deliberation_id>/", views.deliberation_detail, name="deliberation-detail"),
    path("deliberations/<uuid:deliberation_id>/print/", views.deliberation_print, name="deliberation-print"),
]
