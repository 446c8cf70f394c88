"""The month a feedback report covers is a field a thumb can hit on a phone (at least 24 px tall,
like every other field): it was 21 px, the stylesheet knew no month fields."""

from __future__ import annotations

import pytest

from openpso.testing.browser import sign_in
from openpso.testing.cast import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_report_month_field_is_tall_enough_to_tap_on_a_phone(live_server, cast, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, live_server.url, "pso_analyst@cast.test", PASSWORD, totp_secret=TOTP_SECRET)
    page.goto(f"{live_server.url}/feedback/reports/")
    box = page.get_by_label("Month", exact=True).bounding_box()
    assert box is not None
    assert box["height"] >= 24, box
    assert box["width"] >= 24, box
    context.close()
