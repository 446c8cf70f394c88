"""The lake's files: where they lie, what every row says about how it was made, and its keys."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from django.core.management import call_command

from openpso.lake import schema
from openpso.lake.aggregates import AGGREGATES
from openpso.lake.files import lake_dir
from openpso.lake.models import LakeEntry
from openpso.lake.refresh import refresh_lake
from openpso.nonid.pseudonyms import provider_pseudonym
from openpso.nonid.tests.pipeline_fixtures import build_pool

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[4] / "docs" / "lake.md"


@pytest.fixture
def pool():
    built = build_pool(events=40)
    refresh_lake()
    return built


def tables(root: Path) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(root.rglob("*.parquet")):
        found.setdefault(path.relative_to(root).parts[0], []).extend(pq.read_table(path).to_pylist())
    return found


def test_partitioned_tables_lie_in_one_folder_per_month(pool):
    root = lake_dir(pool.pso.slug)
    for name in schema.PARTITIONED:
        folders = [p.parent.name for p in root.glob(f"{name}/*/part.parquet")]
        assert folders, name
        assert all(re.fullmatch(r"month=\d{4}-\d{2}", f) for f in folders)
    assert (root / "providers" / "part.parquet").exists()


def test_each_row_of_a_partition_belongs_to_its_month(pool):
    root = lake_dir(pool.pso.slug)
    for path in root.glob("*/month=*/part.parquet"):
        months = set(pq.read_table(path, columns=["event_month"]).column("event_month").to_pylist())
        assert months == {path.parent.name.removeprefix("month=")}


def test_every_row_of_every_table_names_its_profile(pool):
    found = tables(lake_dir(pool.pso.slug))
    assert set(found) == {"events", "contributing_factors", "actions", "providers", *AGGREGATES}
    for name, rows in found.items():
        if name in AGGREGATES:  # counts over rows that each name their profile
            continue
        assert rows, name
        assert {row["profile"] for row in rows} == {"pso-pool/1"}, name


def test_files_carry_the_documented_schema(pool):
    root = lake_dir(pool.pso.slug)
    for name, expected in {**schema.PARTITIONED, "providers": schema.PROVIDERS, **AGGREGATES}.items():
        path = next(root.glob(f"{name}/**/part.parquet"))
        assert pq.read_schema(path).remove_metadata().equals(expected.remove_metadata()), name


def test_pseudonyms_are_neither_provider_ids_nor_names(pool):
    found = tables(lake_dir(pool.pso.slug))
    pseudonyms = {row["provider"] for row in found["events"]} | {row["provider"] for row in found["providers"]}
    providers = pool.network.providers.values()
    plain = {str(p.pk) for p in providers} | {p.name for p in providers} | {p.slug for p in providers}
    assert pseudonyms.isdisjoint(plain)
    assert {row["provider"] for row in found["providers"]} == {provider_pseudonym(p) for p in providers}


def test_event_keys_are_not_event_ids(pool):
    found = tables(lake_dir(pool.pso.slug))
    keys = {row["event_key"] for rows in found.values() for row in rows if "event_key" in row}
    ids = {str(s.event_id) for s in pool.submissions} | {s.event_id.hex for s in pool.submissions}
    assert keys
    assert not any(i in key.lower() or key.lower() in i for key in keys for i in ids)
    assert keys == set(LakeEntry.objects.values_list("event_key", flat=True))


def test_factors_and_actions_join_their_events(pool):
    found = tables(lake_dir(pool.pso.slug))
    keys = {row["event_key"] for row in found["events"]}
    assert {row["event_key"] for row in found["contributing_factors"]} <= keys
    assert {row["event_key"] for row in found["actions"]} <= keys
    action = found["actions"][0]
    assert (action["action_type"], action["strength"], action["due_month"]) == (
        "forcing_function",
        "stronger",
        "2025-02",
    )


def test_every_removal_record_is_kept_beside_the_lake(pool):
    records = list(LakeEntry.objects.values_list("removal_record", flat=True))
    assert len(records) == 40
    assert all(r["profile"] == "pso-pool/1" and r["fields"]["unit.name"] == "removed" for r in records)


def test_every_column_is_documented():
    text = DOCS.read_text()
    for name, table in {
        **schema.PARTITIONED,
        "providers": schema.PROVIDERS,
        "denominators": schema.DENOMINATORS,
        **AGGREGATES,
    }.items():
        assert f"### {name}" in text
        for column in table.names:
            assert f"| `{column}` |" in text, f"{name}.{column} is not in docs/lake.md"


def test_the_command_refreshes_with_a_summary_and_progress_on_stderr():
    build_pool(events=12)
    out, err = StringIO(), StringIO()
    call_command("lake", "refresh", stdout=out, stderr=err)
    assert "events: 12 added, 0 changed, 0 removed (12 in the lake)" in out.getvalue()
    assert "events/s" in out.getvalue()
    assert "de-identification" in out.getvalue()
    assert "12/12 events" in err.getvalue()
    status = StringIO()
    call_command("lake", "status", stdout=status)
    assert "demo-pso\trefreshed" in status.getvalue()
