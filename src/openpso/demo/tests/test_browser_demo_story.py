"""Issue 3's story in the demo, on a phone-sized Chromium: a fall, an EMS medication event and an
anonymous medication error are filed; the safety manager asks the anonymous reporter a question
and the reporter answers it with the receipt code and passphrase."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from openpso.demo.generate import seed_demo
from openpso.demo.users import DEMO_PASSWORD, totp_secret_for
from openpso.organizations.models import Organization
from openpso.reporting.models import EventReport, FollowUpKind, FollowUpMessage
from openpso.testing.browser import shows, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HOSPITAL = "Harrow Valley Medical Center"


def _sign_in(page, base, email, *, totp=False):
    sign_in(page, base, email, DEMO_PASSWORD, totp_secret=totp_secret_for(email) if totp else None)


def _new(since):
    return EventReport.objects.filter(reported_at__gte=since.replace(minute=0, second=0, microsecond=0))


def test_the_reporting_story_of_issue_3_in_the_demo(live_server, chromium):
    seed_demo(events=120, today=timezone.localdate())
    base = live_server.url
    start = dt.datetime.now(dt.UTC)
    phone = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}

    nurse = chromium.new_context(**phone).new_page()
    _sign_in(nurse, base, "reporter@demo.openpso.test")
    nurse.get_by_role("link", name="Report an event").first.click()
    nurse.get_by_label("Incident", exact=True).check()
    nurse.get_by_label("Fall", exact=True).check()
    nurse.get_by_label("What happened?", exact=True).fill("Slid from the bedside chair while reaching for her phone.")
    nurse.get_by_label("Mild harm", exact=True).check()
    nurse.get_by_role("button", name="Send report").click()
    assert "was received by the safety team" in nurse.locator(".message").inner_text()

    medic = chromium.new_context(**phone).new_page()
    _sign_in(medic, base, "paramedic@demo.openpso.test")
    medic.get_by_role("link", name="Report an event").first.click()
    medic.get_by_label("Near Miss", exact=True).check()
    medic.get_by_label("Medication or Other Substance", exact=True).check()
    medic.get_by_label("What happened?", exact=True).fill(
        "Grabbed the epinephrine 1 mg/mL vial instead of 1 mg/10 mL; partner caught it before drawing up."
    )
    medic.get_by_role("group", name="What are you reporting?").get_by_label(re.compile("Near miss:")).check()
    medic.get_by_role("group", name="What kind of event?").get_by_label(re.compile("Medication event")).check()
    medic.get_by_role("button", name="Send report").click()
    assert "was received by the safety team" in medic.locator(".message").inner_text()

    anonymous = chromium.new_context(**phone).new_page()
    anonymous.goto(f"{base}/anonymous/")
    anonymous.get_by_role("link", name=HOSPITAL).click()
    anonymous.get_by_label("Incident", exact=True).check()
    anonymous.get_by_label("Medication or Other Substance", exact=True).check()
    anonymous.get_by_label("What happened?", exact=True).fill(
        "Gave the 09:00 metoprolol to the wrong bed; blood pressure checked, no change."
    )
    anonymous.get_by_label("No harm", exact=True).check()
    anonymous.get_by_role("button", name="Send anonymously").click()
    code = anonymous.locator("#receipt-code").inner_text()
    anonymous.get_by_label("Choose a passphrase", exact=True).fill("harbor-lantern-quiet-maple")
    anonymous.get_by_role("button", name="Keep this passphrase").click()

    new = _new(start)
    fall = new.get(categories=["A48"], anonymous=False)
    ems = new.get(provider__provider_type="ems_agency")
    error = new.get(anonymous=True, event_type="A3", categories=["A54"])
    assert fall.provider.name == HOSPITAL
    assert "openpso-ext/ems-1.0" in ems.modules
    assert ems.answers["EMS/report_type"] == "OPSO-EMS-TYPE-NEAR-MISS"
    assert error.reporter is None
    assert error.provider == Organization.objects.get(name=HOSPITAL)

    manager = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(manager, base, "manager@demo.openpso.test", totp=True)
    manager.goto(f"{base}/reports/{error.pk}/")
    manager.get_by_label("Message", exact=True).fill("Thank you. Was the bed label visible?")
    manager.get_by_role("button", name="Post to the reporter").click()

    anonymous.goto(f"{base}/anonymous/follow-up/")
    anonymous.get_by_label("Receipt code", exact=True).fill(code)
    anonymous.get_by_label("Passphrase", exact=True).fill("harbor-lantern-quiet-maple")
    anonymous.get_by_role("button", name="Open my report").click()
    shows(anonymous, "Was the bed label visible?")
    anonymous.get_by_label("Your answer", exact=True).fill("It had fallen behind the bed.")
    anonymous.get_by_role("button", name="Send answer").click()

    manager.reload()
    assert "It had fallen behind the bed." in manager.locator("#follow-up").inner_text()
    assert FollowUpMessage.objects.filter(report=error, kind=FollowUpKind.ANSWER, author__isnull=True).exists()
