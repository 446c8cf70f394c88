"""Filing a report with no login at all, and getting a receipt (issue 3 item 5, invariant 2).

The helpers at the top are shared by the other test_channel_* modules.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from openpso.reporting.channel import actions as channel_actions
from openpso.reporting.models import AnonymousReceipt, EventReport

NARRATIVE = "Heparin 5000 units/mL vial found in the 1000 units/mL bin. CANARY-ANON-NARRATIVE"
PASSPHRASE = "maple-river-copper-lantern"


def anonymous_form(cast, **overrides):
    data = {
        "event_type": "A6",
        "categories": ["A54"],
        "discovered_at": (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "unit": str(cast.units["p1"].pk),
        "narrative": NARRATIVE,
    }
    data.update(overrides)
    return data


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden field {name}"
    return match.group(1)


def file_anonymously(cast, client: Client | None = None, **overrides) -> tuple[Client, EventReport, str, str]:
    """File through the public page; returns (client, report, receipt code, receipt page)."""
    client = client or Client()
    before = set(EventReport.objects.values_list("pk", flat=True))
    response = client.post(f"/anonymous/report/{cast.orgs['p1'].slug}/", anonymous_form(cast, **overrides))
    assert response.status_code == 200, response.content
    page = response.content.decode()
    code = re.search(r'<code id="receipt-code">([^<]+)</code>', page)
    assert code, page
    report = EventReport.objects.exclude(pk__in=before).get()
    return client, report, code.group(1), page


def file_with_passphrase(cast, client: Client | None = None) -> tuple[Client, EventReport, str]:
    client, report, code, page = file_anonymously(cast, client)
    response = client.post(
        "/anonymous/passphrase/", {"token": hidden(page, "token"), "code": code, "passphrase": PASSPHRASE}
    )
    assert response.status_code == 200
    assert "Your passphrase is set" in response.content.decode()
    return client, report, code


def test_anyone_without_a_login_sees_the_providers_and_the_form(cast):
    client = Client()
    start = client.get("/anonymous/").content.decode()
    assert cast.orgs["p1"].name in start
    assert cast.orgs["pso1"].name not in start  # providers only
    form = client.get(f"/anonymous/report/{cast.orgs['p1'].slug}/")
    page = form.content.decode()
    assert form.status_code == 200
    assert 'name="narrative"' in page
    assert 'name="anonymous"' not in page
    assert 'name="reporter_role"' not in page


def test_a_non_provider_slug_answers_404(cast):
    assert Client().get(f"/anonymous/report/{cast.orgs['pso1'].slug}/").status_code == 404
    assert Client().get("/anonymous/report/no-such-provider/").status_code == 404


def test_an_anonymous_client_files_a_report_end_to_end(cast):
    _client, report, code, page = file_anonymously(cast)
    assert re.fullmatch(r"([2-9A-HJKMNP-Z]{4}-){3}[2-9A-HJKMNP-Z]{4}", code)
    assert report.anonymous is True
    assert report.reporter_id is None
    assert report.reporter_role == ""
    assert report.narrative == NARRATIVE
    assert report.provider == cast.orgs["p1"]
    assert (report.reported_at.minute, report.reported_at.second, report.reported_at.microsecond) == (0, 0, 0)
    receipt = AnonymousReceipt.objects.get(report=report)
    assert code.replace("-", "") not in receipt.code_digest
    assert receipt.passphrase_hash == ""
    assert "Choose a passphrase" in page
    # The manager sees it like any other anonymous report.
    detail = Client()
    detail.force_login(cast.users["safety_manager"])
    assert NARRATIVE in detail.get(f"/reports/{report.pk}/").content.decode()


def test_the_form_validates_exactly_like_the_signed_in_page(cast):
    client = Client()
    before = EventReport.objects.count()
    response = client.post(
        f"/anonymous/report/{cast.orgs['p1'].slug}/", anonymous_form(cast, event_type="A3", categories=[])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The report was not sent" in page
    assert "an incident needs a harm level" in page
    assert "choose at least one category" in page
    assert "CANARY-ANON-NARRATIVE" in page  # nothing typed is lost
    assert EventReport.objects.count() == before


def test_a_unit_of_another_provider_is_refused(cast):
    response = Client().post(
        f"/anonymous/report/{cast.orgs['p1'].slug}/", anonymous_form(cast, unit=str(cast.units["p2"].pk))
    )
    assert response.status_code == 200
    assert "The report was not sent" in response.content.decode()


def test_a_chosen_passphrase_is_stored_only_as_an_argon2_hash(cast):
    _, report, _ = file_with_passphrase(cast)
    stored = AnonymousReceipt.objects.get(report=report).passphrase_hash
    assert stored.startswith("argon2")
    assert PASSPHRASE not in stored


def test_a_short_passphrase_is_refused_and_the_code_stays_on_the_page(cast):
    client, report, code, page = file_anonymously(cast)
    response = client.post(
        "/anonymous/passphrase/", {"token": hidden(page, "token"), "code": code, "passphrase": "short"}
    )
    assert response.status_code == 200
    assert code in response.content.decode()
    assert "at least 10 characters" in response.content.decode()
    assert AnonymousReceipt.objects.get(report=report).passphrase_hash == ""


def test_the_passphrase_is_set_once_and_needs_the_code(cast):
    client, report, code, page = file_anonymously(cast)
    token = hidden(page, "token")
    wrong = client.post(
        "/anonymous/passphrase/", {"token": token, "code": "2222-2222-2222-2222", "passphrase": PASSPHRASE}
    )
    assert wrong.status_code == 400
    first = client.post("/anonymous/passphrase/", {"token": token, "code": code, "passphrase": PASSPHRASE})
    assert first.status_code == 200
    again = client.post("/anonymous/passphrase/", {"token": token, "code": code, "passphrase": "another-one-entirely"})
    assert again.status_code == 400
    receipt = AnonymousReceipt.objects.get(report=report)
    assert channel_actions.open_receipt(code=code, passphrase=PASSPHRASE) == receipt


def test_the_receipt_page_offers_a_generated_four_word_passphrase(cast):
    _, _, _, page = file_anonymously(cast)
    suggested = hidden(page, "passphrase")
    assert len(suggested.split("-")) == 4
    assert len(suggested) >= channel_actions.PASSPHRASE_MIN_LENGTH


def test_the_anonymous_pages_set_no_cookie_but_csrf(cast):
    client = Client()
    for response in (
        client.get("/anonymous/"),
        client.get(f"/anonymous/report/{cast.orgs['p1'].slug}/"),
        client.get("/anonymous/follow-up/"),
    ):
        assert set(response.cookies) <= {"csrftoken"}, response.cookies
    _, _, code, page = file_anonymously(cast, client)
    done = client.post(
        "/anonymous/passphrase/", {"token": hidden(page, "token"), "code": code, "passphrase": PASSPHRASE}
    )
    assert set(done.cookies) <= {"csrftoken"}
    assert "sessionid" not in client.cookies
    assert "no-store" in done["Cache-Control"]


def test_a_signed_in_visitor_is_ignored_and_their_session_is_not_touched(cast):
    client = Client()
    client.force_login(cast.users["reporter"])
    session = Session.objects.get()
    page = client.get("/anonymous/").content.decode()
    assert "reporter@cast.test" not in page
    assert "Sign out" not in page
    _, report, _, _ = file_anonymously(cast, client)
    assert report.reporter_id is None
    assert Session.objects.get().expire_date == session.expire_date  # not re-saved at the filing time
    assert client.get("/reports/mine/").status_code == 200  # still signed in elsewhere
