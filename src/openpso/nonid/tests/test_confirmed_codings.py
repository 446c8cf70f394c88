"""`openpso confirmed-codings` writes the code suggester's confirmed examples: reports filed with a
suggestion whose scrubbed narrative a safety manager approved, as the pool holds the text, with the
report's codes, into a new 0600 file, audited (issue 18 item 3)."""

from __future__ import annotations

import json
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from openpso.audit.models import AuditEvent
from openpso.nonid import review
from openpso.nonid.tests.helpers import make_report, make_review
from openpso.reporting.models import SuggestionOutcome
from openpso.suggest.corpus import labelled

pytestmark = pytest.mark.django_db


def _suggested(report):
    SuggestionOutcome.objects.create(
        report=report, field="categories", suggested="A48", score=0.9, final="A48", accepted=True, model_version="v"
    )
    return report


@pytest.fixture
def confirmed(cast):
    report = _suggested(make_report(cast))
    review.approve(review=make_review(report), by=cast.users["safety_manager"])
    return report


def _export(tmp_path, *extra):
    out = tmp_path / "confirmed.jsonl"
    call_command("confirmed-codings", "--out", str(out), *extra)
    return out


def test_an_approved_report_filed_with_a_suggestion_becomes_a_scrubbed_labelled_example(tmp_path, confirmed):
    out = _export(tmp_path)
    (line,) = out.read_text().splitlines()
    example = json.loads(line)
    assert example["text"] == review.approved_scrubbed_text(confirmed)
    assert example["text"].startswith("[NAME] fell")  # the scrubbed text, never the identified narrative
    assert (example["event_type"], example["categories"], example["harm"]) == (
        confirmed.event_type,
        sorted(confirmed.categories),
        confirmed.harm or None,
    )
    assert str(confirmed.pk) not in line
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    event = AuditEvent.objects.get(action="deid.confirmed_codings_exported")
    assert (event.organization_id, event.detail["count"]) == (confirmed.provider_id, 1)


def test_the_file_is_what_training_reads_from_data_confirmed(tmp_path, confirmed):
    out = _export(tmp_path)
    (tmp_path / "narratives").mkdir()
    (tmp_path / "confirmed").mkdir()
    out.rename(tmp_path / "confirmed" / "p1.jsonl")
    (example,) = labelled(tmp_path)
    assert (example.setting, example.categories) == ("confirmed", tuple(sorted(confirmed.categories)))


def test_reports_without_an_approved_review_or_a_suggestion_are_left_out(tmp_path, cast, confirmed):
    make_review(_suggested(make_report(cast)))  # reviewed, not approved
    review.approve(review=make_review(make_report(cast)), by=cast.users["safety_manager"])  # no suggestion
    assert len(_export(tmp_path).read_text().splitlines()) == 1


def test_an_existing_file_is_never_written_over(tmp_path, confirmed):
    out = tmp_path / "confirmed.jsonl"
    out.write_text("keep me\n")
    with pytest.raises(CommandError, match=r"^out: .* exists already"):
        call_command("confirmed-codings", "--out", str(out))
    assert out.read_text() == "keep me\n"
