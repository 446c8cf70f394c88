"""On a phone, with no login: file anonymously, keep the receipt, later answer the safety
team's question through it. Every page of the way passes the axe-core scan."""

from __future__ import annotations

import pytest

from openpso.reporting.channel import actions as channel_actions
from openpso.reporting.models import EventReport, FollowUpKind, FollowUpMessage
from openpso.testing.accessibility import axe_violations
from openpso.testing.browser import shows, sign_in
from openpso.testing.cast import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_anonymous_reporter_answers_the_managers_question_with_the_receipt(live_server, cast, scanned_phone):
    base = live_server.url
    page = scanned_phone.new_page()
    page.goto(f"{base}/anonymous/")
    assert axe_violations(page) == []
    page.get_by_role("link", name=cast.orgs["p1"].name).click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send anonymously").click()
    assert "The report was not sent" in page.get_by_role("alert").inner_text()
    assert axe_violations(page) == []

    page.get_by_label("Near Miss", exact=True).check()
    page.get_by_label("Medication or Other Substance", exact=True).check()
    page.get_by_label("What happened?", exact=True).fill("Look-alike vials stored side by side in the cabinet.")
    page.get_by_role("button", name="Send anonymously").click()
    code = page.locator("#receipt-code").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Choose a passphrase", exact=True).fill("tulip-harbor-violin-ember")
    page.get_by_role("button", name="Keep this passphrase").click()
    shows(page, "Your passphrase is set")
    assert {c["name"] for c in scanned_phone.cookies()} <= {"csrftoken"}

    report = EventReport.objects.get(anonymous=True, receipt__isnull=False)
    manager = cast.users["safety_manager"]
    channel_actions.post_follow_up(
        user=manager, report=report, kind=FollowUpKind.QUESTION, body="Which cabinet was it?"
    )

    page.goto(f"{base}/anonymous/follow-up/")
    assert axe_violations(page) == []
    page.get_by_label("Receipt code", exact=True).fill(code.lower().replace("-", " "))
    page.get_by_label("Passphrase", exact=True).fill("tulip-harbor-violin-ember")
    page.get_by_role("button", name="Open my report").click()
    shows(page, "Which cabinet was it?")
    assert axe_violations(page) == []
    page.get_by_label("Your answer", exact=True).fill("The one in the east medication room.")
    page.get_by_role("button", name="Send answer").click()
    shows(page, "Your answer was sent")
    answer = FollowUpMessage.objects.get(kind=FollowUpKind.ANSWER)
    assert answer.body == "The one in the east medication room."


def _sign_in(page, base: str, email: str, *, totp: bool = False) -> None:
    sign_in(page, base, email, PASSWORD, totp_secret=TOTP_SECRET if totp else None)


def test_my_reports_with_a_question_has_no_serious_violations(live_server, cast, scanned_phone):
    report = cast.reports["r1"]
    channel_actions.post_follow_up(user=cast.users["safety_manager"], report=report, kind="question", body="Which bed?")
    page = scanned_phone.new_page()
    _sign_in(page, live_server.url, "reporter@cast.test")
    page.get_by_role("link", name="My reports").click()
    shows(page, "Which bed?")
    assert axe_violations(page) == []
    page.get_by_label("Your answer", exact=True).fill("Bed 2, by the window.")
    page.get_by_role("button", name="Send answer").click()
    shows(page, "was sent to the safety team")


def test_the_managers_follow_up_panel_has_no_serious_violations(live_server, cast, scanned_phone):
    page = scanned_phone.new_page()
    _sign_in(page, live_server.url, "safety_manager@cast.test", totp=True)
    page.goto(f"{live_server.url}/reports/{cast.reports['r1anon'].pk}/")
    page.get_by_label("Message", exact=True).fill("Thank you. Was the bed alarm on?")
    page.get_by_role("button", name="Post to the reporter").click()
    assert "Was the bed alarm on?" in page.locator("#follow-up").inner_text()
    assert axe_violations(page) == []
