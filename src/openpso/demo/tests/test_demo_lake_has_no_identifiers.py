"""Issue 6, end to end as the demo runs it: seeded reports → submissions (the real document
builder) → non-identification → the Parquet lake; no planted identifier anywhere in the lake.

The narratives' planted PHI comes with gold spans (`openpso.demo.narratives`); every column of
every Parquet file is scanned for each planted value, and for every provider, unit, person
and report id the database holds.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from openpso.demo.generate import seed_demo
from openpso.demo.reports import iter_drafts
from openpso.demo.submissions import seed_submissions
from openpso.lake.files import lake_dir
from openpso.lake.refresh import refresh_lake
from openpso.lake.tests.test_lake_no_identifiers import lake_text, leaks
from openpso.organizations.models import Organization, OrgKind, Unit
from openpso.reporting.models import EventReport

pytestmark = pytest.mark.django_db

SEED, EVENTS, TODAY = 31, 800, dt.date(2026, 11, 1)
_SHORT_NUMBER = re.compile(r"\d{1,4}[A-Z]?(?:-\d)?")
_YEAR = re.compile(r"(?:19|20)\d\d")


def test_the_demo_lake_holds_no_planted_identifier() -> None:
    seed_demo(seed=SEED, events=EVENTS, today=TODAY)
    submitted = seed_submissions()
    summary = refresh_lake()
    assert summary.added == submitted.submitted > 0

    values: set[str] = set()
    numbers: set[str] = set()
    ages: set[str] = set()
    for draft in iter_drafts(seed=SEED, total=EVENTS, today=TODAY, tz=timezone.get_default_timezone()):
        for span, value in zip(draft.narrative.spans, draft.narrative.values, strict=True):
            if span.type == "TIME":
                continue  # times of day are not identifiers and stay (issue 14: shift and time matter to safety)
            if span.type == "AGE":
                if value.isdigit() and int(value) > 89:
                    ages.add(value)
            elif _SHORT_NUMBER.fullmatch(value):
                if len(value) > 2:
                    numbers.add(value)
            elif not _YEAR.fullmatch(value.strip()):
                values.add(value)
    for org in Organization.objects.exclude(kind=OrgKind.PSO):
        values |= {org.name, org.slug}
    values |= {name for name in Unit.objects.values_list("name", flat=True) if " " in name or re.search(r"\d", name)}
    for user in get_user_model().objects.all():
        values |= {user.get_full_name(), user.email}
    values |= {str(pk) for pk in EventReport.objects.values_list("pk", flat=True)}
    values.discard("")

    pso = Organization.objects.get(kind=OrgKind.PSO)
    haystacks = lake_text(lake_dir(pso.slug))
    assert any(where.startswith("events/") for where in haystacks)
    assert leaks(haystacks, values, ages, numbers) == {}
