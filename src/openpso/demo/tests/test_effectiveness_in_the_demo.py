"""In the demo, an action's effectiveness review shows real before/after rates from the demo's
reports and denominators (issue 4: "an effectiveness review showing real before/after rates")."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache

from openpso.accounts.models import User
from openpso.demo.generate import seed_demo
from openpso.pses import queries
from openpso.pses.rca import actions as rca
from openpso.pses.rca.effectiveness import reviews_for
from openpso.pses.rca.queries import investigation_of
from openpso.reporting.models import EventReport


def test_a_falls_action_in_the_demo_has_before_and_after_rates(db):
    cache.clear()
    seed_demo(events=3000, today=dt.date(2026, 10, 15))
    manager = User.objects.get(email="manager@demo.openpso.test")
    candidates = (
        EventReport.objects.filter(provider__slug="harrow-valley-medical-center", unit__isnull=False)
        .exclude(anonymous=True)
        .order_by("-discovered_at")
    )
    # The demo's safety team has made events of its reports (demo.history): take a fall's
    # event that has no RCA² yet, as a manager would from the queue.
    event = next(
        e for r in candidates if r.categories == ["A48"] and (e := queries.event_of(r)) and not investigation_of(e)
    )
    investigation = rca.start_investigation(user=manager, event=event)
    action = rca.add_action(
        user=manager,
        investigation=investigation,
        data={
            "action": "Low beds and floor mats in every room",
            "action_type": "forcing_function",
            "owner": manager,
            "due_on": dt.date(2026, 2, 1),
            "implemented_on": dt.date(2026, 1, 1),
            "status": "done",
        },
    )
    first, second = reviews_for(action, today=dt.date(2026, 10, 15))
    for review in (first, second):
        before, after = review.comparison.before, review.comparison.after
        assert review.due
        assert before.denominator
        assert after.denominator
        assert before.count + after.count > 0  # the demo's falls on that unit
        assert before.rate is not None
        assert before.lower is not None
        assert before.upper is not None
    assert (first.days, second.days) == (90, 180)
    cache.clear()
