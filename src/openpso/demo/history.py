"""The demo providers' PSES history: each report triaged, worked and closed as a real
provider's safety team would have done it, through the actions a click calls.

Every step is a call to `pses.safety_events.actions`, `pses.rca` or
`pses.safety_events.clock_outcomes`, dated with their `at` keyword, so the timeline, the clocks
and the audit trail are the ones the pages would have written (the audit keeps the moment of the
write; invariant 3). The plan of each report is drawn from its id, so a seed always gives the same
history:

- a report is triaged into an event within hours (most) or days (a few); one that shares
  provider, category and unit with an event opened in the two days before joins it;
- the event goes to a member of the safety team; no-harm incidents, near misses and unsafe
  conditions close within three weeks, moderate harm after a review of two to six weeks;
- severe harm and deaths get an RCA²: started within 72 hours (a few late, with the reason),
  a root cause, finished within 45 days (a few late, with the reason), then action planning
  and closing; their state serious-event report (and FDA 3500A for a device death) is
  recorded as met, met late or missed, each late one with its reason.

Steps after `end` (the anchor day) are left undone: recent events are open in a realistic
spread, the newest reports wait in the queue, and no open clock is overdue by more than a
few days.

The one shortcut, for speed: an event whose course closed more than `ACTIONS_WINDOW` before
`end` is written as the very rows the actions would have written (same timeline kinds and
codes, same outcomes), bulk-created, with one `demo.history_seeded` audit event for the run
instead of one per step (the reports and submissions themselves go through the batch actions:
`reporting.actions.file_reports`, `pswp.ledger.mark_many_reported`). Everything recent, and
so every event still open, goes through the actions.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from django.db import transaction

from openpso.audit.events import object_type_of
from openpso.audit.trail import record
from openpso.demo.analysis import demo_analysis
from openpso.demo.events import DemoAction
from openpso.demo.history_rows import Rows, title
from openpso.demo.scenario import DEATH, INC, MODERATE, SEVERE
from openpso.organizations.models import Organization
from openpso.pses import queries
from openpso.pses.models import (
    ClockRule,
    EventStatus,
    SafetyEvent,
)
from openpso.pses.rca import actions as rca
from openpso.pses.rca.queries import factor_choices
from openpso.pses.safety_events import actions, clock_outcomes
from openpso.pses.safety_events.clocks import clocks_for_report, seed_default_rules
from openpso.reporting.models import EventReport

T = TypeVar("T")
BATCH = 200
# Events closed longer ago than this are written as rows (see `seed_history`): 14 days keeps
# `openpso demo` about 10-20 s longer than without a history on a 2-core machine.
ACTIONS_WINDOW = dt.timedelta(days=14)
FACTOR_ORDER = [code for code, _ in factor_choices()]  # as rca.set_contributing_factors stores them
JOIN_WINDOW = dt.timedelta(hours=48)
MINUTE, HOUR, DAY = dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1)

# Why a clock was met late or missed: what safety managers write when they account for it.
LATE_REASONS = (
    "The attending's account arrived after the deadline; the report was filed the day it came.",
    "The state reporting portal was unavailable for two days; filed when it returned.",
    "Harm was first recorded as moderate and raised to severe at review; the clock was noticed late.",
    "The safety manager was on leave with no cover arranged; a cover rota has since been agreed.",
)
RCA_START_LATE = (
    "The team could not be convened over the holiday weekend; started on the first working day.",
    "Waited for the event to be confirmed as severe harm by the treating team.",
)
RCA_FINISH_LATE = (
    "Waiting for the device manufacturer's analysis before naming the root causes.",
    "A key witness was on extended leave; the interview was needed before finishing.",
)
ROOT_CAUSES = (
    "No step in the handoff checklist confirms that safety devices are set after a transfer.",
    "Two products with similar packaging are stored side by side with no separation or label.",
    "The order set allows a free-text dose with no range check for high-alert medicines.",
    "Staffing on nights leaves one nurse for two high-acuity patients during breaks.",
    "Alarm defaults reset after a power cycle and no one is told that they did.",
    "The policy relies on memory for a rare task; no cognitive aid exists at the point of care.",
)


@dataclass
class HistoryResult:
    events: int = 0
    written: int = 0  # of which written as rows (closed long before `end`), not through the actions
    closed: int = 0
    joined: int = 0  # reports that joined an event opened from an earlier report
    investigations: int = 0
    clocks_recorded: int = 0
    waiting: int = 0  # reports not triaged by `end`: they are in the queue


@dataclass
class Team:
    manager: Any
    members: list[Any]
    rules: list[ClockRule]


def seed_history(*, providers: list[Organization], end: dt.datetime) -> HistoryResult:
    """Triage and work every report of `providers` up to `end`, oldest first.

    Events whose course ended more than `ACTIONS_WINDOW` before `end` are written as the
    rows the actions would have written (`_Rows`), for speed: one event through the actions
    costs ~25 ms here, and the demo has ~6,000. Everything recent, and so everything still
    open, goes through the actions themselves.
    """
    result = HistoryResult()
    teams = {p.pk: team for p in providers if (team := _team(p)) is not None}
    reports = (
        EventReport.objects.filter(provider_id__in=list(teams), pses_link__isnull=True)
        .select_related("unit", "provider")
        .defer("narrative", "answers", "location_detail", "reporter_role", "category_other")
        .order_by("reported_at", "id")
    )
    groups = _groups(reports.iterator(chunk_size=BATCH), end, result)
    for chunk in _chunks(iter(groups), BATCH):
        rows = Rows()
        with transaction.atomic():  # one commit per batch: the actions nest inside it
            for group in chunk:
                team = teams[group[0][0].provider_id]
                steps = plan(group, team, end)
                if steps and steps[-1].value == EventStatus.CLOSED and steps[-1].at < end - ACTIONS_WINDOW:
                    rows.add(group, team, steps)
                    result.written += 1
                else:
                    _by_actions(group, team, steps, result)
                _count(steps, result)
            rows.save()
    if result.written:
        record(
            actor=None,
            action=DemoAction.HISTORY_SEEDED,
            object_type=object_type_of(Organization),
            object_id=str(providers[0].network_id or providers[0].pk),
            organization_id=providers[0].network_id,
            detail={"events": result.events, "written_as_rows": result.written},
        )
    return result


Group = list[tuple[EventReport, dt.datetime]]  # reports of one event, with their triage time


def _groups(reports: Iterator[EventReport], end: dt.datetime, result: HistoryResult) -> list[Group]:
    """Each report with its triage time, grouped: a report joins the event opened in the
    two days before it from the same provider, category and unit (about half of them)."""
    groups: list[Group] = []
    latest: dict[tuple[Any, ...], Group] = {}
    for report in reports:
        rng = random.Random(f"history:{report.pk}")
        triaged = report.reported_at + _triage_delay(rng)
        if triaged > end:
            result.waiting += 1
            continue
        group = latest.get(_key(report))
        if group is not None and triaged - group[0][1] <= JOIN_WINDOW and rng.random() < 0.5:
            group.append((report, triaged))
            result.joined += 1
            continue
        groups.append([(report, triaged)])
        latest[_key(report)] = groups[-1]
    return groups


def _team(provider: Organization) -> Team | None:
    members = list(queries.pses_members_of(provider.pk))
    managers = list(queries.safety_managers_of(provider.pk).order_by("email"))
    if not managers:
        return None
    seed_default_rules(provider)
    rules = list(ClockRule.objects.filter(provider=provider, active=True))
    return Team(manager=managers[0], members=members, rules=rules)


def _chunks(rows: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _hours(rng: random.Random, low: float, high: float) -> dt.timedelta:
    return dt.timedelta(hours=rng.uniform(low, high))


def _triage_delay(rng: random.Random) -> dt.timedelta:
    draw = rng.random()
    if draw < 0.6:
        return _hours(rng, 0.5, 16)
    return _hours(rng, 16, 48) if draw < 0.9 else _hours(rng, 48, 120)


def _key(report: EventReport) -> tuple[Any, ...]:
    return (report.provider_id, (report.categories or [""])[0], report.unit_id)


# --- the plan: what the team did, as data --------------------------------------------


@dataclass(frozen=True)
class Step:
    at: dt.datetime
    kind: str  # link, assign, status, clock, rca_start, root_cause, rca_finish
    value: Any = None  # the report, person, status, or (rule, outcome, reason), or text


def plan(group: Group, team: Team, end: dt.datetime) -> list[Step]:
    """Every step of the event's course up to `end`, in order (the event is made at the
    group's first triage time). The main course stops at its first step after `end`."""
    (report, triaged), *others = group
    rng = random.Random(f"history:course:{report.pk}")
    steps = [Step(at, "link", other) for other, at in others]
    course: list[Step] = []
    assigned = triaged + _hours(rng, 0.1, 8)
    assignee = rng.choice(team.members) if team.members else team.manager
    course += [Step(assigned, "assign", assignee), Step(assigned + HOUR, "status", EventStatus.IN_TRIAGE)]
    clocks = {c.rule.code: c for c in clocks_for_report(report, team.rules)}
    if report.event_type == INC and report.harm in {DEATH, SEVERE}:
        course += _rca_course(report, clocks, rng, end.date(), assigned=assigned)
        steps += _external_clocks(triaged, clocks, rng)
    elif report.event_type == INC and report.harm == MODERATE:
        course += [
            Step(assigned + DAY * rng.uniform(1, 3), "status", EventStatus.UNDER_INVESTIGATION),
            Step(report.reported_at + DAY * rng.uniform(14, 42), "status", EventStatus.CLOSED),
        ]
    else:
        course.append(Step(assigned + DAY * rng.uniform(2, 21), "status", EventStatus.CLOSED))
    done = []
    for step in sorted(course, key=lambda s: s.at):
        if step.at > end:
            break
        done.append(step)
    closed = next((s.at for s in done if s.value == EventStatus.CLOSED), None)
    if closed is not None:  # a report joins before its event closes, never after
        steps = [Step(min(s.at, closed - MINUTE), s.kind, s.value) if s.kind == "link" else s for s in steps]
    return sorted([s for s in steps if s.at <= end] + done, key=lambda s: s.at)


def _rca_course(
    report: EventReport, clocks: dict[str, Any], rng: random.Random, today: dt.date, *, assigned: dt.datetime
) -> list[Step]:
    """RCA² for severe harm and deaths: started within 72 hours (a few late, with the
    reason), a root cause, finished within 45 days (a few late, with the reason)."""
    started = report.reported_at + (_hours(rng, 76, 120) if rng.random() < 0.1 else _hours(rng, 12, 60))
    started = max(started, assigned + 2 * HOUR)  # the investigator has the event first
    found = started + DAY * rng.uniform(5, 18)
    late_finish = rng.random() < 0.1
    finished = report.reported_at + DAY * (rng.uniform(46, 58) if late_finish else rng.uniform(24, 44))
    finished = max(finished, found + HOUR)
    steps = [Step(started, "rca_start"), Step(started, "status", EventStatus.UNDER_INVESTIGATION)]
    start_clock = clocks.get(clock_outcomes.RCA_START)
    if start_clock is not None and started > start_clock.due:
        steps.append(Step(started, "clock", (start_clock.rule, "met", rng.choice(RCA_START_LATE))))
    steps.append(Step(found, "root_cause", rng.choice(ROOT_CAUSES)))
    # The factors the demo's pool expects of this report (demo.analysis), now found by the RCA².
    analysis = demo_analysis(report, today=today)
    codes = [f["code"] for f in analysis["contributing_factors"]] if analysis else []
    if codes:
        steps.append(Step(found + HOUR, "factors", [c for c in FACTOR_ORDER if c in codes]))
    finish_clock = clocks.get(clock_outcomes.RCA_FINISH)
    if finish_clock is not None and finished > finish_clock.due:
        steps.append(Step(finished, "clock", (finish_clock.rule, "met", rng.choice(RCA_FINISH_LATE))))
    steps += [
        Step(finished, "rca_finish"),
        Step(finished + HOUR, "status", EventStatus.ACTION_PLANNING),
        Step(finished + DAY * rng.uniform(5, 20), "status", EventStatus.CLOSED),
    ]
    return steps


def _external_clocks(triaged: dt.datetime, clocks: dict[str, Any], rng: random.Random) -> list[Step]:
    """The state serious-event report and the FDA 3500A: met (most), late or missed, with reasons."""
    steps = []
    for code, clock in clocks.items():
        if code in {clock_outcomes.RCA_START, clock_outcomes.RCA_FINISH}:
            continue
        draw = rng.random()
        outcome = "missed" if draw >= 0.95 else "met"
        if draw < 0.85 and clock.due > triaged:
            at = triaged + (clock.due - triaged) * rng.uniform(0.2, 0.9)
        elif draw < 0.85:  # the report came in after the deadline had passed: filed at once
            at = triaged + _hours(rng, 2, 24)
        else:
            at = max(clock.due, triaged) + DAY * rng.uniform(1, 4)
        reason = "" if outcome == "met" and at <= clock.due else rng.choice(LATE_REASONS)
        steps.append(Step(at, "clock", (clock.rule, outcome, reason)))
    return steps


# --- executing the plan through the PSES actions ---------------------------------------


def _by_actions(group: Group, team: Team, steps: list[Step], result: HistoryResult) -> None:
    (report, triaged), *_ = group
    manager = team.manager
    event = actions.create_event(user=manager, report=report, title=title(report), at=triaged)
    lead, investigation = manager, None
    for step in steps:
        if step.kind == "link":
            actions.link_report(user=manager, event=event, report=step.value, at=step.at)
        elif step.kind == "assign":
            # The investigator takes the event from the queue (assigns it to themselves): no
            # "assigned to you" notice or e-mail about something done months ago.
            lead = step.value
            actions.assign_event(user=lead, event=event, assignee=lead, at=step.at)
        elif step.kind == "status":
            actions.change_status(user=lead, event=event, status=step.value, at=step.at)
        elif step.kind == "clock":
            rule, outcome, reason = step.value
            clock_outcomes.resolve_clock(
                user=manager, event=event, rule=rule, outcome=outcome, at=step.at, reason=reason
            )
        elif step.kind == "rca_start":
            investigation = rca.start_investigation(user=lead, event=event, at=step.at)
        elif step.kind == "root_cause" and investigation is not None:
            rca.add_root_cause(user=lead, investigation=investigation, text=step.value, at=step.at)
        elif step.kind == "factors" and investigation is not None:
            rca.set_contributing_factors(user=lead, investigation=investigation, codes=step.value, at=step.at)
        elif step.kind == "rca_finish" and investigation is not None:
            rca.finish_investigation(user=lead, investigation=investigation, at=step.at)


def _count(steps: list[Step], result: HistoryResult) -> None:
    result.events += 1
    result.closed += any(s.kind == "status" and s.value == EventStatus.CLOSED for s in steps)
    result.investigations += any(s.kind == "rca_start" for s in steps)
    result.clocks_recorded += sum(s.kind == "clock" for s in steps)


def open_by_age(providers: list[Organization], *, end: dt.datetime) -> dict[str, int]:
    """Open events by age band, for the command's summary and the tests."""
    bands: dict[str, int] = defaultdict(int)
    open_events = SafetyEvent.objects.filter(provider__in=providers).exclude(status=EventStatus.CLOSED)
    for created in open_events.values_list("created_at", flat=True):
        age = (end - created).days
        bands["under 7 days" if age < 7 else "7-30 days" if age <= 30 else "over 30 days"] += 1
    return dict(bands)
