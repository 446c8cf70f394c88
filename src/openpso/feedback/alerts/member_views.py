"""The member's alert inbox (/feedback/inbox/) and the health system's view of its affiliates' responses."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openpso.feedback import queries
from openpso.feedback.alerts import actions as alerts
from openpso.feedback.alerts.forms import ResponseForm
from openpso.feedback.models import AlertStatus
from openpso.organizations.queries import systems_for


@login_required
def member_alerts(request: HttpRequest) -> HttpResponse:
    if not queries.member_providers_for(request.user).exists():
        raise Http404("No alert inbox for you")
    targets = queries.member_inbox(request.user)
    return render(request, "feedback/member_alerts.html", {"targets": targets})


def _initial(target: object) -> dict[str, object]:
    names = ("applicability", "applicability_note", "action_status", "action_note", "action_date")
    return {name: getattr(target, name) for name in names}


@login_required
def member_alert(request: HttpRequest, target_id: int) -> HttpResponse:
    target = queries.get_member_target_for_user(request.user, target_id)
    form = ResponseForm(request.POST or None, initial=_initial(target))
    if request.method == "POST" and target.alert.status == AlertStatus.PUBLISHED and form.is_valid():
        changed = alerts.respond(actor=request.user, target=target, response=alerts.Response(**form.cleaned_data))
        messages.success(request, "Response recorded." if changed else "Nothing changed.")
        return redirect("feedback:member-alert", target_id=target.pk)
    return render(request, "feedback/member_alert.html", {"target": target, "alert": target.alert, "form": form})


@login_required
@require_POST
def member_acknowledge(request: HttpRequest, target_id: int) -> HttpResponse:
    target = queries.get_member_target_for_user(request.user, target_id)
    try:
        first = alerts.acknowledge(actor=request.user, target=target)
        messages.success(request, "Acknowledged." if first else "This alert was already acknowledged.")
    except alerts.AlertStateError as exc:
        messages.error(request, str(exc))
    return redirect("feedback:member-alert", target_id=target.pk)


@login_required
def system_alerts(request: HttpRequest) -> HttpResponse:
    """Affiliates' responses to alerts, only for affiliates whose agreement shares with the system."""
    if not systems_for(request.user).exists():
        raise Http404("No health-system view for you")
    targets = queries.system_targets_for(request.user).order_by("-alert__published_at", "provider__name")
    rows = [(t.alert, t) for t in targets]
    counts = alerts.status_counts(targets)
    return render(request, "feedback/system_alerts.html", {"rows": rows, "counts": counts})
