"""The reporters' "what changed because you reported" page (/feedback/digest/)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from openpso.feedback import queries
from openpso.feedback.digest.queries import digest_for
from openpso.feedback.models import ReportKind, ReportStatus
from openpso.organizations.models import FeedbackProduct


@login_required
def digest(request: HttpRequest) -> HttpResponse:
    """For reporters: what their provider changed after reports, over the last 12 months (no names, no texts)."""
    providers = list(queries.digest_providers_for(request.user))
    if not providers:
        raise Http404("No digest for you")
    today = timezone.localdate()
    start = dt.date(today.year - 1, today.month, 1)
    rows = []
    for provider in providers:
        included = queries.receives(provider, FeedbackProduct.REPORTER_DIGEST)
        rows.append((provider, digest_for(provider, start=start, end=today) if included else None))
    digests = queries.reports_for(request.user).filter(kind=ReportKind.REPORTER_DIGEST, status=ReportStatus.DONE)
    context = {"rows": rows, "start": start, "today": today, "reports": digests.defer("html", "pdf")[:24]}
    return render(request, "feedback/digest.html", context)
