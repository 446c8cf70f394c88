"""The provider's pages (`/submissions/`) and the question threads both sides share."""

from django.urls import path

from openpso.submissions import views

app_name = "submissions"
urlpatterns = [
    path("", views.submit, name="submit"),
    path("questions/", views.question_list, name="questions"),
    path("questions/<uuid:question_id>/", views.question, name="question"),
    path("<slug:provider>/keys/", views.api_keys, name="api-keys"),
    path("<slug:provider>/functional/", views.grants, name="grants"),
]
