"""An API key's service account is no staff member: its name ("API key <prefix> (<system>)") is
not given to the narrative scrubber, which would otherwise remove "key" and "API" from every
narrative of the provider as parts of a person's name."""

from __future__ import annotations

from openpso.accounts.api_keys import issue_key
from openpso.nonid.deid import scrub
from openpso.nonid.pipeline import provider_facts
from openpso.nonid.review import context_for


def test_a_keys_account_is_not_among_the_staff_names(cast):
    issued = issue_key(organization=cast.orgs["p1"], role="safety_manager", name="Incident system", actor=None)
    account = issued.key.service_account
    report = cast.reports["r1"]
    for context in (context_for(report), provider_facts(cast.orgs["p1"]).context):
        assert cast.users["safety_manager"].get_full_name() in context.staff_names
        assert account.get_full_name() not in context.staff_names
    text = "The key to the drug cabinet was missing."
    assert "key" in scrub(text, context=context_for(report)).text
