"""Reporters see what became of their report: the safety review's status on My reports."""

from __future__ import annotations

from openpso.pses.safety_events import actions


def test_my_reports_shows_the_status_of_the_event_the_report_is_in(cast, client_for):
    manager = cast.users["safety_manager"]
    event = actions.create_event(user=manager, report=cast.reports["r1"], title="Fall near bed")
    actions.change_status(user=manager, event=event, status="under_investigation")
    page = client_for("reporter").get("/reports/mine/").content.decode()
    assert 'data-event-status="under_investigation"' in page
    assert "Fall near bed" not in page  # the event's own title stays with the safety team


def test_a_report_in_no_event_shows_no_review_status(cast, client_for):
    page = client_for("reporter").get("/reports/mine/").content.decode()
    assert "data-event-status" not in page


def test_a_closed_review_with_no_news_promises_nothing_below(cast, client_for):
    # 'Any changes made are described below' sat above 'No questions or news from the
    # safety team yet' on every closed report without a "what changed" message.
    manager = cast.users["safety_manager"]
    event = actions.create_event(user=manager, report=cast.reports["r1"], title="Fall near bed")
    actions.change_status(user=manager, event=event, status="closed")
    page = client_for("reporter").get("/reports/mine/").content.decode()
    assert 'data-event-status="closed"' in page
    assert "The safety team has finished its review." in page
    assert "described below" not in page


def test_a_report_sent_to_the_pso_before_its_review_does_not_say_it_was_reviewed(cast, client_for):
    # 'Reviewed and shared … with the PSO' sat above 'Safety review: Received by the safety
    # team; it will be looked at soon' when the team sent the report before reviewing it.
    from openpso.submissions.tests.helpers import file

    report = file(cast.users["reporter"])
    sent = client_for("safety_manager").post("/submissions/", {"events": [str(report.pk)]})
    assert sent.status_code == 200
    report.refresh_from_db()
    assert report.pswp_status == "reported"
    page = client_for("reporter").get("/reports/mine/").content.decode()
    assert "Shared, without names, with the Patient Safety Organization" in page
    assert "Reviewed and shared" not in page
