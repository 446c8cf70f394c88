"""Issue 6's submission story in the browser, with an accessibility scan of every new page:
the safety manager submits a report and makes an API key; the PSO analyst finds the event in
the inbox and asks a question; the safety manager answers it."""

from __future__ import annotations

import pytest

from openpso.submissions.models import Question, Submission
from openpso.testing.accessibility import axe_violations
from openpso.testing.browser import shows, sign_in
from openpso.testing.cast import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(chromium, base, email):
    page = chromium.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True).new_page()
    sign_in(page, base, email, PASSWORD, totp_secret=TOTP_SECRET)
    return page


def test_from_submission_to_the_pso_question_and_its_answer(live_server, cast, chromium):
    base = live_server.url
    report = cast.reports["r1"]
    manager = _page(chromium, base, "safety_manager@cast.test")
    manager.goto(f"{base}/submissions/")
    assert axe_violations(manager) == []
    manager.get_by_label(f"Submit report {report.short_id}").check()
    manager.get_by_role("button", name="Submit the chosen reports").click()
    shows(manager, "accepted")
    submission = Submission.objects.get(event_id=report.pk)
    for path in (f"/submissions/{cast.orgs['p1'].slug}/keys/", f"/submissions/{cast.orgs['p1'].slug}/functional/"):
        manager.goto(f"{base}{path}")
        assert axe_violations(manager) == [], path
    manager.get_by_role("link", name="Back to submissions").click()

    analyst = _page(chromium, base, "pso_analyst@cast.test")
    analyst.goto(f"{base}/pso/inbox/")
    assert axe_violations(analyst) == []
    analyst.get_by_role("link", name=submission.short_id).click()
    shows(analyst, "CANARY-REPORT-r1")
    assert axe_violations(analyst) == []
    analyst.get_by_label("Your message").fill("Was the bed alarm switched on?")
    analyst.get_by_role("button", name="Send the question").click()
    question = Question.objects.get()
    assert axe_violations(analyst) == []
    analyst.goto(f"{base}/pso/members/")
    assert axe_violations(analyst) == []

    manager.goto(f"{base}/submissions/questions/")
    assert axe_violations(manager) == []
    manager.get_by_role("link", name=question.short_id).click()
    manager.get_by_label("Your message").fill("It was off; the RCA covers it.")
    manager.get_by_role("button", name="Send").click()
    question.refresh_from_db()
    assert question.awaits == "pso"

    system = _page(chromium, base, "system_safety_officer@cast.test")
    system.goto(f"{base}/system/submissions/")
    assert axe_violations(system) == []
    system.get_by_role("link", name=submission.short_id).click()
    assert axe_violations(system) == []
