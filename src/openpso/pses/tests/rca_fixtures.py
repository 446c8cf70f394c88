"""RCA² objects for the shared test cast: an investigation and one action on every cast
event, made once per cast (the tenancy matrix uses them). The action text carries
CANARY-RCA-<key> so a leak shows in a response body."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from openpso.pses.rca import actions as rca
from openpso.pses.rca import queries as rca_queries
from openpso.pses.rca.models import ActionItem, Investigation
from openpso.pses.tests.fixtures import cast_events
from openpso.testing.cast import Cast


def cast_actions(cast: Cast) -> dict[str, ActionItem]:
    """One action per cast event (keyed by report)."""
    found: dict[str, ActionItem] = {}
    for key, event in cast_events(cast).items():
        investigation = Investigation.objects.filter(event=event).first() or rca.start_investigation(
            user=None, event=event
        )
        existing = ActionItem.objects.filter(investigation=investigation).order_by("created_at").first()
        if existing is None:
            # Made directly: providers without members in the cast still need an owner.
            owner = rca_queries.provider_users(event.provider_id).first() or get_user_model().objects.create_user(
                email=f"rca-owner-{key}@cast.test"
            )
            existing = ActionItem.objects.create(
                investigation=investigation,
                action=f"Install bed alarms CANARY-RCA-{key}",
                action_type="forcing_function",
                owner=owner,
                due_on=dt.date(2030, 1, 1),
                category="A48",
                implemented_on=dt.date(2025, 1, 1),
            )
        found[key] = existing
    return found
