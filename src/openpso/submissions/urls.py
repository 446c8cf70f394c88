"""The provider's pages (`/submissions/`): pushing events (`push`), functional reporting
(`functional`), and the question threads both sides share (`inbox`); one namespace, `submissions:`."""

from django.urls import path

from openpso.submissions.functional import views as functional_views
from openpso.submissions.inbox import views as inbox_views
from openpso.submissions.push import views as push_views

app_name = "submissions"
urlpatterns = [
    path("", push_views.submit, name="submit"),
    path("questions/", inbox_views.question_list, name="questions"),
    path("questions/<uuid:question_id>/", inbox_views.question, name="question"),
    path("<slug:provider>/keys/", push_views.api_keys, name="api-keys"),
    path("<slug:provider>/functional/", functional_views.grants, name="grants"),
]
