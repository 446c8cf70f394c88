"""The shape of a generated report: sections of figures (chart + table + caption) and plain tables.

A figure wraps an analytics `Panel` (openpso.analytics.panels): the same SVG, numbers and caption
as on the dashboards, so the PDF and the web page never disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

TABLE_ROWS = 24  # a printed table longer than this is cut; the full table is the dashboard's CSV


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]
    truncated: int = 0  # rows left out


@dataclass
class Figure:
    id: str
    title: str
    svg: str
    caption: str
    suppressed: bool
    table: Table


@dataclass
class Section:
    id: str
    title: str
    intro: str = ""
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ReportDocument:
    kind: str
    title: str
    organisation: str
    month: str
    confidentiality: str
    sections: list[Section]
    # What its pooled parts were released under (docs/decisions/0017): the line it prints, and
    # (profile, PeerRelease | None, determination) for `nonid.release.record_release`; empty for a
    # report with no pooled data.
    release_line: str = ""
    release: tuple[Any, Any, Any] | None = None
    # Its PSWP label (pswp.labels.feedback_report_label), set when the report is generated.
    pswp_label: Any = None


def cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def figure_of(panel: Any) -> Figure:
    """A Figure from an analytics Panel (id, title, svg, table DataFrame, caption, suppressed)."""
    frame = panel.table
    columns = [str(c) for c in frame.columns]
    rows = [[cell(v) for v in record] for record in frame.head(TABLE_ROWS).itertuples(index=False, name=None)]
    table = Table(
        caption="The numbers behind the chart", columns=columns, rows=rows, truncated=max(0, len(frame) - TABLE_ROWS)
    )
    return Figure(
        id=panel.id,
        title=panel.title,
        svg=panel.svg,
        caption=panel.caption,
        suppressed=bool(panel.suppressed),
        table=table,
    )
