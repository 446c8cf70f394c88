"""The refresh scrubs free text on several worker processes (issue 14 item 7) and writes the lake
one process writes: the same Parquet rows and lake entries, month by month, with a bounded
number of chunks read ahead of the ones finished, and its progress reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from openpso.lake import refresh as refresh_module
from openpso.lake.files import lake_dir
from openpso.lake.models import LakeEntry
from openpso.lake.refresh import refresh_lake
from openpso.nonid.tests.pipeline_fixtures import build_pool, new_version
from openpso.organizations.models import Organization
from openpso.submissions.models import Submission

pytestmark = pytest.mark.django_db

CHUNK = 16  # events per chunk here, so a small pool makes many chunks across its months


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refresh_module, "BATCH", CHUNK)


def lake_rows(root: Path) -> dict[str, list[dict[str, Any]]]:
    """Every Parquet file of the lake by its rows."""
    return {str(path.relative_to(root)): pq.read_table(path).to_pylist() for path in sorted(root.rglob("*.parquet"))}


def entries(pso: Organization) -> list[tuple[Any, ...]]:
    query = LakeEntry.objects.filter(pso=pso).order_by("event_key")
    return list(query.values_list("event_key", "submission_id", "provider_id", "event_id", "month", "removal_record"))


def test_two_workers_write_the_rows_and_entries_one_process_writes() -> None:
    pool = build_pool(events=150)
    root = lake_dir(pool.pso.slug)
    one = refresh_lake(workers=1)
    assert (one.workers, one.added) == (1, 150)
    by_one = (lake_rows(root), entries(pool.pso))

    two = refresh_lake(full=True, workers=2)  # every partition rebuilt, on two workers

    assert (two.workers, two.changed) == (2, 150)
    assert lake_rows(root) == by_one[0]
    assert entries(pool.pso) == by_one[1]


def test_an_incremental_refresh_on_two_workers_leaves_what_a_rebuild_in_one_process_leaves() -> None:
    pool = build_pool(events=120)
    root = lake_dir(pool.pso.slug)
    refresh_lake(workers=2)
    for old in pool.submissions[:60:3]:  # new versions, spread over the months
        new_version(old, narrative=old.document["narrative"] + " Seen again by Dr. Quortle.")
    new_version(pool.submissions[50], event_month=dt.date(2023, 6, 1))  # moved to a month of its own
    Submission.objects.filter(pk=pool.submissions[60].pk).update(current=False)  # withdrawn

    incremental = refresh_lake(workers=2)
    assert incremental.workers == 2
    assert incremental.changed == 21
    assert incremental.removed == 1
    got = (lake_rows(root), entries(pool.pso))

    refresh_lake(full=True, workers=1)
    assert got == (lake_rows(root), entries(pool.pso))


def test_progress_counts_every_event_through_the_workers() -> None:
    build_pool(events=100)
    seen: list[tuple[int, int]] = []
    summary = refresh_lake(workers=2, progress=lambda done, total: seen.append((done, total)))
    assert summary.workers == 2
    assert seen[0] == (0, 100)
    assert seen[-1] == (100, 100)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) >= 100 // CHUNK  # once per chunk at least, not once at the end


def test_no_more_chunks_are_read_than_may_be_out_with_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory stays bounded: the refresh reads a chunk only when one comes back, at most
    2 × workers chunks ahead of the events it has finished."""
    build_pool(events=160)
    read = [0]
    versions = refresh_module._versions

    def counting(chunk: Any) -> Any:  # called once for each chunk read, in this process
        read[0] += len(chunk)
        return versions(chunk)

    monkeypatch.setattr(refresh_module, "_versions", counting)
    ahead: list[int] = []
    refresh_lake(workers=2, progress=lambda done, _: ahead.append(read[0] - done))
    assert read[0] == 160
    assert max(ahead) <= 2 * 2 * CHUNK


def test_a_refresh_of_one_chunk_or_less_runs_in_this_process() -> None:
    build_pool(events=CHUNK)
    assert refresh_lake(workers=2).workers == 1


def test_the_setting_chooses_the_number_of_workers(settings: Any) -> None:
    build_pool(events=3 * CHUNK)
    settings.LAKE_WORKERS = 2
    assert refresh_lake().workers == 2
