"""The RCA² investigation and action plan: rules, pages, tenancy, and nothing secret in the
timeline or the audit trail."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from openpso.audit.models import AuditEvent
from openpso.commonformats.rca2 import ACTION_HIERARCHY
from openpso.pses.models import TimelineEntry
from openpso.pses.rca import actions as rca
from openpso.pses.rca import queries as rca_queries
from openpso.pses.rca.models import ActionItem, EffectivenessReview, Investigation
from openpso.pses.safety_events.actions import PsesInvalid, create_event

pytestmark = pytest.mark.django_db


def _investigation(cast, report="r1"):
    manager = cast.users["safety_manager" if report == "r1" else "manager_p2"]
    event = create_event(user=manager, report=cast.reports[report])
    return rca.start_investigation(user=manager, event=event)


def _action_data(cast, **overrides):
    data = {
        "action": "SECRET-ACTION Fit bed-exit alarms on every bed",
        "action_type": "forcing_function",
        "owner": cast.users["safety_manager"],
        "due_on": dt.date(2030, 1, 31),
        "process_measure": "SECRET-PROCESS alarms fitted",
        "outcome_measure": "SECRET-OUTCOME falls per 1,000 patient-days",
    }
    data.update(overrides)
    return data


def test_the_action_hierarchy_lists_every_type_of_the_rca2_table_with_its_strength():
    strengths = [s for _, _, s in ACTION_HIERARCHY]
    assert (strengths.count("stronger"), strengths.count("intermediate"), strengths.count("weaker")) == (5, 9, 4)


@pytest.mark.parametrize(
    ("action_type", "strength"),
    [("forcing_function", "stronger"), ("checklist_cognitive_aid", "intermediate"), ("training", "weaker")],
)
def test_the_strength_is_derived_from_the_action_type(cast, action_type, strength):
    investigation = _investigation(cast)
    action = rca.add_action(
        user=cast.users["safety_manager"], investigation=investigation, data=_action_data(cast, action_type=action_type)
    )
    assert action.strength == strength
    assert TimelineEntry.objects.filter(kind="action_added").get().data["strength"] == strength


def test_the_action_form_has_no_strength_field(cast):
    from openpso.pses.rca.forms import ActionForm

    assert "strength" not in ActionForm(event=_investigation(cast).event).fields


@pytest.mark.parametrize(("missing", "message"), [("owner", "owner"), ("due_on", "due date")])
def test_an_action_requires_an_owner_and_a_due_date(cast, missing, message):
    investigation = _investigation(cast)
    with pytest.raises(PsesInvalid, match=message):
        rca.add_action(user=None, investigation=investigation, data=_action_data(cast, **{missing: None}))
    assert not ActionItem.objects.exists()


def test_the_owner_must_belong_to_the_provider(cast):
    investigation = _investigation(cast)
    with pytest.raises(PsesInvalid, match="member of this provider"):
        rca.add_action(user=None, investigation=investigation, data=_action_data(cast, owner=cast.users["manager_p2"]))


def test_the_action_targets_the_events_category_and_unit_by_default(cast):
    action = rca.add_action(user=None, investigation=_investigation(cast), data=_action_data(cast))
    assert (action.category, action.unit) == ("A48", cast.units["p1"])


def test_the_team_is_made_of_the_providers_pses_members(cast):
    investigation = _investigation(cast)
    rca.add_team_member(
        user=None, investigation=investigation, member=cast.users["pses_committee"], role="patient representative"
    )
    for outsider in ("reporter", "manager_p2"):
        with pytest.raises(PsesInvalid):
            rca.add_team_member(user=None, investigation=investigation, member=cast.users[outsider])


def test_no_encrypted_text_reaches_the_timeline_or_the_audit_trail(cast):
    manager = cast.users["safety_manager"]
    investigation = _investigation(cast)
    rca.add_fact(
        user=manager,
        investigation=investigation,
        occurred_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        fact="SECRET-FACT",
    )
    rca.add_causal_statement(
        user=manager, investigation=investigation, cause="SECRET-CAUSE", effect="SECRET-EFFECT", outcome="SECRET-EVENT"
    )
    rca.add_root_cause(user=manager, investigation=investigation, text="SECRET-ROOT")
    rca.set_contributing_factors(user=manager, investigation=investigation, codes=["OPSO-SIR-CF-STAFFING"])
    action = rca.add_action(user=manager, investigation=investigation, data=_action_data(cast))
    rca.change_action(user=manager, action=action, data={"status": "done", "implemented_on": dt.date(2025, 1, 1)})
    rca.finish_investigation(user=manager, investigation=investigation)
    kinds = set(TimelineEntry.objects.values_list("kind", flat=True))
    assert {
        "investigation_started",
        "investigation_changed",
        "action_added",
        "action_changed",
        "investigation_finished",
    } <= kinds
    stored = json.dumps(list(TimelineEntry.objects.values_list("data", flat=True)))
    stored += json.dumps(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert "SECRET" not in stored
    assert AuditEvent.objects.filter(action="rca_action.changed").exists()


def test_a_finished_investigation_takes_nothing_more(cast):
    investigation = _investigation(cast)
    with pytest.raises(PsesInvalid, match="root cause"):
        rca.finish_investigation(user=None, investigation=investigation)
    rca.add_root_cause(user=None, investigation=investigation, text="x")
    rca.finish_investigation(user=None, investigation=investigation)
    with pytest.raises(PsesInvalid, match="finished"):
        rca.add_fact(
            user=None,
            investigation=Investigation.objects.get(),
            occurred_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            fact="y",
        )


def test_a_vague_causal_statement_gets_a_warning():
    assert rca_queries.causal_statement_warnings("The nurse poorly checked", "x", "y")
    assert not rca_queries.causal_statement_warnings("No bed alarm was fitted", "the fall went unseen", "a fall")


def test_a_review_before_its_window_ends_can_only_say_too_early(cast):
    from openpso.pses.rca import effectiveness

    action = rca.add_action(
        user=None, investigation=_investigation(cast), data=_action_data(cast, implemented_on=dt.date(2030, 1, 1))
    )
    review = effectiveness.review_for(action, 90)
    assert review is not None
    with pytest.raises(PsesInvalid, match="too early"):
        rca.record_review(user=None, action=action, review=review, conclusion="effective")
    rca.record_review(user=None, action=action, review=review, conclusion="too_early")
    assert EffectivenessReview.objects.get().figures["before_count"] == 0


def test_the_pages_show_the_deliberation_banner_and_the_figures(cast, client_for):
    client = client_for("safety_manager")
    event = create_event(user=None, report=cast.reports["r1"])
    client.post(reverse("pses:rca-start", kwargs={"event_id": event.pk}))
    page = client.get(reverse("pses:rca-investigation", kwargs={"event_id": event.pk})).content.decode()
    assert "Confidential — Patient Safety Work Product (deliberation)" in page
    response = client.post(
        reverse("pses:rca-action-new", kwargs={"event_id": event.pk}),
        {
            "action-action": "Fit alarms",
            "action-action_type": "training",
            "action-owner": cast.users["safety_manager"].pk,
            "action-due_on": "2030-01-31",
            "action-status": "done",
            "action-implemented_on": "2025-01-01",
        },
    )
    assert response.status_code == 302
    action = ActionItem.objects.get()
    page = client.get(reverse("pses:rca-action", kwargs={"action_id": action.pk})).content.decode()
    assert "Weaker" in page
    assert "90-day review" in page
    assert "180-day review" in page
    assert "Confidential — Patient Safety Work Product (deliberation)" in page
    response = client.post(
        reverse("pses:rca-action-review", kwargs={"action_id": action.pk}),
        {"review-days": "90", "review-conclusion": "not_effective"},
    )
    assert EffectivenessReview.objects.get().conclusion == "not_effective"


def test_every_rca_route_answers_404_to_another_provider(cast, client_for):
    investigation = _investigation(cast, "r2")
    action = rca.add_action(
        user=None, investigation=investigation, data=_action_data(cast, owner=cast.users["manager_p2"])
    )
    client = client_for("safety_manager")
    event_routes = [
        "rca-investigation",
        "rca-start",
        "rca-finish",
        "rca-team-add",
        "rca-team-remove",
        "rca-fact-add",
        "rca-statement-add",
        "rca-root-cause-add",
        "rca-factors",
        "rca-entry-remove",
        "rca-action-plan",
        "rca-action-new",
    ]
    for name in event_routes:
        url = reverse(f"pses:{name}", kwargs={"event_id": investigation.event_id})
        assert client.post(url, {}).status_code == 404, name
    for name in ("rca-action", "rca-action-review"):
        url = reverse(f"pses:{name}", kwargs={"action_id": action.pk})
        assert client.post(url, {}).status_code == 404, name
    assert client.get(reverse("pses:rca-action", kwargs={"action_id": action.pk})).status_code == 404
    assert (
        client_for("reporter")
        .get(reverse("pses:rca-investigation", kwargs={"event_id": investigation.event_id}))
        .status_code
        == 404
    )


def test_the_investigation_page_reads_in_words_not_form_instructions_or_dashes(cast, client_for):
    investigation = _investigation(cast)
    page = client_for("safety_manager").get(f"/pses/events/{investigation.event_id}/investigation/").content.decode()
    assert "PLEASE SPECIFY" not in page
    assert "---------" not in page
    plan = client_for("safety_manager").get(f"/pses/events/{investigation.event_id}/action-plan/").content.decode()
    assert 'name="action-action_type"' in plan  # the form whose pickers are checked below
    assert "PLEASE SPECIFY" not in plan
    assert "---------" not in plan


def test_the_default_target_is_the_report_the_event_was_made_from_not_an_earlier_linked_one(cast):
    # An anonymous report's time is kept to the hour, so one linked later looked 'first' and
    # a fall event's actions aimed at 'Medication or Other Substance on no unit'.
    from openpso.pses.safety_events import actions
    from openpso.pses.tests.helpers import make_report

    manager = cast.users["safety_manager"]
    fall = make_report(cast, categories=["A48"])
    event = create_event(user=manager, report=fall)
    earlier = make_report(cast, event_type="A9", categories=["A54"], days_ago=0.5, unit=None)
    actions.link_report(user=manager, event=event, report=earlier)
    assert rca_queries.default_target(event) == ("A48", cast.units["p1"])


def test_the_investigation_page_says_the_factor_list_is_an_openpso_extension(cast, client_for):
    # Issue 15 item 8: the factor codes are OpenPSO's, not AHRQ Common Formats codes.
    client = client_for("safety_manager")
    event = create_event(user=None, report=cast.reports["r1"])
    client.post(reverse("pses:rca-start", kwargs={"event_id": event.pk}))
    rca.set_contributing_factors(
        user=None, investigation=Investigation.objects.get(event=event), codes=["OPSO-SIR-CF-STAFFING", "A66"]
    )
    page = client.get(reverse("pses:rca-investigation", kwargs={"event_id": event.pk})).content.decode()
    assert "<li>Staffing or workload (OpenPSO extension)</li>" in page
    assert "<li>Other</li>" in page
    assert "OpenPSO extension codes (not AHRQ Common Formats codes)" in page
    assert "Common Formats contributing-factor list" not in page
    assert rca_queries.factor_labels(["OPSO-SIR-CF-STAFFING"]) == ["Staffing or workload"]  # the document's words
