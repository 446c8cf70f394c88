"""The PSO's pages of the non-identification app (`/pso/`): re-identifying a pseudonym, and the
expert determinations that may authorise a finer release profile."""

from django.urls import path

from openpso.nonid import determinations, reidentify_views

app_name = "pseudonyms"
urlpatterns = [
    path("reidentify/", reidentify_views.reidentify_page, name="reidentify"),
    path("determinations/", determinations.determinations_page, name="determinations"),
]
