from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent / "data" / "datix_like_export.csv"


@pytest.fixture
def keys_and_data(tmp_path, settings):
    """Uploaded exports go to a private data directory of the test."""
    settings.DATA_DIR = tmp_path
    return tmp_path


def sample_rows() -> tuple[list[str], list[list[str]]]:
    with open(SAMPLE, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def export_of(count: int, *, good_only: bool = True) -> bytes:
    """`count` rows in the sample's shape: its good rows again and again, each with its own Ref."""
    header, rows = sample_rows()
    template = rows[:6] if good_only else rows
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for n in range(count):
        row = list(template[n % len(template)])
        row[0] = f"W{20000 + n}"
        writer.writerow(row)
    return out.getvalue().encode("utf-8")
