"""Every kind of feedback PDF is tagged for assistive technology (PDF/UA-1, as far as we check it).

Opened with pikepdf, each PDF must say it is tagged (/MarkInfo /Marked true), carry a structure
tree whose headings, tables (header cells linked to their data cells) and figures (with
alternate text) follow the HTML, name its language and title (and ask viewers to show the
title), and identify itself as PDF/UA-1 in its XMP metadata. This is our check, not a veraPDF
validation: docs/analytics.md says what it does not cover.
"""

from __future__ import annotations

import html as html_text
import io
import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd  # type: ignore[import-untyped]
import pikepdf
import pytest

from openpso.analytics.charts import accessible
from openpso.demo.network import DEMO_HOSPITAL
from openpso.feedback.models import FeedbackReport, ReportKind, ReportStatus
from openpso.feedback.reports import actions as reports
from openpso.feedback.reports.document import ReportDocument, Section, Table, figure_of
from openpso.feedback.reports.pdf import charts_described, html_to_pdf
from openpso.feedback.tests.fixtures import ALL_PRODUCTS
from openpso.lake.refresh import refresh_lake
from openpso.lib.months import parse_month
from openpso.nonid.tests.pipeline_fixtures import build_pool
from openpso.organizations.models import MemberAgreement

PDFUA_PART = "{http://www.aiim.org/pdfua/ns/id/}part"
DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"


@dataclass
class Structure:
    tags: Counter[str] = field(default_factory=Counter)
    figure_alts: list[str] = field(default_factory=list)
    header_ids: set[bytes] = field(default_factory=set)
    data_cell_headers: list[list[bytes]] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)  # H1…H6 in reading order


def walk(element: pikepdf.Dictionary, found: Structure) -> None:
    tag = str(element.get("/S", ""))
    if tag:
        found.tags[tag] += 1
    if tag == "/Figure":
        found.figure_alts.append(str(element.get("/Alt", "")))
    if tag == "/TH" and "/ID" in element:
        found.header_ids.add(bytes(element.ID))
    if tag == "/TD":
        attributes = element.get("/A", pikepdf.Dictionary())
        found.data_cell_headers.append([bytes(h) for h in attributes.get("/Headers", [])])
    if tag in {"/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}:
        found.headings.append(tag[1:])
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/OBJR":
            walk(kid, found)


def tagged_structure(pdf: bytes, *, title: str) -> Structure:
    """Assert the document-level PDF/UA markers and return what the structure tree holds."""
    document = pikepdf.open(io.BytesIO(pdf))
    root = document.Root
    marked, show_title = root.MarkInfo.Marked, root.ViewerPreferences.DisplayDocTitle
    assert isinstance(marked, bool)
    assert marked
    assert str(root.Lang) == "en"
    assert isinstance(show_title, bool)
    assert show_title
    assert str(document.docinfo.Title) == title
    with document.open_metadata() as xmp:
        assert xmp[PDFUA_PART] == "1"
        assert xmp[DC_TITLE] == title
    tree = root.StructTreeRoot
    assert tree.Type == "/StructTreeRoot"
    found = Structure()
    walk(tree.K[0], found)
    assert found.tags["/Document"] == 1
    return found


def assert_tables_linked(found: Structure) -> None:
    """Every data cell names the header cells of its column (how a screen reader reads a row)."""
    assert found.tags["/Table"] >= 1
    assert found.tags["/TH"] >= 1
    assert found.data_cell_headers
    for headers in found.data_cell_headers:
        assert headers, "a data cell without its column header"
        assert set(headers) <= found.header_ids


def assert_headings_in_order(found: Structure) -> None:
    """One H1 first; no heading level skipped on the way down."""
    assert found.headings[0] == "H1"
    assert found.headings.count("H1") == 1
    level = 1
    for heading in found.headings[1:]:
        assert int(heading[1]) <= level + 1, found.headings
        level = int(heading[1])


def heading_of(html: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", html)
    assert match is not None
    return html_text.unescape(match.group(1))


SVG = accessible(
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200">'
    '<rect x="10" y="20" width="120" height="170" fill="#0b5cad"/></svg>',
    title="Falls per 1,000 patient-days",
    description="u chart of 2 months; September is above the upper limit.",
)


class FakePanel:
    id, title, svg, caption, suppressed = "rate", "Falls per 1,000 patient-days", SVG, "u chart.", False
    table = pd.DataFrame({"month": ["2026-08", "2026-09"], "n": [12, 15]})


def test_a_printed_report_is_a_tagged_pdf_with_its_headings_tables_and_described_charts():
    doc = ReportDocument(
        kind="provider_monthly",
        title="Monthly safety report: Example Hospital",
        organisation="Example Hospital",
        month="2026-09",
        confidentiality="Confidential.",
        sections=[
            Section("rates", "Your rates and control charts", figures=[figure_of(FakePanel())]),
            Section(
                "actions", "Your actions", tables=[Table("Actions", ["action", "status"], [["Bed alarms", "done"]])]
            ),
        ],
    )
    found = tagged_structure(
        html_to_pdf(reports.render_pdf_html(doc)), title="Monthly safety report: Example Hospital · 2026-09"
    )
    assert found.headings == ["H1", "H2", "H2", "H2"]  # title, contents, two sections (the chart prints its own title)
    assert_tables_linked(found)
    assert found.tags["/TD"] == 4 + 2  # the chart's data and the actions
    assert found.tags["/Caption"] >= 3  # the figure's caption and each table's
    assert found.figure_alts == [
        "Falls per 1,000 patient-days. u chart of 2 months; September is above the upper limit."
    ]


def test_a_chart_without_a_longer_description_keeps_its_title_as_alternate_text():
    once = accessible('<svg xmlns="http://www.w3.org/2000/svg"></svg>', title="Harm", description="Harm")
    assert charts_described(once) == once
    described = charts_described(SVG)
    assert (
        ">Falls per 1,000 patient-days. u chart of 2 months; September is above the upper limit.</title>" in described
    )
    assert "<desc " in described  # the web page's description stays for the SVG itself


@pytest.mark.django_db
def test_every_kind_of_feedback_pdf_is_tagged_from_a_real_pool():
    pool = build_pool(events=300)
    refresh_lake()
    hospital = pool.network.providers[DEMO_HOSPITAL.slug]
    system = pool.network.systems[DEMO_HOSPITAL.system or ""]
    for agreement in MemberAgreement.objects.all():
        agreement.feedback_products = ALL_PRODUCTS
        agreement.save(update_fields=["feedback_products"])
    kinds = {
        ReportKind.PROVIDER_MONTHLY: hospital,
        ReportKind.REPORTER_DIGEST: hospital,
        ReportKind.SYSTEM: system,
        ReportKind.PSO_LEARNING: pool.pso,
    }
    assert set(kinds) == set(ReportKind)  # a new kind of report must be added here
    for kind, org in kinds.items():
        report = FeedbackReport.objects.create(kind=kind, organization=org, period=parse_month("2025-12"))
        done = reports.generate(report.pk)
        assert done.status == ReportStatus.DONE
        html = done.html  # the same body as the PDF's HTML (report_pdf.html includes it)
        found = tagged_structure(bytes(done.pdf), title=f"{heading_of(html)} · 2025-12")
        assert_headings_in_order(found)
        charts = html.count('role="img"')
        assert len(found.figure_alts) == charts, kind
        assert all(alt.strip() for alt in found.figure_alts), kind
        if "<table" in html:
            assert_tables_linked(found)
        if kind != ReportKind.REPORTER_DIGEST:
            assert charts >= 1, kind
