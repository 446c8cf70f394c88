"""The mapping (JSON), its proposal from a Datix-like export, and reading CSV and XLSX alike."""

from __future__ import annotations

import datetime as dt

import pytest

from openpso.reporting.bulk_import import reader
from openpso.reporting.bulk_import.mapping import ImportMapping, MappingInvalid
from openpso.reporting.bulk_import.proposal import propose
from openpso.reporting.bulk_import.tests.conftest import SAMPLE, sample_rows


def test_the_proposal_reads_a_datix_like_header_and_its_words():
    with reader.open_rows(file_format="csv", path=SAMPLE) as rows:
        mapping = propose(rows, source_system="datix")
    assert mapping.columns == {
        "source_id": "Ref",
        "discovered_at": "Incident date",
        "discovered_time": "Time",
        "event_type": "Type",
        "categories": "Category",
        "narrative": "Description",
        "location_detail": "Exact location",
        "harm": "Severity",
        "patient_age_years": "Person age",
        "patient_sex": "Gender",
        "reporter_role": "Reporter job title",
    }
    assert mapping.values["event_type"] == {
        "Incident affecting patient": "A3",
        "Near miss": "A6",
        "Hazard / unsafe condition": "A9",
    }
    assert mapping.values["categories"]["Medical device / equipment"] == "A44"
    assert "Catering" not in mapping.values["categories"]  # no rule knows it: the dry run will list it
    assert mapping.values["harm"] == {"Low": "LA21150-0", "Moderate": "LA20749-0", "No harm": "LA21151-8"}
    assert mapping.date_format == "%d/%m/%Y"  # despite the 31/02 on row 9


def test_a_mapping_survives_its_json_and_names_each_problem():
    with reader.open_rows(file_format="csv", path=SAMPLE) as rows:
        mapping = propose(rows, source_system="datix")
    assert ImportMapping.from_json(mapping.as_json()) == mapping
    with pytest.raises(MappingInvalid) as caught:
        ImportMapping.from_json({"format": "x", "columns": {"narrative": "D", "colour": "C"}, "values": {"harm": []}})
    text = "; ".join(caught.value.problems)
    assert "format: must be" in text
    assert "source_system" in text
    assert "not report fields: colour" in text
    assert "source_id, event_type, categories, discovered_at" in text
    assert "values.harm" in text


def test_a_row_is_dated_in_the_mapping_format_with_its_time_column():
    mapping = ImportMapping(source_system="x", columns={}, date_format="%d/%m/%Y")
    assert mapping.when("03/02/2025", "14:20") == dt.datetime(2025, 2, 3, 14, 20)
    assert mapping.when("2025-02-03T14:20", "") == dt.datetime(2025, 2, 3, 14, 20)
    assert mapping.when("31/02/2025", "") is None
    assert mapping.when("03/02/2025", "25:99") is None


def test_an_xlsx_export_reads_as_the_same_rows_as_its_csv(tmp_path):
    import openpyxl

    header, rows = sample_rows()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        cells: list[object] = list(row)
        cells[8] = int(row[8]) if row[8] else None  # ages as numbers, as a spreadsheet holds them
        sheet.append(cells)
    path = tmp_path / "export.xlsx"
    book.save(path)
    with reader.open_rows(file_format="xlsx", path=path) as xlsx, reader.open_rows(file_format="csv", path=SAMPLE) as c:
        assert xlsx.header == c.header
        assert list(xlsx.rows) == list(c.rows)


def test_an_uploaded_export_is_stored_encrypted_and_read_back_in_chunks(keys_and_data, monkeypatch):
    from openpso.reporting.bulk_import import storage

    monkeypatch.setattr(storage, "CHUNK", 64)  # many chunks from a small file
    storage.store("x.csv.enc", [SAMPLE.read_bytes()])
    stored = storage.path_of("x.csv.enc").read_text()
    assert "Patient found on floor" not in stored
    assert len(stored.splitlines()) > 10
    with (
        reader.open_rows(file_format="csv", stored="x.csv.enc") as rows,
        reader.open_rows(file_format="csv", path=SAMPLE) as plain,
    ):
        assert list(rows.rows) == list(plain.rows)
