"""The PSO's alert pages (/feedback/alerts/): write, target, publish, follow each member's response."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.feedback import queries
from openpso.feedback.alerts import actions as alerts
from openpso.feedback.alerts.evidence import signal_texts
from openpso.feedback.alerts.forms import NON_IDENTIFIED, AlertForm, StatusFilter, TargetForm
from openpso.feedback.events import FeedbackAction
from openpso.feedback.models import AlertStatus, AlertTarget, SafetyAlert
from openpso.lib.spreadsheet import safe_cell
from openpso.pswp.labels import label_for


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    pso = queries.get_alert_pso(request.user)
    rows = [(a, alerts.status_counts(a.targets.all())) for a in queries.alerts_for(request.user).filter(pso=pso)]
    return render(request, "feedback/alert_list.html", {"pso": pso, "rows": rows})


@login_required
def alert_new(request: HttpRequest) -> HttpResponse:
    pso = queries.get_alert_pso(request.user)
    form = AlertForm(request.POST or None, pso=pso, signals=signal_texts(pso))
    if request.method == "POST" and form.is_valid():
        alert = alerts.save_draft(actor=request.user, alert=form.save(commit=False), changed=form.changed_data)
        messages.success(request, "Draft saved. Choose the members it goes to, then publish.")
        return redirect("feedback:alert-publish", alert_id=alert.pk)
    return render(
        request, "feedback/alert_form.html", {"form": form, "title": "Write a safety alert", "warn": NON_IDENTIFIED}
    )


@login_required
def alert_edit(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = queries.get_alert_for_user(request.user, alert_id)
    if alert.status != AlertStatus.DRAFT:
        return render(request, "feedback/alert_form.html", {"alert": alert, "title": alert.title, "fixed": True})
    form = AlertForm(request.POST or None, instance=alert, pso=alert.pso, signals=signal_texts(alert.pso))
    if request.method == "POST" and form.is_valid():
        alerts.save_draft(actor=request.user, alert=form.save(commit=False), changed=form.changed_data)
        messages.success(request, "Draft saved.")
        return redirect("feedback:alert-publish", alert_id=alert.pk)
    context = {"form": form, "alert": alert, "title": f"Edit draft {alert.reference}", "warn": NON_IDENTIFIED}
    return render(request, "feedback/alert_form.html", context)


@login_required
def alert_publish(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = queries.get_alert_for_user(request.user, alert_id)
    audience = alerts.audience(alert.pso)
    form = TargetForm(request.POST or None, receiving=audience.receiving)
    if request.method == "POST" and alert.status == AlertStatus.DRAFT and form.is_valid():
        data = form.cleaned_data
        chosen = alerts.choose_targets(
            alert.pso, mode=data["mode"], provider_types=data["provider_types"], picked=[m.pk for m in data["members"]]
        )
        try:
            count = alerts.publish(actor=request.user, alert=alert, providers=chosen)
        except alerts.AlertStateError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Published to {count} member{'s' if count != 1 else ''}.")
            return redirect("feedback:alert-detail", alert_id=alert.pk)
    total = len(audience.receiving) + len(audience.not_receiving)
    context = {"alert": alert, "form": form, "audience": audience, "total_members": total}
    return render(request, "feedback/alert_publish.html", context)


@login_required
@require_POST
def alert_withdraw(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = queries.get_alert_for_user(request.user, alert_id)
    try:
        alerts.withdraw(actor=request.user, alert=alert)
        messages.success(request, "Alert withdrawn; members see it marked as withdrawn.")
    except alerts.AlertStateError as exc:
        messages.error(request, str(exc))
    return redirect("feedback:alert-detail", alert_id=alert.pk)


def _targets(alert: SafetyAlert) -> Any:
    return AlertTarget.objects.filter(alert=alert).select_related("provider", "acknowledged_by")


@login_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = queries.get_alert_for_user(request.user, alert_id)
    everyone = _targets(alert)
    form = StatusFilter(request.GET or None)
    shown = form.apply(everyone).order_by("acknowledged_at", "provider__name")
    query = request.GET.urlencode()
    context = {
        "alert": alert,
        "counts": alerts.status_counts(everyone),
        "targets": shown,
        "form": form,
        "query": query,
        "not_receiving": alerts.audience(alert.pso).not_receiving,
    }
    return render(request, "feedback/alert_detail.html", context)


CSV_COLUMNS = [
    "member",
    "provider_type",
    "acknowledged_at",
    "applicability",
    "applicability_note",
    "action_status",
    "action_note",
    "action_date",
    "pswp_status",  # each row is PSWP the PSO developed (pswp.labels), marked in the file itself
]


@login_required
def alert_csv(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = queries.get_alert_for_user(request.user, alert_id)
    form = StatusFilter(request.GET or None)
    record(
        actor=request.user,
        action=FeedbackAction.ALERT_STATUS_DOWNLOADED,
        object_type=object_type_of(alert),
        object_id=alert.pk,
        organization_id=alert.pso_id,
        purpose=alerts.PURPOSE,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="alert-{alert.reference}-status.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for t in form.apply(_targets(alert)).order_by("provider__name"):
        writer.writerow(
            safe_cell(value)
            for value in [
                t.provider.name,
                t.provider.provider_type,
                t.acknowledged_at.isoformat() if t.acknowledged_at else "",
                t.applicability,
                t.applicability_note,
                t.action_status,
                t.action_note,
                t.action_date.isoformat() if t.action_date else "",
                str(label_for(t)),
            ]
        )
    return response
