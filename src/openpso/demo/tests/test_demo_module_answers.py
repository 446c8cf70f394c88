"""Demo reports carry the modules their categories call for, with coded answers, as a real one does."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from openpso.commonformats.catalogue import modules_for
from openpso.commonformats.model import CODED_TYPES, iter_items
from openpso.demo.generate import seed_demo
from openpso.demo.history import ACTIONS_WINDOW
from openpso.demo.module_answers import INCOMPLETE_DAYS
from openpso.demo.reports import iter_drafts
from openpso.demo.submissions import SUBMISSION_DELAY, seed_submissions
from openpso.pses.queries import safety_managers_of
from openpso.reporting.completeness import missing_answers, modules_of, problems_in_words
from openpso.reporting.models import EventReport
from openpso.reporting.module_forms import field_name
from openpso.reporting.queries import effective_answers
from openpso.submissions.models import Submission

TODAY = dt.date(2026, 3, 15)


@pytest.fixture
def seeded(db):
    seed_demo(events=600, today=TODAY)
    # As `openpso demo` runs it: submitted the day the demo is anchored on.
    now = dt.datetime.combine(TODAY, dt.time(9), tzinfo=timezone.get_default_timezone())
    return seed_submissions(now=now)


def test_every_demo_report_has_the_modules_its_categories_call_for(seeded):
    reports = list(EventReport.objects.select_related("provider"))
    assert reports
    for report in reports:
        expected = modules_for(categories=list(report.categories), provider_type=report.provider.provider_type)
        assert report.modules == [m.key for m in expected]
    assert any("cfer-h-1.2/fall" in r.modules for r in reports)


def test_demo_answers_are_valid_coded_answers(seeded):
    answered = 0
    for report in EventReport.objects.exclude(modules=[]):
        assert problems_in_words(report, report.answers) == []
        for key, value in report.answers.items():
            [item] = [m.item(key) for m in modules_of(report) if m.has_item(key)]
            assert not item.identifying
            assert not item.hidden
            assert item.type not in {"string", "text", "date"}
            if item.type in CODED_TYPES:
                codes = value if isinstance(value, list) else [value]
                assert set(codes) <= item.codes  # codes, never free text
        answered += bool(report.answers)
    assert answered > 0


def test_a_fall_with_harm_answers_that_the_patient_was_injured(seeded):
    falls = [r for r in EventReport.objects.all() if "cfer-h-1.2/fall" in r.modules and r.answers.get("Fall/injury")]
    harmed = [r for r in falls if r.harm in {"LA21150-0", "LA20749-0", "LA20748-2", "LA20747-4"}]
    assert harmed
    assert all(r.answers["Fall/injury"] == "A15" for r in harmed)


def test_every_submitted_demo_report_is_complete(seeded):
    submitted = EventReport.objects.filter(pk__in=Submission.objects.values("event_id"))
    assert submitted.exists()
    assert all(missing_answers(r, r.answers) == [] for r in submitted)


def test_some_recent_reports_wait_at_the_provider_for_a_missing_answer(seeded):
    incomplete = [r for r in EventReport.objects.all() if missing_answers(r, r.answers)]
    assert incomplete
    cutoff = dt.datetime.combine(TODAY, dt.time(), tzinfo=timezone.get_default_timezone())
    assert all(r.reported_at >= cutoff - dt.timedelta(days=INCOMPLETE_DAYS) for r in incomplete)
    assert not Submission.objects.filter(event_id__in=[r.pk for r in incomplete]).exists()
    assert seeded.waiting >= len([r for r in incomplete if r.pswp_status == "candidate"]) > 0


def test_reports_left_incomplete_are_all_sent_through_the_action_that_refuses_them():
    assert dt.timedelta(days=INCOMPLETE_DAYS) <= ACTIONS_WINDOW + SUBMISSION_DELAY


def test_module_answers_do_not_depend_on_the_run():
    tz = timezone.get_default_timezone()
    first = [(d.id, d.modules, d.answers) for d in iter_drafts(seed=7, total=300, today=TODAY, tz=tz)]
    again = [(d.id, d.modules, d.answers) for d in iter_drafts(seed=7, total=300, today=TODAY, tz=tz)]
    assert first == again


def test_the_demo_safety_manager_completes_a_waiting_report_on_its_answers_page(seeded):
    report = next(r for r in EventReport.objects.filter(pswp_status="candidate") if missing_answers(r, r.answers))
    missing = missing_answers(report, report.answers)
    safety_manager = safety_managers_of(report.provider_id).order_by("pk").first()
    assert safety_manager is not None
    manager = Client()
    manager.force_login(safety_manager)
    page = manager.get(f"/reports/{report.pk}/answers/").content.decode()
    assert "Not ready to submit" in page
    assert f'href="#{missing[0].anchor}"' in page
    # Answer what is open with the first code each question offers, as the manager would choose.
    posted: dict[str, Any] = {"action": "amend"}
    for _ in range(5):  # an answer may open a follow-up question
        open_now = missing_answers(report, effective_answers(report))
        if not open_now:
            break
        for gap in open_now:
            item = next(m.item(gap.link_id) for m in modules_of(report) if m.has_item(gap.link_id))
            if item.type == "group":
                item = next(i for i in iter_items(item) if i.type in CODED_TYPES)
            code = next(a.code for a in item.answers if not a.specify)
            posted[field_name(item.link_id)] = [code] if item.repeats else code
        assert manager.post(f"/reports/{report.pk}/answers/", posted).status_code == 302
    assert missing_answers(report, effective_answers(report)) == []
    assert "Ready to submit" in manager.get(f"/reports/{report.pk}/").content.decode()
