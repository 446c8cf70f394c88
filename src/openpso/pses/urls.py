"""Routes of the PSES, mounted at /pses/ under the one `pses` namespace."""

from django.urls import include, path

app_name = "pses"
urlpatterns = [
    path("", include("openpso.pses.safety_events.urls")),  # the queue, events, clocks, notifications
    path("", include("openpso.pses.deliberations.urls")),  # deliberations and the Just Culture aid
    path("", include("openpso.pses.rca.urls")),  # RCA² investigations and action plans
]
