"""`seed_feedback(pso)`: one published safety alert for the demo network, part-way answered.

The alert matches the demo's planted signal (falls rising at nursing homes) and goes to every
member whose agreement includes safety alerts. Two members have acknowledged it — the demo
hospital, with its action in progress, and the demo EMS agency, still assessing — so the PSO's
status page shows who has not. Dated in the last full month, so that month's provider report
lists it under "What the PSO learned". Idempotent: a PSO that already has the alert gets nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from openpso.accounts.models import User
from openpso.demo.network import DEMO_EMS_AGENCY, DEMO_HOSPITAL
from openpso.demo.users import DEMO_DOMAIN
from openpso.feedback.alerts import actions as alerts
from openpso.feedback.models import ActionState, AlertTarget, Applicability, SafetyAlert, Severity
from openpso.organizations.models import Organization

TITLE = "Falls rising at nursing homes: night-time toileting and transfers"


def seed_feedback(pso: Organization, *, today: dt.date | None = None) -> bool:
    """Publish the demo alert and two members' answers; False when the PSO already has it."""
    today = today or timezone.localdate()
    with transaction.atomic():
        if SafetyAlert.objects.filter(pso=pso, title=TITLE).exists():
            return False
        analyst = User.objects.filter(email=f"analyst@{DEMO_DOMAIN}").first()
        alert = alerts.save_draft(actor=analyst, alert=_alert(pso), changed=["title"])
        alerts.publish(actor=analyst, alert=alert, providers=alerts.audience(pso).receiving)
        published = _at(today.replace(day=1) - dt.timedelta(days=20))
        SafetyAlert.objects.filter(pk=alert.pk).update(published_at=published, created_at=published)
        _answer(alert, DEMO_HOSPITAL.slug, "manager", published + dt.timedelta(days=2), _IN_PROGRESS)
        _answer(alert, DEMO_EMS_AGENCY.slug, "ems-manager", published + dt.timedelta(days=4), _UNDER_REVIEW)
    return True


def _alert(pso: Organization) -> SafetyAlert:
    return SafetyAlert(
        pso=pso,
        title=TITLE,
        severity=Severity.HIGH,
        categories=["A48"],
        hazard=(
            "Residents who get up at night to use the toilet, or who are transferred by one carer, fall. "
            "Falls with injury follow most often in the first weeks after admission or a change in medication."
        ),
        evidence=(
            "Pooled signal (Poisson CUSUM): falls (Common Formats A48) at nursing homes across the pool have risen "
            "for the last six months against a flat baseline, while hospitals and other provider types stayed level. "
            "Contributing factors most often recorded: staffing at night, toileting needs, and footwear."
        ),
        recommended_actions=(
            "1. Offer scheduled toileting rounds at night to residents at risk. "
            "2. Check that bed-exit alarms work and are answered. "
            "3. Review two-person transfer rules against night staffing. "
            "4. Tell us whether this applies to you and what you will do."
        ),
    )


_IN_PROGRESS = alerts.Response(
    applicability=Applicability.APPLIES,
    applicability_note="Our post-acute and swing-bed patients show the same night-time pattern.",
    action_status=ActionState.IN_PROGRESS,
    action_note="Scheduled toileting rounds piloted on two units; bed-exit alarm audit under way.",
)
_UNDER_REVIEW = alerts.Response(applicability=Applicability.UNDER_REVIEW)


def _answer(alert: SafetyAlert, slug: str, local: str, at: dt.datetime, response: alerts.Response) -> None:
    target = AlertTarget.objects.filter(alert=alert, provider__slug=slug).first()
    user = User.objects.filter(email=f"{local}@{DEMO_DOMAIN}").first()
    if target is None or user is None:
        return
    alerts.acknowledge(actor=user, target=target)
    if response.action_status == ActionState.IN_PROGRESS:
        response = alerts.Response(**{**vars(response), "action_date": (at + dt.timedelta(days=30)).date()})
    alerts.respond(actor=user, target=target, response=response)
    # The demo's answers are dated after the alert, as they would have been.
    AlertTarget.objects.filter(pk=target.pk).update(acknowledged_at=at, updated_at=at)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())
