"""Routes of the follow-up channel, mounted at the site root by `openpso.urls`."""

from django.urls import path

from openpso.reporting import answer_views, drug_views
from openpso.reporting.channel import views

app_name = "channel"
urlpatterns = [
    # No sign-in: every path here starts with views.ANONYMOUS_PATH.
    path("anonymous/", views.anonymous_start, name="anonymous-start"),
    path("anonymous/report/<slug:provider>/", views.anonymous_new, name="anonymous-new"),
    path("anonymous/passphrase/", views.anonymous_passphrase, name="anonymous-passphrase"),
    path("anonymous/follow-up/", views.follow_up_lookup, name="follow-up"),
    path("anonymous/follow-up/reply/", views.follow_up_reply, name="follow-up-reply"),
    path("anonymous/follow-up/answers/", answer_views.anonymous_request_answer, name="follow-up-answers"),
    path("anonymous/drugs/", drug_views.anonymous_drug_search, name="anonymous-drugs"),
    # Signed in.
    path("reports/mine/", views.my_reports, name="my-reports"),
    path("reports/mine/<uuid:report_id>/reply/", views.my_report_reply, name="my-report-reply"),
    path("reports/mine/<uuid:report_id>/answers/", answer_views.my_request_answer, name="my-request-answer"),
    path("reports/<uuid:report_id>/follow-up/", views.follow_up_post, name="follow-up-post"),
]
