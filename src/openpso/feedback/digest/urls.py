"""The reporters' digest page. Its name is in the app's `feedback:` namespace."""

from django.urls import path

from openpso.feedback.digest import views

urlpatterns = [
    path("digest/", views.digest, name="digest"),
]
