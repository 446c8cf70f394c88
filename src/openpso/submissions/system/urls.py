"""The health system's pages (`/system/`): affiliates' submitted events, where shared."""

from django.urls import path

from openpso.submissions.push import views as push_views
from openpso.submissions.system import views as system_views

app_name = "system"
urlpatterns = [
    path("submissions/", system_views.system_list, name="submissions"),
    path("submissions/<uuid:submission_id>/", system_views.system_detail, name="submission"),
    # The health system's own API keys (its tools' reads, in the safety officer's role), made by its officers.
    path("<slug:slug>/keys/", push_views.system_api_keys, name="api-keys"),
]
