"""On a phone a responsive table shows each row as a card with its header row hidden: every cell
says which column it is (issue 12: the organisations list showed "—" and "PA" with no names)."""

from __future__ import annotations

import pytest

from openpso.testing.accessibility import axe_violations
from openpso.testing.browser import sign_in
from openpso.testing.cast import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# The text shown before a cell (CSS generated content), as the phone shows it.
BEFORE = "cell => getComputedStyle(cell, '::before').content"


def test_every_cell_of_the_organisations_list_names_its_column_on_a_phone(live_server, cast, chromium):
    context = chromium.new_context(viewport=PHONE, bypass_csp=True)  # bypass only to inject axe
    page = context.new_page()
    sign_in(page, live_server.url, "pso_admin@cast.test", PASSWORD, totp_secret=TOTP_SECRET)
    page.goto(f"{live_server.url}/manage/")
    row = page.locator("main table tbody tr").first
    shown = [cell.evaluate(BEFORE) for cell in row.locator("td").all()]
    assert shown == ['"Name: "', '"Kind: "', '"Type: "', '"Health system: "', '"State: "'], shown
    assert axe_violations(page) == []
    context.close()


def test_the_audit_logs_own_cell_labels_are_not_doubled(live_server, cast, chromium):
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server.url, "auditor@cast.test", PASSWORD, totp_secret=TOTP_SECRET)
    page.goto(f"{live_server.url}/audit/")
    cells = page.locator("main table tbody tr").first.locator("td").all()
    assert cells
    assert all(cell.evaluate(BEFORE) in ("none", "normal") for cell in cells)
    context.close()
