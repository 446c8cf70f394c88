"""Narrative-first reporting (issue 18 item 3): the codes suggested from "What happened?" as the
reporter writes, and what was suggested and sent kept with the report."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from openpso.reporting.models import EventReport, SuggestionOutcome
from openpso.reporting.suggestions import Shown, shown_from_post

FALL = "Found on the floor beside the bed at 02:00, says she slid getting up. Skin tear on left forearm, dressed."
NEAR_MISS = "Pharmacy sent hydromorphone 10 mg/mL instead of 1 mg/mL. Caught at the bedside scan before any dose."


def _suggest(client, cast, text, **extra):
    return client.post(f"/reports/new/{cast.orgs['p1'].slug}/suggest/", {"narrative": text, **extra})


def test_the_panel_suggests_a_fall_with_mild_harm_from_its_narrative(cast, client_for):
    response = _suggest(client_for("reporter"), cast, FALL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Suggested from your description:" in page
    assert 'data-event-type="A3" data-categories="A48" data-harm="LA21150-0"' in page
    assert "Incident; Fall; Mild harm" in page  # in words, not only codes
    assert '<input type="hidden" name="suggested_categories" value="A48">' in page
    assert 'name="suggestion_model" value="openpso.suggest/1:' in page


def test_a_near_miss_is_suggested_without_harm(cast, client_for):
    page = _suggest(client_for("reporter"), cast, NEAR_MISS).content.decode()
    assert 'data-event-type="A6" data-categories="A54" data-harm=""' in page


def test_a_narrative_too_short_to_say_gets_no_suggestion(cast, client_for):
    response = _suggest(client_for("reporter"), cast, "pt fell")
    assert response.status_code == 200
    assert "Suggested" not in response.content.decode()


def test_nothing_is_suggested_for_a_report_meant_to_be_anonymous(cast, client_for):
    page = _suggest(client_for("reporter"), cast, FALL, anonymous="on").content.decode()
    assert "Suggested" not in page
    assert "suggested_" not in page


def test_suggestions_are_only_for_a_provider_the_person_reports_for(cast, client_for):
    client = client_for("reporter")
    foreign = [k for k, org in cast.orgs.items() if org.kind == "provider" and k != "p1"]
    assert foreign
    for key in foreign:
        assert client.post(f"/reports/new/{cast.orgs[key].slug}/suggest/", {"narrative": FALL}).status_code == 404
    assert client.get(f"/reports/new/{cast.orgs['p1'].slug}/suggest/").status_code == 405  # no narrative in a URL


def test_the_form_starts_with_what_happened_and_posts_it_for_suggestions(cast, client_for):
    page = client_for("reporter").get("/reports/new/").content.decode()
    assert page.index('name="narrative"') < page.index('name="event_type"') < page.index('name="harm"')
    assert f'hx-post="/reports/new/{cast.orgs["p1"].slug}/suggest/"' in page
    assert 'hx-params="csrfmiddlewaretoken,narrative,anonymous"' in page
    assert 'id="suggestions" aria-live="polite"' in page


def test_the_anonymous_channel_has_no_suggestions(cast, client):
    page = client.get(reverse("channel:anonymous-new", kwargs={"provider": cast.orgs["p1"].slug})).content.decode()
    assert "hx-post" not in page
    assert 'id="suggestions"' not in page


def _form(cast, **overrides):
    data = {
        "event_type": "A3",
        "categories": ["A48", "A54"],
        "discovered_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "unit": str(cast.units["p1"].pk),
        "narrative": FALL,
        "harm": "LA20749-0",
        "suggested_event_type": "A3",
        "suggested_categories": "A48",
        "suggested_category_score": "0.994",
        "suggested_harm": "LA21150-0",
        "suggestion_model": "openpso.suggest/1:5a38d958cb7c62be",
    }
    data.update(overrides)
    return data


def test_filing_keeps_what_was_suggested_and_what_the_reporter_sent(cast, client_for):
    response = client_for("reporter").post("/reports/new/", _form(cast))
    assert response.status_code == 302
    report = EventReport.objects.exclude(pk__in=[r.pk for r in cast.reports.values()]).get()
    rows = {
        o.field: (o.suggested, o.score, o.final, o.accepted, o.model_version)
        for o in SuggestionOutcome.objects.filter(report=report)
    }
    version = "openpso.suggest/1:5a38d958cb7c62be"
    assert rows == {
        "event_type": ("A3", None, "A3", True, version),
        "categories": ("A48", 0.994, "A48 A54", False, version),  # the reporter added one: changed
        "harm": ("LA21150-0", None, "LA20749-0", False, version),
    }


def test_a_filing_without_a_suggestion_keeps_no_outcome(cast, client_for):
    form = {k: v for k, v in _form(cast).items() if not k.startswith("sugg")}
    assert client_for("reporter").post("/reports/new/", form).status_code == 302
    assert not SuggestionOutcome.objects.exists()


def test_a_suggestion_sent_with_unknown_codes_is_not_kept(cast, client_for):
    assert client_for("reporter").post("/reports/new/", _form(cast, suggested_categories="A48 ZZZ")).status_code == 302
    assert not SuggestionOutcome.objects.exists()


def test_the_outcome_holds_codes_only_never_the_narrative():
    fields = {f.name for f in SuggestionOutcome._meta.get_fields()}
    assert fields == {"id", "report", "field", "suggested", "score", "final", "accepted", "model_version"}


def test_a_posted_suggestion_is_read_back_as_it_was_shown():
    post = {
        "suggested_event_type": "A6",
        "suggested_categories": "A54",
        "suggested_category_score": "0.914",
        "suggested_harm": "",
        "suggestion_model": "openpso.suggest/1:abc",
    }
    assert shown_from_post(post) == Shown("A6", ("A54",), 0.914, "", "openpso.suggest/1:abc")
    assert shown_from_post({**post, "suggested_category_score": "7"}) == Shown(
        "A6", ("A54",), None, "", "openpso.suggest/1:abc"
    )
    assert shown_from_post({**post, "suggestion_model": "<script>"}) is None
    assert shown_from_post({**post, "suggested_harm": "LA0000-0"}) is None
