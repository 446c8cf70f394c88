"""Issue 15 item 3: a safety event, its addenda and its RCA² investigation each show their PSWP
label (pswp.labels) on their pages."""

from __future__ import annotations

import pytest

from openpso.pses.rca.actions import start_investigation
from openpso.pses.safety_events.actions import add_addendum
from openpso.pses.tests.fixtures import cast_events

pytestmark = pytest.mark.django_db
LABEL = "PSWP: analysis in the provider&#x27;s PSES"


def test_the_event_page_labels_the_event_and_each_addendum(cast, client_for):
    event = cast_events(cast)["r1"]
    add_addendum(user=cast.users["safety_manager"], event=event, body="Pump serviced.")
    body = client_for("safety_manager").get(f"/pses/events/{event.pk}/").content.decode()
    assert '<p class="pswp-label" data-pswp-label="pses_analysis">' in body
    assert body.count(LABEL) == 2  # the event, and its one addendum
    assert "42 CFR 3.20, PSWP para (1)(ii)" in body


def test_the_investigation_page_is_labelled_before_and_after_it_starts(cast, client_for):
    event = cast_events(cast)["r1"]
    client = client_for("safety_manager")
    path = f"/pses/events/{event.pk}/investigation/"
    assert LABEL in client.get(path).content.decode()
    start_investigation(user=cast.users["safety_manager"], event=event)
    assert 'data-pswp-label="pses_analysis"' in client.get(path).content.decode()
