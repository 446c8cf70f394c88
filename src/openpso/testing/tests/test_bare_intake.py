"""The load benchmark's bare view: it inserts the row and nothing else, and production never routes to it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from django.test import override_settings
from django.urls import Resolver404, resolve
from django.utils import timezone

from openpso.audit.models import AuditEvent
from openpso.pswp.models import PswpTransition
from openpso.reporting.models import EventReport
from openpso.testing.bare_intake import BARE_INTAKE_PATH


def _body(cast):
    return {
        "provider": cast.orgs["p1"].slug,
        "unit": cast.units["p1"].pk,
        "event_type": "A3",
        "categories": ["A48"],
        "discovered_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "narrative": "Synthetic load-test narrative: found on the floor beside the bed.",
        "harm": "LA21150-0",
        "patient_age_years": 70,
        "patient_sex": "F",
    }


def test_openpso_urls_do_not_route_to_the_bare_view():
    with pytest.raises(Resolver404):
        resolve(f"/{BARE_INTAKE_PATH}", urlconf="openpso.urls")


@override_settings(ROOT_URLCONF="openpso.testing.bare_intake")
def test_the_bare_view_inserts_the_row_without_ledger_or_audit(cast, client_for):
    reporter = client_for("reporter")  # signing in is audited: count after it
    audit_before, ledger_before = AuditEvent.objects.count(), PswpTransition.objects.count()
    response = reporter.post(f"/{BARE_INTAKE_PATH}", json.dumps(_body(cast)), content_type="application/json")
    assert response.status_code == 201, response.content
    report = EventReport.objects.get(pk=response.json()["id"])
    assert report.narrative.startswith("Synthetic load-test narrative")
    assert (report.reporter, report.provider, report.pswp_status) == (
        cast.users["reporter"],
        cast.orgs["p1"],
        "candidate",
    )
    assert report.history.count() == 1  # the model's own history row is part of the row
    assert (AuditEvent.objects.count(), PswpTransition.objects.count()) == (audit_before, ledger_before)


@override_settings(ROOT_URLCONF="openpso.testing.bare_intake")
def test_the_bare_view_is_refused_when_nobody_signed_in(cast, client):
    response = client.post(f"/{BARE_INTAKE_PATH}", json.dumps(_body(cast)), content_type="application/json")
    assert response.status_code == 401


def test_the_load_settings_are_refused_when_the_environment_is_production(tmp_path):
    env = {
        **os.environ,
        "OPENPSO_ENV": "production",
        "OPENPSO_SECRET_KEY": "x" * 50,
        "OPENPSO_KEYS_DIR": str(tmp_path / "keys"),
        "OPENPSO_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-c", "import openpso.testing.load_settings"], env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "never for production" in done.stderr
