"""`openpso deid-examples export` writes approved reviews as labelled examples: PHI, so only
with an explicit flag, into a new 0600 file, and audited."""

from __future__ import annotations

import json
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from openpso.audit.models import AuditEvent
from openpso.nonid import review
from openpso.nonid.tests.helpers import JANE_ROE, NARRATIVE, make_report, make_review

pytestmark = pytest.mark.django_db

PHI_FLAG = "--i-understand-this-contains-phi"


@pytest.fixture
def approved(cast):
    manager = cast.users["safety_manager"]
    draft = make_review(make_report(cast))
    review.remove_span(review=draft, start=54, end=56, by=manager)
    review.add_span(review=draft, start=JANE_ROE[0], end=JANE_ROE[1], span_type="STAFF", by=manager)
    return review.approve(review=draft, by=manager)


def _export(tmp_path, *extra):
    out = tmp_path / "examples.jsonl"
    call_command("deid-examples", "export", "--out", str(out), *extra)
    return out


def test_export_is_refused_without_the_phi_flag(tmp_path, approved):
    with pytest.raises(CommandError, match=f"^{PHI_FLAG}: required"):
        _export(tmp_path)
    assert not (tmp_path / "examples.jsonl").exists()


def test_an_approved_review_becomes_one_json_line_with_its_corrections(tmp_path, approved):
    out = _export(tmp_path, PHI_FLAG)
    (line,) = out.read_text().splitlines()
    example = json.loads(line)
    assert example["id"] == str(approved.report_id)
    assert example["text"] == NARRATIVE
    assert example["spans"] == [
        {"start": 0, "end": 11, "type": "PERSON"},
        {"start": 35, "end": 45, "type": "DATE"},
        {"start": 81, "end": 89, "type": "STAFF"},
    ]
    assert [(c["action"], c["start"], c["end"], c["type"]) for c in example["corrections"]] == [
        ("remove", 54, 56, "ROOM"),
        ("add", 81, 89, "STAFF"),
    ]


def test_the_file_is_readable_by_its_owner_only(tmp_path, approved):
    out = _export(tmp_path, PHI_FLAG)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_an_existing_file_is_never_written_over(tmp_path, approved):
    out = tmp_path / "examples.jsonl"
    out.write_text("keep me\n")
    with pytest.raises(CommandError, match=r"^out: .* exists already"):
        call_command("deid-examples", "export", "--out", str(out), PHI_FLAG)
    assert out.read_text() == "keep me\n"


def test_drafts_and_stale_reviews_are_not_exported(cast, tmp_path, approved):
    make_review(make_report(cast))  # a draft
    stale = review.approve(review=make_review(make_report(cast)), by=cast.users["safety_manager"])
    stale.report.narrative = "Rewritten later."
    stale.report.save()
    lines = _export(tmp_path, PHI_FLAG).read_text().splitlines()
    assert [json.loads(line)["review"] for line in lines] == [approved.pk]


def test_one_provider_can_be_chosen(cast, tmp_path, approved):
    out = _export(tmp_path, PHI_FLAG, "--provider", cast.orgs["p2"].slug)
    assert out.read_text() == ""
    with pytest.raises(CommandError, match=r"^provider: no provider with the slug 'nowhere'"):
        call_command("deid-examples", "export", "--out", str(tmp_path / "x.jsonl"), PHI_FLAG, "--provider", "nowhere")


def test_the_export_is_audited_without_phi(cast, tmp_path, approved):
    _export(tmp_path, PHI_FLAG, "--provider", cast.orgs["p1"].slug)
    event = AuditEvent.objects.get(action="deid.examples_exported")
    assert event.organization_id == cast.orgs["p1"].pk
    assert event.detail == {"reviews": [approved.pk], "count": 1, "file": "examples.jsonl"}
    assert "Maria" not in json.dumps(event.detail)
