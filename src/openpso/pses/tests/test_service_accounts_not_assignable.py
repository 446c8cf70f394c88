"""An API key's service account is no person: no picker offers it as an investigator, an RCA²
team member or an action's owner, and it is not told of clocks and questions as a safety manager."""

from __future__ import annotations

from typing import Any

from openpso.accounts.api_keys import issue_key
from openpso.pses import queries
from openpso.pses.rca import queries as rca_queries
from openpso.pses.safety_events.forms import AssignForm, BulkForm
from openpso.pses.tests.fixtures import cast_events


def _key_account(cast, role: str = "safety_manager"):
    return issue_key(organization=cast.orgs["p1"], role=role, name="Incident system", actor=None).key.service_account


def test_the_investigator_pickers_offer_people_only(cast):
    account = _key_account(cast)
    event = next(e for e in cast_events(cast).values() if e.provider_id == cast.orgs["p1"].pk)
    fields: Any = AssignForm(event=event).fields
    people = set(fields["assignee"].queryset)
    assert cast.users["safety_manager"] in people
    assert account not in people
    bulk_fields: Any = BulkForm(user=cast.users["safety_manager"]).fields
    bulk = set(bulk_fields["assignee"].queryset)
    assert cast.users["safety_manager"] in bulk
    assert account not in bulk


def test_rca_team_and_action_owner_choices_are_people_only(cast):
    account = _key_account(cast, role="reporter")
    manager_key = _key_account(cast)
    provider_id = cast.orgs["p1"].pk
    owners = set(rca_queries.provider_users(provider_id))
    assert cast.users["reporter"] in owners
    assert account not in owners
    assert manager_key not in set(queries.pses_members_of(provider_id))


def test_a_safety_manager_key_is_not_among_the_safety_managers_told_of_events(cast):
    account = _key_account(cast)
    managers = set(queries.safety_managers_of(cast.orgs["p1"].pk))
    assert cast.users["safety_manager"] in managers
    assert account not in managers
