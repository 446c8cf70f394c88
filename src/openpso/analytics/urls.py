from django.urls import path

from openpso.analytics import similar_pages, views

app_name = "analytics"
urlpatterns = [
    path("", views.index, name="index"),
    path("pso/", views.pso, name="pso"),
    path("pso/events/", views.pso_events, name="pso-events"),
    path("pso/similar/", similar_pages.pso_similar, name="pso-similar"),
    path("events/<uuid:event_id>/similar/", similar_pages.event_similar, name="event-similar"),
    path("pso/signals/<slug:signal_id>/", views.pso_signal, name="pso-signal"),
    path("pso/<slug:panel_id>.csv", views.pso_csv, name="pso-csv"),
    path("provider/<slug:slug>/", views.provider, name="provider"),
    path("provider/<slug:slug>/events/", views.provider_events, name="provider-events"),
    path("provider/<slug:slug>/<slug:panel_id>.csv", views.provider_csv, name="provider-csv"),
    path("system/<slug:slug>/", views.system, name="system"),
    path("system/<slug:slug>/events/", views.system_events, name="system-events"),
    path("system/<slug:slug>/<slug:panel_id>.csv", views.system_csv, name="system-csv"),
]
