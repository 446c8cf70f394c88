"""Streaming the rows of a CSV or XLSX export, one at a time (never the whole file in memory).

Rows are numbered as a spreadsheet shows them: the header is row 1, the first event row 2.
Cells are text, stripped; an XLSX date cell becomes ISO 8601 text, so that a mapping reads
both formats alike. openpyxl is imported only when an XLSX is read (start-up stays fast).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from openpso.reporting.bulk_import import storage

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)


class UnreadableFile(ValueError):
    """The file is not a CSV or XLSX export we can read (the message says why)."""


def format_of(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise UnreadableFile("the file must be a .csv or an .xlsx export")
    return suffix


@dataclass
class Rows:
    """The header and an iterator of (row number, {column: text}) that reads as it goes."""

    header: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]


@contextlib.contextmanager
def open_rows(*, file_format: str, path: Path | None = None, stored: str | None = None) -> Iterator[Rows]:
    """The rows of a file on disk (`path`, the command line) or of an uploaded one (`stored`)."""
    if file_format == CSV:
        if path is not None:
            with open(path, "rb") as raw:
                yield _csv_rows(raw)
        else:
            assert stored is not None
            with storage.open_stream(stored) as stream:
                yield _csv_rows(stream)
    elif file_format == XLSX:
        if path is not None:
            yield from _xlsx_rows_of(path)
        else:
            assert stored is not None
            with storage.plaintext_copy(stored) as copy:
                yield from _xlsx_rows_of(copy)
    else:
        raise UnreadableFile("the file must be a .csv or an .xlsx export")


def _csv_rows(raw: BinaryIO) -> Rows:
    # Exports from Windows systems are often UTF-8 with a byte-order mark; a byte that is not
    # UTF-8 becomes U+FFFD rather than stopping the whole file.
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(text)
    header = [h.strip() for h in next(reader, [])]
    if not any(header):
        raise UnreadableFile("the file has no header row")

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            yield number, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header) if h}

    return Rows(header=[h for h in header if h], rows=rows())


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows_of(path: Path) -> Iterator[Rows]:
    import openpyxl  # lazily: only an XLSX import pays for it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for a damaged file
        raise UnreadableFile(f"cannot read it as an XLSX workbook ({exc.__class__.__name__})") from None
    try:
        sheet = book.worksheets[0]
        cells = sheet.iter_rows(values_only=True)
        header = [_cell(v) for v in next(cells, ())]
        if not any(header):
            raise UnreadableFile("the first sheet has no header row")

        def rows() -> Iterator[tuple[int, dict[str, str]]]:
            for number, values in enumerate(cells, start=2):
                texts = [_cell(v) for v in values]
                if not any(texts):
                    continue
                yield number, {h: (texts[i] if i < len(texts) else "") for i, h in enumerate(header) if h}

        yield Rows(header=[h for h in header if h], rows=rows())
    finally:
        book.close()
