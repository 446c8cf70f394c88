"""PSES objects for the shared test cast: one event per named report and the default clock
rules of every provider, made once per cast (the tenancy matrix and the PSES tests use them)."""

from __future__ import annotations

from openpso.pses.deliberations.actions import record_deliberation
from openpso.pses.deliberations.models import Deliberation, DeliberationKind
from openpso.pses.models import ClockRule, EventReportLink, SafetyEvent
from openpso.pses.safety_events.actions import create_event
from openpso.pses.safety_events.clocks import seed_default_rules
from openpso.testing.cast import Cast

EVENT_REPORTS = ("r1", "r1b", "r2", "r3")


def cast_events(cast: Cast) -> dict[str, SafetyEvent]:
    """An event made by a PSES member from each of r1, r1b, r2 and r3 (keyed by report)."""
    events = {}
    for key in EVENT_REPORTS:
        report = cast.reports[key]
        link = EventReportLink.objects.filter(report=report).select_related("event").first()
        events[key] = link.event if link else create_event(user=None, report=report, title=f"CANARY-EVENT-{key}")
    return events


def cast_clock_rules(cast: Cast) -> dict[str, ClockRule]:
    """The first default rule of every provider of the cast (keyed by provider)."""
    rules = {}
    for key, org in cast.orgs.items():
        if org.kind == "provider":
            seed_default_rules(org)
            rules[key] = ClockRule.objects.filter(provider=org).order_by("pk").first()
    return {k: v for k, v in rules.items() if v is not None}


def cast_deliberations(cast: Cast) -> dict[str, Deliberation]:
    """A committee note on each cast event (keyed by report), PSWP at creation; the title and
    body carry CANARY-DELIBERATION-<key> so a leak shows in a response body."""
    found: dict[str, Deliberation] = {}
    for key, event in cast_events(cast).items():
        existing = Deliberation.objects.filter(event=event).order_by("created_at").first()
        found[key] = existing or record_deliberation(
            user=None,
            event=event,
            kind=DeliberationKind.COMMITTEE_NOTE,
            title=f"Committee note CANARY-DELIBERATION-{key}",
            body=f"The committee discussed it. CANARY-DELIBERATION-{key}",
        )
    return found
