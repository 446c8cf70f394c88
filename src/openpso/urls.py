from django.urls import include, path

from openpso.core.api import api

urlpatterns = [
    path("", include("openpso.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("openpso.reporting.channel.urls")),
    path("reports/", include("openpso.reporting.urls")),
    path("manage/", include("openpso.organizations.urls")),
    path("compliance/", include("openpso.compliance.urls")),  # the PSO's compliance register
    path("pses/", include("openpso.pses.urls")),
    path("pses/", include("openpso.nonid.urls")),  # review of a scrubbed narrative
    path("pswp/", include("openpso.pses.pswp.urls")),
    path("privilege/", include("openpso.privilege.urls")),  # PSO disclosures, subpoenas, breaches
    path("submissions/", include("openpso.submissions.urls")),  # provider → PSO
    path("pso/", include("openpso.submissions.inbox.urls")),  # the PSO inbox
    path("pso/", include("openpso.nonid.pso_urls")),  # re-identifying a pseudonym
    path("system/", include("openpso.submissions.system.urls")),  # health-system view
    path("analytics/", include("openpso.analytics.urls")),  # dashboards over the lake
    path("feedback/", include("openpso.feedback.urls")),  # reports, safety alerts, digest
    path("api/v1/", api.urls),
]
