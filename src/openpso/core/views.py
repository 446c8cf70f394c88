"""Home, health check and the audit-log page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from openpso.audit.trail import events_for
from openpso.organizations.models import Membership
from openpso.organizations.queries import orgs_where
from openpso.organizations.roles import Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user.pk).select_related("organization")
    return render(request, "core/home.html", {"memberships": memberships})


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # the health check must answer, whatever broke
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Auditors read the audit trail of the organisations they audit, and nothing else."""
    org_ids = list(orgs_where(request.user, [Role.AUDITOR]).values_list("id", flat=True))
    if not org_ids:
        raise Http404("No audit log for you here")
    page = Paginator(events_for(organization_ids=org_ids), 100).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page})
