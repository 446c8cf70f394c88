from django.urls import include, path

from openpso.core.api import api

urlpatterns = [
    path("", include("openpso.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("openpso.reporting.channel_urls")),
    path("reports/", include("openpso.reporting.urls")),
    path("manage/", include("openpso.organizations.urls")),
    path("pses/", include("openpso.pses.urls")),
    path("pses/", include("openpso.nonid.urls")),  # review of a scrubbed narrative (issue 5 item 5)
    path("pswp/", include("openpso.pswp.urls")),
    path("api/v1/", api.urls),
]
