"""Synthetic lakes for the dashboard, view and browser tests.

`lake.synth.write_lake` draws its own random pseudonyms; a provider's page looks itself up by
`provider_pseudonym(org)` (its code in the PSO's table), so `adopt` renames chosen synthetic providers to the cast's
pseudonyms in every table that has a provider column (the raw tables and the aggregates alike).
A lake is written once per test session and copied into each test's data directory.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from openpso.lake import files
from openpso.lake.synth import PLANTED_HOSPITAL, write_lake

SMALL: dict[str, Any] = {"events": 20_000, "providers": 60, "seed": 7}
# Enough volume that the planted signals stand out of the noise (issue 7, "done when").
LARGE: dict[str, Any] = {"events": 80_000, "providers": 120, "seed": 11}


def providers_of(root: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(files.table_path(root, "providers")).to_pylist()
    return rows


def hospitals(root: Path) -> list[str]:
    """Hospital pseudonyms, the planted one first (its medication step is a known signal)."""
    found = [r["provider"] for r in providers_of(root) if r["provider_type"] == "hospital"]
    return sorted(found, key=lambda p: (p != PLANTED_HOSPITAL, p))


def adopt(root: Path, mapping: Mapping[str, str]) -> None:
    """Rename providers (synthetic pseudonym → cast pseudonym) in every file of the lake."""
    for path in sorted(root.rglob(files.PART)):
        table = pq.read_table(path)
        if "provider" not in table.column_names:
            continue
        index = table.column_names.index("provider")
        values = [mapping.get(v, v) for v in table.column("provider").to_pylist()]
        table = table.set_column(index, table.schema.field(index), pa.array(values, pa.string()))
        files.write(table, path)


@pytest.fixture(scope="session")
def small_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lakes") / "small"
    write_lake(root, **SMALL)
    return root


@pytest.fixture(scope="session")
def large_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lakes") / "large"
    write_lake(root, **LARGE)
    return root


def install(template: Path, pso_slug: str, mapping: Mapping[str, str] | None = None) -> Path:
    """Copy a lake to where the PSO's lake lives (settings.DATA_DIR), renaming providers."""
    target = files.lake_dir(pso_slug)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(template, target)
    if mapping:
        adopt(target, mapping)
    return target


def cast_mapping(template: Path, cast: Any) -> dict[str, str]:
    """The cast's providers of the first PSO (p1, p1b, p2) as three of the lake's hospitals."""
    from openpso.nonid.pseudonyms import provider_pseudonym

    chosen = hospitals(template)[:3]
    keys = ("p1", "p1b", "p2")
    return {synthetic: provider_pseudonym(cast.orgs[key]) for synthetic, key in zip(chosen, keys, strict=True)}


@pytest.fixture
def cast_lake(cast: Any, small_lake: Path, settings: Any, tmp_path: Path) -> Path:
    """The cast PSO's lake (`t-pso1`) with p1, p1b and p2 among its hospitals."""
    settings.DATA_DIR = tmp_path
    return install(small_lake, cast.orgs["pso1"].slug, cast_mapping(small_lake, cast))
