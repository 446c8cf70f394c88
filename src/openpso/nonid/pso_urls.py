"""The PSO's pages of the non-identification app (`/pso/`): re-identifying a pseudonym."""

from django.urls import path

from openpso.nonid import reidentify_views

app_name = "pseudonyms"
urlpatterns = [
    path("reidentify/", reidentify_views.reidentify_page, name="reidentify"),
]
