"""Issue 12's proof: every role's day on fresh data, in the browser, from an empty provider.

Nothing of the story is seeded. The PSO and its first administrator come from the fixture
(the operator creates them; no page does); everything after that goes through the pages: the
administrator makes the provider, its unit, its member agreement and adds the people, who set
their passwords through the reset e-mail and their TOTP on the activation page. The reporter
files a fall and a medication near miss on a phone, leaving module questions blank; the safety
manager completes them and submits both; the analyst finds them in the inbox and, after the
lake refresh, in the pool; the auditor filters the trail to them and exports it. Every page
new in issue 12 that the story passes is scanned with axe, and each role's main pages are loaded
again on the screen size the story did not use (390 px phone, 1280 px desktop), scanned, and
checked not to scroll sideways.

The steps are ordered tests sharing one live server and one database for the module (the
`story` fixture), so a failing step names the role whose day breaks.
"""

from __future__ import annotations

import csv
import re
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from openpso.accounts.models import User
from openpso.lake.models import LakeState
from openpso.organizations.models import Membership, Organization, OrgKind
from openpso.organizations.roles import Role
from openpso.reporting.models import EventReport
from openpso.submissions.models import Submission
from openpso.testing.accessibility import axe_violations
from openpso.testing.browser import current_totp_code, shows, sign_in
from openpso.testing.cast import PASSWORD, TOTP_SECRET

# The marker tells pytest-django to create the test database; `_django_db_helper` below keeps
# it from flushing that database after each step (`story_server` flushes once at the end).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
DESK: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
PROVIDER = "Lakeside Community Hospital"
PEOPLE = {  # e-mail -> (organisation: "pso" or "provider", role label on the page)
    "nurse@lakeside.test": ("provider", "Reporter"),
    "safety@lakeside.test": ("provider", "Safety manager"),
    "analyst@pso.test": ("pso", "PSO analyst"),
    "auditor@pso.test": ("pso", "Auditor"),
}


@dataclass
class Story:
    base: str
    browser: Any
    pso: Organization
    pages: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    reports: dict[str, str] = field(default_factory=dict)  # "fall"/"medication" -> report id

    def page(self, who: str, *, phone: bool = False) -> Any:
        if who not in self.pages:
            # bypass_csp: axe's injected script needs it (openpso.testing.accessibility).
            context = self.browser.new_context(bypass_csp=True, **(PHONE if phone else DESK))
            context.set_default_timeout(10_000)
            self.pages[who] = context.new_page()
        return self.pages[who]


@pytest.fixture
def _django_db_helper() -> None:
    """Overrides pytest-django's per-test database set-up and flush for this module only: the
    steps share the database `story_server` opens for the whole module."""


@pytest.fixture(autouse=True)
def _close_the_steps_connections() -> Iterator[None]:
    """The steps' own ORM calls run beside Playwright's event loop, where Django keeps a
    separate connection per context; close it after each step, or PostgreSQL cannot drop the
    test database at the end of the run ("being accessed by other users")."""
    yield
    connections.close_all()


@pytest.fixture(scope="module")
def story_server(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """One live server and one database for the whole module, flushed at its end as
    TransactionTestCase would. The tests do not ask for `live_server` (pytest-django would flush
    the database after each of them), so this fixture runs its own. It is set up before Chromium
    and so stopped after it: no browser connection keeps a server thread, and with it a database
    session, alive (PostgreSQL then refuses to drop the test database)."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server.url
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            # Keep the sequences, as TransactionTestCase's flush does: restarted ids would give
            # the next module's users the ids this module's users had, and allauth's marker of a
            # TOTP code already used (keyed by user id, kept for 90 s in the cache) would then
            # refuse their first code.
            call_command("flush", verbosity=0, interactive=False, reset_sequences=False)


@pytest.fixture(scope="module")
def story(story_server: str, chromium: Any) -> Iterator[Story]:
    """The PSO and its first administrator (no page creates them), and the story's shared state."""
    pso = Organization.objects.create(slug="lakes-pso", name="Great Lakes PSO", kind=OrgKind.PSO)
    admin = User.objects.create_user(email="admin@pso.test", password=PASSWORD, first_name="Ada")
    Membership.objects.create(user=admin, organization=pso, role=Role.PSO_ADMIN)
    TOTP.activate(admin, TOTP_SECRET)
    story = Story(base=story_server, browser=chromium, pso=pso)
    yield story
    for page in story.pages.values():
        page.context.close()


def _axe(page: Any, story: Story) -> None:
    """Fail on serious or critical WCAG 2.1 AA problems, naming the page."""
    assert axe_violations(page) == [], page.url.removeprefix(story.base)


def _onboard(story: Story, email: str, *, mfa: bool, phone: bool = False) -> Any:
    """The person sets a password from the reset e-mail, then (for every role but the
    reporter) sets up TOTP on the page the app sends them to; returns their signed-in page."""
    page = story.page(email, phone=phone)
    page.goto(f"{story.base}/accounts/password/reset/")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name=re.compile("Reset", re.I)).click()
    page.wait_for_url(re.compile("/accounts/password/reset/done/"))
    message = next(m for m in reversed(mail.outbox) if email in m.to)
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", str(message.body))
    assert link, "the reset e-mail has no link"
    page.goto(link.group(0))
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    page.wait_for_url(re.compile("/accounts/password/reset/key/done/"))
    page.goto(f"{story.base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    # Wait for the sign-in to land (a redirect chain: the home page, or TOTP set-up by way of
    # the password prompt), not for the load state of the page it leaves.
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.wait_for_load_state()
    if not mfa:
        expect(page.get_by_role("heading", name=re.compile("Welcome")), page.url).to_be_visible()
        return page
    # RequireMfaMiddleware sends them to TOTP set-up; allauth asks for the password once more first.
    if "/accounts/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_url(re.compile("/accounts/2fa/totp/activate/"))
    assert "/accounts/2fa/totp/activate/" in page.url, f"{email}: {page.url}"
    secret = page.get_by_label("Authenticator secret").input_value()
    story.secrets[email] = secret
    for attempt in range(2):
        page.fill("input[name=code]", current_totp_code(secret))
        page.get_by_role("button", name="Activate").click()
        page.wait_for_load_state()
        if "totp/activate" not in page.url:
            break
        # A code typed as its 30-second step ends may be refused, as on a phone; a person
        # types the next one. Anything else refused is a failure the assertion names.
        assert attempt == 0, f"{email}: TOTP set-up refused twice"
        shows(page, "Incorrect code")
        time.sleep(max(0.0, 30.5 - time.time() % 30))
    page.wait_for_url(lambda url: "totp/activate" not in url)
    return page


def _choose(page: Any, question: str, answer: str) -> None:
    """Tick one answer of one question (answer labels such as "Yes" repeat across questions)."""
    page.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True).check()


def test_pso_administrator_creates_the_provider_and_adds_its_people(story: Story) -> None:
    admin = story.page("admin@pso.test")
    sign_in(admin, story.base, "admin@pso.test", PASSWORD, totp_secret=TOTP_SECRET)
    admin.get_by_role("link", name="Organisations").first.click()
    _axe(admin, story)
    admin.get_by_role("link", name="Add an organisation").click()
    admin.get_by_label("Name", exact=True).fill(PROVIDER)
    admin.get_by_label("Short name for addresses", exact=True).fill("lakeside")
    admin.get_by_label("Kind", exact=True).select_option(value="provider")
    admin.get_by_label("Provider type", exact=True).select_option(value="hospital")
    admin.get_by_label("Bed-size band", exact=True).select_option(index=2)
    admin.get_by_label("State", exact=True).select_option(value="MI")
    admin.get_by_role("button", name=re.compile("Save", re.I)).click()
    admin.wait_for_url(re.compile("/manage/lakeside/$"))
    provider = Organization.objects.get(slug="lakeside")
    assert (provider.kind, provider.network_id) == (OrgKind.PROVIDER, story.pso.pk)

    admin.get_by_role("link", name="Add a unit").click()
    admin.get_by_label("Name", exact=True).fill("4 West Medical")
    admin.get_by_role("button", name=re.compile("Save", re.I)).click()
    admin.get_by_role("link", name="Add an agreement").click()
    admin.get_by_label("Effective from", exact=True).fill(f"{timezone.localdate():%Y}-01-01")
    admin.get_by_label("Fall", exact=True).check()
    admin.get_by_label("Medication or Other Substance", exact=True).check()
    admin.get_by_label("Narrative (DE15)", exact=True).check()
    admin.get_by_role("button", name=re.compile("Save", re.I)).click()
    shows(admin, "Saved.")
    agreement = provider.agreements.get()
    assert set(agreement.categories) == {"A48", "A54"}

    for email, (where, role) in PEOPLE.items():
        slug = "lakeside" if where == "provider" else story.pso.slug
        admin.goto(f"{story.base}/manage/{slug}/")
        admin.get_by_role("link", name="Add a person").click()
        admin.get_by_label("Person's e-mail", exact=True).fill(email)
        admin.get_by_label("Role", exact=True).select_option(label=role)
        admin.get_by_role("button", name=re.compile("Save|Add|Grant", re.I)).click()
        shows(admin, "Role granted.")
    _axe(admin, story)
    assert set(Membership.objects.filter(organization=provider).values_list("user__email", flat=True)) == {
        "nurse@lakeside.test",
        "safety@lakeside.test",
    }


def test_the_people_set_their_passwords_and_second_factors(story: Story) -> None:
    for email in PEOPLE:
        reporter = email == "nurse@lakeside.test"
        _onboard(story, email, mfa=not reporter, phone=reporter)
    assert set(story.secrets) == {e for e in PEOPLE if e != "nurse@lakeside.test"}


def test_reporter_files_a_fall_and_a_medication_near_miss_on_a_phone(story: Story) -> None:
    nurse = story.page("nurse@lakeside.test", phone=True)
    nurse.goto(f"{story.base}/")
    nurse.get_by_role("link", name="Report an event").first.click()
    _axe(nurse, story)
    nurse.get_by_label("Incident", exact=True).check()
    nurse.get_by_label("Fall", exact=True).check()
    nurse.get_by_role("textbox", name="What happened?", exact=True).fill(
        "Found on the floor beside the bed at 02:00; says she slid while getting up. Skin tear, dressed."
    )
    nurse.get_by_label("Mild harm", exact=True).check()
    _choose(nurse, "Did the patient have an injury from the fall?", "Yes")
    _choose(nurse, "What injury?", "Skin tear, abrasion, laceration or bruise")
    # "Was the fall assisted or unassisted?" is left blank: the safety team completes it.
    nurse.get_by_role("button", name="Send report").click()
    fall = re.search(r"Report ([0-9A-F]{8}) was received", nurse.locator(".message").inner_text())
    assert fall, nurse.locator(".message").inner_text()

    nurse.get_by_role("link", name="Report an event").first.click()
    nurse.get_by_label("Near Miss", exact=True).check()
    nurse.get_by_label("Medication or Other Substance", exact=True).check()
    nurse.get_by_role("textbox", name="What happened?", exact=True).fill(
        "Pharmacy sent hydromorphone 10 mg/mL instead of 1 mg/mL; caught at the bedside scan."
    )
    nurse.get_by_role("combobox", name="What type of medication/substance was involved?", exact=True).select_option(
        label="Medications"
    )
    nurse.get_by_label("Prescription or over-the-counter (including herbal supplements)", exact=True).check()
    nurse.get_by_label(
        "Incorrect action (process failure or error) (e.g., such as administering overdose or incorrect medication)",
        exact=True,
    ).check()
    nurse.get_by_role("combobox", name="What was the incorrect action?", exact=True).select_option(
        label="Incorrect strength or concentration"
    )
    _choose(nurse, "Which best describes the incorrect strength or concentration?", "Too high")
    nurse.get_by_label("Generic name or investigational drug name", exact=True).fill("hydromorphone")
    # "At what stage in the process did the event originate…?" is left blank for the pharmacist.
    nurse.get_by_role("button", name="Send report").click()
    medication = re.search(r"Report ([0-9A-F]{8}) was received", nurse.locator(".message").inner_text())
    assert medication, nurse.locator(".message").inner_text()

    reports = EventReport.objects.filter(provider__slug="lakeside")
    assert reports.count() == 2
    story.reports["fall"] = str(reports.get(categories=["A48"]).pk)
    story.reports["medication"] = str(reports.get(categories=["A54"]).pk)
    assert "Fall/assisted" not in (reports.get(categories=["A48"]).answers or {})

    nurse.get_by_role("link", name="My reports").first.click()
    _axe(nurse, story)
    for match in (fall, medication):
        shows(nurse, match.group(1))
    mine = nurse.get_by_text("Your answers to the form's questions")
    expect(mine).to_have_count(2)  # the reporter sees their own answers, one panel per report
    for panel in mine.all():
        panel.click()
    expect(nurse.get_by_text(re.compile("^Too high"))).to_be_visible()
    expect(nurse.get_by_text(re.compile("^Skin tear"))).to_be_visible()


def _short(report_id: str) -> str:
    return report_id[:8].upper()


def _complete(manager: Any, story: Story, *, question: str, answer: Any) -> None:
    """On the answers page the missing-item link led to: give the answer, save, see it count."""
    manager.wait_for_url(re.compile("/answers/"))
    _axe(manager, story)
    answer(manager)
    manager.get_by_role("button", name="Save the answers").click()
    expect(manager.locator(".messages")).to_contain_text("The reporter's original is kept")
    still = manager.locator("section.message.warning")
    assert not still.count(), f"after answering {question!r}: {still.inner_text()}"
    shows(manager, "Ready to submit")


def test_safety_manager_completes_the_missing_answers_and_submits_both(story: Story) -> None:
    manager = story.page("safety@lakeside.test")
    fall, medication = story.reports["fall"], story.reports["medication"]
    manager.goto(f"{story.base}/reports/")
    manager.get_by_role("link", name=_short(medication)).first.wait_for()
    manager.get_by_role("link", name=_short(fall)).first.click()
    _axe(manager, story)
    panel = manager.locator(".answers-panel")
    assert "Skin tear" in panel.inner_text()  # the reporter's answers are shown to the safety team
    assert "Not ready to submit" in panel.inner_text()
    panel.get_by_role("link", name="Was the fall assisted or unassisted?").click()
    _complete(
        manager,
        story,
        question="Was the fall assisted or unassisted?",
        answer=lambda page: _choose(page, "Was the fall assisted or unassisted?", "Unassisted"),
    )

    manager.goto(f"{story.base}/submissions/")
    _axe(manager, story)
    stage = "At what stage in the process did the event originate, regardless of the stage at which it was discovered?"
    prescribed = "Was this medication/substance prescribed for this patient?"
    row = manager.locator("tr", has=manager.get_by_label(f"Submit report {_short(medication)}"))
    assert "Not yet" in row.inner_text()
    assert {stage, prescribed} <= set(row.locator("ul.missing a").all_inner_texts()), row.inner_text()
    row.get_by_role("link", name=stage).click()

    def answer(page: Any) -> None:
        page.get_by_role("combobox", name=stage, exact=True).select_option(label="Dispensing")
        _choose(page, prescribed, "Yes")

    _complete(manager, story, question=stage, answer=answer)

    manager.goto(f"{story.base}/submissions/")
    manager.get_by_label(f"Submit report {_short(fall)}").check()
    manager.get_by_label(f"Submit report {_short(medication)}").check()
    manager.get_by_role("button", name="Submit the chosen reports").click()
    results = manager.get_by_role("region", name="Result").inner_text()
    for report in (fall, medication):
        assert f"Sent to the PSO report {_short(report)}" in results, results
    assert Submission.objects.filter(event_id__in=[fall, medication]).count() == 2


def _run_the_task_worker() -> None:
    """django-tasks' worker, once through the queue; it takes over SIGINT/SIGTERM/SIGQUIT and
    leaves them so, so they are handed back to pytest afterwards."""
    kept = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)


def test_pso_analyst_finds_both_in_the_inbox_and_after_the_refresh_in_the_pool(story: Story) -> None:
    analyst = story.page("analyst@pso.test")
    fall, medication = story.reports["fall"], story.reports["medication"]
    analyst.goto(f"{story.base}/")
    analyst.get_by_role("link", name="Reports", exact=True).first.click()  # the PSO's reports: its inbox
    expect(analyst.get_by_role("heading", name="PSO inbox")).to_be_visible()
    _axe(analyst, story)
    analyst.get_by_role("link", name=_short(medication)).wait_for()
    analyst.get_by_role("link", name=_short(fall)).click()
    # all_inner_texts() does not wait: read the answers once the submission's page has them
    # (the PostgreSQL suite once read the inbox, still shown, and found none).
    analyst.locator("table.answers").first.wait_for()
    answers = analyst.locator("table.answers").all_inner_texts()
    assert any("Unassisted" in table for table in answers), answers  # the safety manager's completion
    _axe(analyst, story)

    # The refresh the submission queued, run as the app's worker runs it.
    _run_the_task_worker()
    state = LakeState.objects.get(pso=story.pso)
    assert state.last_summary.get("events_in_lake") == 2, state.last_summary
    analyst.get_by_role("link", name="Analytics").first.click()
    analyst.get_by_role("link", name="The pool: Great Lakes PSO").click()
    analyst.get_by_text("Data table: Events by category").click()
    table = analyst.get_by_role("region", name="Data: Events by category")
    table.locator("tbody tr").first.wait_for()  # .all() does not wait
    rows = {tuple(row.locator("td").all_inner_texts()[1:3]) for row in table.locator("tbody tr").all()}
    assert rows == {("Fall", "1"), ("Medication or Other Substance", "1")}, rows


def test_auditor_filters_the_trail_to_the_reports_and_exports_it(story: Story) -> None:
    auditor = story.page("auditor@pso.test")
    fall, medication = story.reports["fall"], story.reports["medication"]
    auditor.goto(f"{story.base}/")
    auditor.get_by_role("link", name="Audit log").first.click()
    _axe(auditor, story)
    auditor.get_by_text("Search and filter").click()
    auditor.get_by_label("Object id").fill(_short(fall))
    auditor.get_by_role("button", name="Show").click()
    trail = auditor.get_by_role("region", name="Audit events")
    expect(trail.get_by_text("submission.received").first).to_be_visible()
    assert _short(medication).lower() not in trail.inner_text().lower()
    _axe(auditor, story)
    with auditor.expect_download() as download:
        auditor.get_by_role("link", name=re.compile("Download CSV")).click()
    rows = list(csv.DictReader(Path(download.value.path()).read_text(encoding="utf-8").splitlines()))
    assert rows, "the export is empty"
    text = "\n".join(",".join(row.values()) for row in rows)
    assert "submission.received" in text
    assert fall in text
    assert medication not in text  # only the rows about the report asked for

    auditor.get_by_label("Object id").fill(_short(medication))
    auditor.get_by_role("button", name="Show").click()
    expect(trail.get_by_text("submission.received").first).to_be_visible()
    assert fall not in trail.inner_text()


# Each role's main pages, with what must be on them: run again on the size the story did not use.
MAIN_PAGES = {
    "nurse@lakeside.test": ["/reports/new/", "/reports/mine/"],
    "safety@lakeside.test": ["/pses/queue/", "/submissions/"],
    "analyst@pso.test": ["/pso/inbox/", "/analytics/pso/"],
    "auditor@pso.test": ["/audit/"],
    "admin@pso.test": ["/manage/", "/manage/lakeside/", "/pso/reidentify/"],
}


def _overflows(page: Any) -> bool:
    """The page itself scrolls sideways (tables may scroll inside their own box)."""
    return bool(page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth"))


def test_each_roles_main_pages_work_on_a_phone_and_a_desktop(story: Story) -> None:
    problems = []
    for who, paths in MAIN_PAGES.items():
        signed_in = story.pages[who].context.storage_state()  # the same session, another screen
        for size in (PHONE, DESK):
            context = story.browser.new_context(storage_state=signed_in, bypass_csp=True, **size)
            page = context.new_page()
            for path in paths:
                response = page.goto(f"{story.base}{path}")
                width = size["viewport"]["width"]
                if response is None or response.status != 200:
                    problems.append(f"{who} {path} at {width} px: HTTP {response and response.status}")
                elif not page.get_by_role("heading", level=1).first.is_visible():
                    problems.append(f"{who} {path} at {width} px: no visible heading")
                elif _overflows(page):
                    problems.append(f"{who} {path} at {width} px: the page scrolls sideways")
                elif violations := axe_violations(page):
                    problems.append(f"{who} {path} at {width} px: {violations}")
            context.close()
    assert problems == []
