"""Issue 15 item 3: safety alerts and feedback reports are PSWP the PSO developed (42 CFR 3.20,
PSWP para (1)(i)(B)), and say so on their pages, in the alert-status CSV and in the report PDF."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import pytest

from openpso.analytics.engine import Lake
from openpso.analytics.panels import available_months
from openpso.analytics.tests.dashboard_lake import cast_lake, small_lake  # noqa: F401
from openpso.feedback.models import ReportKind
from openpso.feedback.tests.fixtures import cast_reports, cast_targets
from openpso.feedback.tests.test_report_release import generate

pytestmark = pytest.mark.django_db
ALERT = 'data-pswp-label="pso_developed">PSWP: developed by the PSO for reporting to providers'
REPORT = (
    "PSWP: developed by the PSO, released under release/1; not labelled non-identified (42 CFR 3.212); "
    "identifies the provider (42 CFR 3.20, PSWP para (1)(i)(B))"
)


def test_the_alert_pages_for_the_pso_and_the_member_carry_the_label(cast, client_for):
    target = cast_targets(cast)["p1"]
    analyst = client_for("pso_analyst")
    assert ALERT in analyst.get(f"/feedback/alerts/{target.alert.pk}/").content.decode()
    assert ALERT in analyst.get("/feedback/alerts/").content.decode()
    assert ALERT in client_for("safety_manager").get(f"/feedback/inbox/{target.pk}/").content.decode()


def test_each_row_of_the_alert_status_csv_carries_the_label(cast, client_for):
    target = cast_targets(cast)["p1"]
    text = client_for("pso_analyst").get(f"/feedback/alerts/{target.alert.pk}/status.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2  # p1 and p2
    expected = "PSWP: developed by the PSO; identifies the provider (42 CFR 3.20, PSWP para (1)(i)(B))"
    assert {row["pswp_status"] for row in rows} == {expected}


def test_the_report_list_has_a_pswp_status_column(cast, client_for):
    cast_reports(cast)
    body = client_for("safety_manager").get("/feedback/reports/").content.decode()
    assert '<th scope="col">PSWP status</th>' in body
    assert "PSWP: developed by the PSO; identifies the provider" in body


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_a_generated_report_prints_its_label_on_the_page_and_in_the_pdf(cast, cast_lake, tmp_path):  # noqa: F811
    month = available_months(Lake(cast_lake))[-1]
    report = generate(cast, ReportKind.PROVIDER_MONTHLY, "p1", month)
    assert REPORT in report.html.replace('<span class="pswp-cite">', "").replace("</span>", "")
    source = tmp_path / "report.pdf"
    source.write_bytes(bytes(report.pdf))
    text = subprocess.run(["pdftotext", str(source), "-"], check=True, capture_output=True, text=True)  # noqa: S603, S607
    assert REPORT in " ".join(text.stdout.split())
