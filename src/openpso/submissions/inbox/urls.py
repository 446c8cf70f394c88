"""The PSO's pages (`/pso/`): the inbox of members' submitted events and status per member."""

from django.urls import path

from openpso.submissions.inbox import views as inbox_views
from openpso.submissions.push import views as push_views

app_name = "inbox"
urlpatterns = [
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/<uuid:submission_id>/", inbox_views.inbox_detail, name="detail"),
    path("members/", inbox_views.member_status, name="member-status"),
    # The PSO's own API keys (its analysts' reads for its systems), made by its administrators.
    path("<slug:slug>/keys/", push_views.pso_api_keys, name="api-keys"),
]
