"""The PSO's pages (`/pso/`): the inbox of members' submitted events and status per member."""

from django.urls import path

from openpso.submissions.inbox import views as inbox_views

app_name = "inbox"
urlpatterns = [
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/<uuid:submission_id>/", inbox_views.inbox_detail, name="detail"),
    path("members/", inbox_views.member_status, name="member-status"),
]
