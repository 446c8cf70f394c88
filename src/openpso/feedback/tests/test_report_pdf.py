"""The monthly provider report as a PDF: real pages with ink on them, the provider's name and every
section title in the text, charts drawn inline, and nothing fetched while printing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd  # type: ignore[import-untyped]
import pytest

from openpso.demo.network import DEMO_HOSPITAL
from openpso.feedback.models import FeedbackReport, ReportKind, ReportStatus
from openpso.feedback.reports import actions as reports
from openpso.feedback.reports.document import ReportDocument, Section, Table, figure_of
from openpso.feedback.reports.pdf import html_to_pdf, local_only_fetcher
from openpso.feedback.tests.fixtures import ALL_PRODUCTS
from openpso.lake.refresh import refresh_lake
from openpso.lib.months import parse_month
from openpso.nonid.models import ProviderPseudonym
from openpso.nonid.tests.pipeline_fixtures import build_pool
from openpso.organizations.models import MemberAgreement

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" role="img" aria-label="bars">'
    '<rect x="10" y="20" width="120" height="170" fill="#0b5cad"/><rect x="150" y="80" width="120" height="110"'
    ' fill="#a4161a"/></svg>'
)


class FakePanel:
    id, title, svg, caption, suppressed = "rate", "Events per 1,000 patient-days", SVG, "u chart.", False
    table = pd.DataFrame({"month": ["2026-08", "2026-09"], "n": [12, 15], "rate": [1.5, float("nan")]})


def pgm_ink(path: Path) -> float:
    """Share of pixels darker than light grey in a binary PGM (P5) page image."""
    data = path.read_bytes()
    fields: list[bytes] = []
    at = 0
    while len(fields) < 4:  # magic, width, height, maxval; whitespace-separated
        while data[at : at + 1].isspace():
            at += 1
        end = at
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[at:end])
        at = end
    assert fields[0] == b"P5"
    width, height = int(fields[1]), int(fields[2])
    pixels = data[at + 1 : at + 1 + width * height]
    return sum(1 for value in pixels if value < 200) / (width * height)


def pages_and_text(pdf: bytes, tmp_path: Path) -> tuple[list[float], str]:
    """Grey-level page images (and one PNG, as CI's pdftoppm makes them) and the text of the PDF."""
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    poppler = ["pdftoppm", "-r", "50"]
    subprocess.run([*poppler, "-gray", str(source), str(tmp_path / "page")], check=True)  # noqa: S603
    subprocess.run([*poppler, "-png", "-f", "1", "-l", "1", str(source), str(tmp_path / "png")], check=True)  # noqa: S603
    assert sorted(tmp_path.glob("png*.png"))
    text = subprocess.run(["pdftotext", str(source), "-"], check=True, capture_output=True, text=True)  # noqa: S603, S607
    return [pgm_ink(p) for p in sorted(tmp_path.glob("page*.pgm"))], text.stdout


def test_the_fetcher_refuses_everything_but_data_urls():
    fetcher = local_only_fetcher()
    with pytest.raises(ValueError, match="fetch nothing"):
        fetcher.fetch("https://example.org/logo.png")
    with pytest.raises(ValueError, match="fetch nothing"):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.refused == ["https://example.org/logo.png", "file:///etc/passwd"]


@needs_poppler
def test_a_document_prints_with_its_chart_table_and_titles(tmp_path):
    doc = ReportDocument(
        kind="provider_monthly",
        title="Monthly safety report: Example Hospital",
        organisation="Example Hospital",
        month="2026-09",
        confidentiality="Confidential.",
        sections=[
            Section("rates", "Your rates and control charts", figures=[figure_of(FakePanel())]),
            Section("actions", "Your actions and their measured effect", tables=[Table("None", ["a"], [["b"]])]),
        ],
    )
    html = reports.render_pdf_html(doc) + '<img src="https://example.org/x.png">'
    ink, text = pages_and_text(html_to_pdf(html), tmp_path)
    assert len(ink) == 3  # the cover with its contents, then each section on a page of its own
    assert all(share > 0.002 for share in ink), ink
    assert ink[1] > 0.03  # the chart's bars
    assert "Example Hospital" in text
    assert "Your actions and their measured effect" in text


@needs_poppler
@pytest.mark.django_db
def test_a_providers_monthly_pdf_looks_right(tmp_path):
    pool = build_pool(events=300)
    refresh_lake()
    hospital = pool.network.providers[DEMO_HOSPITAL.slug]
    report = FeedbackReport.objects.create(
        kind=ReportKind.PROVIDER_MONTHLY, organization=hospital, period=parse_month("2025-12")
    )
    steps: list[int] = []
    done = reports.generate(report.pk, echo=lambda percent, _: steps.append(percent))
    assert done.status == ReportStatus.DONE
    assert done.progress == 100
    assert steps == sorted(steps)
    assert steps[0] == 5
    assert steps[-1] == 85
    ink, text = pages_and_text(bytes(done.pdf), tmp_path)
    assert len(ink) >= 4
    assert all(share > 0.002 for share in ink), ink
    for words in (
        hospital.name,
        "Your rates and control charts",
        "Peers (non-identified, suppressed)",
        "Top contributing factors",
        "Your actions and their measured effect",
        "What the PSO learned this month",
        "What changed because you reported",
    ):
        assert words in " ".join(text.split()), words
    assert "<svg" in done.html
    # The actions the hospital shared with the PSO are drawn with its actions, not among its rates.
    actions_at = done.html.index("Your actions and their measured effect</h2>")
    assert done.html.index("Your actions on these events") > actions_at


@pytest.mark.django_db
def test_the_system_and_learning_reports_generate_from_a_real_pool():
    pool = build_pool(events=300)
    refresh_lake()
    system = pool.network.systems[DEMO_HOSPITAL.system or ""]
    for agreement in MemberAgreement.objects.all():
        agreement.feedback_products = ALL_PRODUCTS
        agreement.save(update_fields=["feedback_products"])
    for kind, org in ((ReportKind.SYSTEM, system), (ReportKind.PSO_LEARNING, pool.pso)):
        report = FeedbackReport.objects.create(kind=kind, organization=org, period=parse_month("2025-12"))
        done = reports.generate(report.pk)
        assert done.status == ReportStatus.DONE
        assert bytes(done.pdf).startswith(b"%PDF")
        assert org.name in done.html
        assert "What the PSO learned this month" in done.html
    system_html = FeedbackReport.objects.get(kind=ReportKind.SYSTEM).html
    assert "Safety alerts: affiliates&#x27; responses" in system_html
    assert "System total" in system_html  # the affiliates' pooled rates, together
    codes = ProviderPseudonym.objects.filter(pso=pool.pso).values_list("code", flat=True)
    assert not [code for code in codes if code in system_html]  # no pool code beside the names (issue 14 item 6)
    learning = FeedbackReport.objects.get(kind=ReportKind.PSO_LEARNING).html
    assert "P-" not in learning  # no provider pseudonym reaches the members' copy of the pool
