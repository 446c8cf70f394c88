"""`openpso import --provider SLUG FILE.csv --mapping MAPPING.json [--dry-run]` (in process)."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from openpso.reporting.bulk_import import reader
from openpso.reporting.bulk_import.proposal import propose
from openpso.reporting.bulk_import.tests.conftest import SAMPLE
from openpso.reporting.models import EventReport

pytestmark = pytest.mark.django_db


def test_the_dry_run_lists_each_failing_row_and_imports_nothing_then_the_good_rows_import(
    cast, keys_and_data, tmp_path, capsys
):
    with reader.open_rows(file_format="csv", path=SAMPLE) as rows:
        mapping = propose(rows, source_system="datix").as_json()
    mapping_path = tmp_path / "datix.json"
    mapping_path.write_text(json.dumps(mapping))
    before = EventReport.objects.count()
    args = ["import", "--provider", cast.orgs["p1"].slug, str(SAMPLE), "--mapping", str(mapping_path)]
    with pytest.raises(CommandError, match="2 row"):
        call_command(*args, "--dry-run")
    printed = capsys.readouterr().out
    assert "row 8: Category: 'Catering' is not in the mapping's values" in printed
    assert "row 9: Ref:" in printed
    assert "dry run: 8 rows, 2 would fail; nothing was imported" in printed
    assert EventReport.objects.count() == before

    with pytest.raises(CommandError, match="2 row"):
        call_command(*args)
    assert "8 rows: 6 filed, 0 amended, 0 unchanged, 2 failed" in capsys.readouterr().out
    assert EventReport.objects.count() == before + 6
