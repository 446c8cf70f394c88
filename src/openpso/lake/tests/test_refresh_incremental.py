"""The lake refreshes incrementally: only new, changed and withdrawn events, only their months."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from openpso.lake import refresh as refresh_module
from openpso.lake.aggregates import AGGREGATES, month_aggregates
from openpso.lake.files import lake_dir, table_path
from openpso.lake.models import LakeEntry, LakeState
from openpso.lake.refresh import refresh_lake
from openpso.lake.schema import CONTRIBUTING_FACTORS
from openpso.nonid.models import ProviderPseudonym
from openpso.nonid.pseudonyms import event_key, key_fingerprint, pool_keys_fingerprint
from openpso.nonid.tests.pipeline_fixtures import build_pool, new_version
from openpso.organizations.models import Denominator
from openpso.submissions.models import Submission
from openpso.testing.module_rows import module_transaction

pytestmark = pytest.mark.django_db
EVENTS = 48  # events in many months (the tests change events 0 to 10 and 40); each rebuild scrubs them all


@pytest.fixture(scope="module")
def first_refresh(django_db_setup, django_db_blocker, tmp_path_factory):
    """The pool and its first refresh, made once for the module: its rows stay under every
    test's own transaction (rolled back after each test) and its lake files are kept aside."""
    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            built = build_pool(events=EVENTS)
            refresh_lake()
            kept = tmp_path_factory.mktemp("refresh") / "lake"
            shutil.copytree(lake_dir(built.pso.slug), kept)
        yield built, kept


@pytest.fixture
def pool(first_refresh):
    """The pool just after its first refresh: each test gets the lake files as that refresh left them."""
    built, kept = first_refresh
    root = lake_dir(built.pso.slug)
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(kept, root)
    return built


def stamps(root: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: a rewritten file changes both."""
    return {str(p.relative_to(root)): (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(root.rglob("*.parquet"))}


def events_in(root: Path) -> list[dict[str, Any]]:
    return [row for path in sorted(root.glob("events/*/part.parquet")) for row in pq.read_table(path).to_pylist()]


def changed_files(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def month_dir(month: dt.date) -> str:
    return f"month={month:%Y-%m}"


def test_the_first_refresh_adds_every_current_event_once(pool):
    root = lake_dir(pool.pso.slug)
    rows = events_in(root)
    assert len(rows) == EVENTS
    assert len({row["event_key"] for row in rows}) == EVENTS
    assert LakeEntry.objects.filter(pso=pool.pso).count() == EVENTS
    assert LakeState.objects.get(pso=pool.pso).profile == "pso-pool/1"


def test_a_second_refresh_with_nothing_new_writes_nothing(pool):
    root = lake_dir(pool.pso.slug)
    before = stamps(root)
    summary = refresh_lake()
    assert (summary.added, summary.changed, summary.removed) == (0, 0, 0)
    assert (summary.partitions_written, summary.partitions_removed, summary.tables_written) == (0, 0, [])
    assert summary.events_in_lake == EVENTS
    assert stamps(root) == before


def test_a_changed_submission_rewrites_only_its_month(pool):
    root = lake_dir(pool.pso.slug)
    old = pool.submissions[10]
    before = stamps(root)
    new_version(old, narrative="Second look: the bed alarm was off.")
    summary = refresh_lake()
    assert (summary.added, summary.changed, summary.removed, summary.partitions_written) == (0, 1, 0, 1)
    assert {Path(name).parts[1] for name in changed_files(before, stamps(root))} == {month_dir(old.event_month)}
    (row,) = [r for r in events_in(root) if r["event_key"] == event_key(old.provider_id, old.event_id)]
    assert row["narrative"] == "Second look: the bed alarm was off."
    assert row["version_number"] == 2
    assert len(events_in(root)) == EVENTS


def test_a_superseded_version_leaves_the_lake(pool):
    root = lake_dir(pool.pso.slug)
    old = pool.submissions[3]
    key = event_key(old.provider_id, old.event_id)
    (before,) = [r for r in events_in(root) if r["event_key"] == key]
    new_version(old, narrative="Replaced wording entirely.")
    refresh_lake()
    texts = [r["narrative"] for r in events_in(root)]
    assert before["narrative"] not in texts
    assert LakeEntry.objects.get(event_key=key).submission_id != old.pk


def test_a_new_version_in_another_month_moves_the_event(pool):
    root = lake_dir(pool.pso.slug)
    old = pool.submissions[0]
    key = event_key(old.provider_id, old.event_id)
    target = dt.date(2023, 6, 1)  # a month no other event is in
    before = stamps(root)
    new_version(old, event_month=target)
    summary = refresh_lake()
    assert summary.partitions_written == 2
    months = {Path(name).parts[1] for name in changed_files(before, stamps(root))}
    assert months == {month_dir(old.event_month), month_dir(target)}
    assert [r["event_month"] for r in events_in(root) if r["event_key"] == key] == ["2023-06"]
    assert LakeEntry.objects.get(event_key=key).month == target


def test_an_event_with_no_current_version_is_removed(pool):
    root = lake_dir(pool.pso.slug)
    gone = pool.submissions[5]
    Submission.objects.filter(pk=gone.pk).update(current=False)
    summary = refresh_lake()
    assert (summary.removed, summary.events_in_lake) == (1, EVENTS - 1)
    assert event_key(gone.provider_id, gone.event_id) not in {r["event_key"] for r in events_in(root)}
    assert not LakeEntry.objects.filter(submission_id=gone.pk).exists()


def test_a_month_left_empty_loses_its_partition(pool):
    root = lake_dir(pool.pso.slug)
    old = pool.submissions[0]
    new_version(old, event_month=dt.date(2023, 6, 1))
    refresh_lake()
    lonely = Submission.objects.get(event_id=old.event_id, current=True)
    Submission.objects.filter(pk=lonely.pk).update(current=False)
    summary = refresh_lake()
    assert summary.partitions_removed == 1
    assert not (root / "events" / "month=2023-06").exists()


def test_a_refresh_stopped_after_writing_a_month_redoes_it_without_duplicates(pool, monkeypatch):
    root = lake_dir(pool.pso.slug)
    changed = [new_version(pool.submissions[i], narrative=f"Version two of event {i}.") for i in (1, 2, 40)]

    def crash(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(refresh_module._Refresh, "_record", crash)
    with pytest.raises(RuntimeError):
        refresh_lake()
    monkeypatch.undo()
    summary = refresh_lake()
    assert summary.changed == 3
    rows = events_in(root)
    assert len(rows) == len({r["event_key"] for r in rows}) == EVENTS
    assert {r["narrative"] for r in rows} >= {s.document["narrative"] for s in changed}


def test_a_new_engine_version_rebuilds_every_partition(pool):
    LakeState.objects.filter(pso=pool.pso).update(engine_version="openpso-deid 0.9")
    summary = refresh_lake()
    assert summary.rebuilt
    assert summary.changed == EVENTS
    assert summary.partitions_written == len(list(lake_dir(pool.pso.slug).glob("events/month=*")))
    assert len(events_in(lake_dir(pool.pso.slug))) == EVENTS


def test_a_lake_made_with_keyed_hash_pseudonyms_is_rebuilt_with_the_table_codes(pool):
    # A lake from before issue 14 item 6 recorded only the key's fingerprint (8 characters).
    LakeState.objects.filter(pso=pool.pso).update(key_fingerprint=key_fingerprint())
    root = lake_dir(pool.pso.slug)
    summary = refresh_lake()
    assert summary.rebuilt
    assert summary.changed == EVENTS
    assert LakeState.objects.get(pso=pool.pso).key_fingerprint == pool_keys_fingerprint()
    codes = set(ProviderPseudonym.objects.filter(pso=pool.pso).values_list("code", flat=True))
    assert {r["provider"] for r in events_in(root)} <= codes
    assert {r["provider"] for r in pq.read_table(table_path(root, "providers")).to_pylist()} == codes


def test_provider_codes_are_stable_across_refreshes(pool):
    root = lake_dir(pool.pso.slug)
    before = {r["event_key"]: r["provider"] for r in events_in(root)}
    refresh_lake(full=True)
    assert {r["event_key"]: r["provider"] for r in events_in(root)} == before
    assert ProviderPseudonym.objects.filter(pso=pool.pso).count() == len(pool.network.providers)


def test_a_full_refresh_rebuilds_and_keeps_the_same_keys(pool):
    root = lake_dir(pool.pso.slug)
    keys = {r["event_key"] for r in events_in(root)}
    summary = refresh_lake(full=True)
    assert summary.rebuilt
    assert {r["event_key"] for r in events_in(root)} == keys


def test_new_denominators_rewrite_the_denominator_table_only(pool):
    root = lake_dir(pool.pso.slug)
    before = stamps(root)
    provider = next(iter(pool.network.providers.values()))
    Denominator.objects.create(provider=provider, month=dt.date(2025, 4, 1), measure="patient_days", value=910)
    summary = refresh_lake()
    assert summary.tables_written == ["denominators"]
    assert changed_files(before, stamps(root)) == {"denominators/part.parquet"}
    (row,) = pq.read_table(root / "denominators" / "part.parquet").to_pylist()
    assert (row["month"], row["year"], row["measure"], row["value"]) == ("2025-04", 2025, "patient_days", 910)


def test_progress_is_reported_as_events_go_through(pool):
    calls = []
    for i in range(3):
        new_version(pool.submissions[i], narrative=f"Progress {i}.")
    refresh_lake(progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 3)
    assert calls[-1] == (3, 3)


def aggregates_on_disk(root: Path) -> dict[tuple[str, str], Any]:
    return {
        (name, path.parent.name): pq.read_table(path)
        for name in AGGREGATES
        for path in sorted(root.glob(f"{name}/month=*/part.parquet"))
    }


def aggregates_from_scratch(root: Path) -> dict[tuple[str, str], Any]:
    """What `month_aggregates` makes of each month's events and factors files now."""
    expected = {}
    for path in sorted(root.glob("events/month=*/part.parquet")):
        factors_path = root / "contributing_factors" / path.parent.name / "part.parquet"
        factors = pq.read_table(factors_path) if factors_path.exists() else CONTRIBUTING_FACTORS.empty_table()
        for name, table in month_aggregates(pq.read_table(path), factors).items():
            if table.num_rows:
                expected[(name, path.parent.name)] = table
    return expected


def assert_aggregates_match_the_events(root: Path) -> None:
    found, expected = aggregates_on_disk(root), aggregates_from_scratch(root)
    assert found.keys() == expected.keys()
    for key, table in expected.items():
        assert found[key].equals(table), key


def test_aggregates_follow_adds_moves_and_withdrawals(pool):
    root = lake_dir(pool.pso.slug)
    assert {name for name, _ in aggregates_on_disk(root)} == set(AGGREGATES)
    assert_aggregates_match_the_events(root)
    # A new version that moves an event to a month no other event is in, then a withdrawal.
    moved = pool.submissions[0]
    new_version(moved, event_month=dt.date(2023, 6, 1))
    new_version(pool.submissions[7], narrative="Changed wording only.")
    refresh_lake()
    assert (root / "agg_monthly" / "month=2023-06" / "part.parquet").exists()
    assert_aggregates_match_the_events(root)
    Submission.objects.filter(pk=pool.submissions[9].pk).update(current=False)
    lonely = Submission.objects.get(event_id=moved.event_id, current=True)
    Submission.objects.filter(pk=lonely.pk).update(current=False)
    refresh_lake()
    assert not (root / "agg_monthly" / "month=2023-06").exists()
    assert_aggregates_match_the_events(root)
    total = sum(t["n"].to_numpy().sum() for (name, _), t in aggregates_on_disk(root).items() if name == "agg_monthly")
    assert total == len(events_in(root)) == EVENTS - 2


def test_a_changed_event_keeps_its_lake_entry_which_now_names_the_new_version(pool):
    old = pool.submissions[5]
    before = LakeEntry.objects.get(submission=old)
    new = new_version(old, narrative="Third look: no injury.")
    refresh_lake()
    after = LakeEntry.objects.get(event_key=before.event_key)
    assert after.pk == before.pk
    assert after.submission_id == new.pk
    assert after.refreshed_at > before.refreshed_at
    assert LakeEntry.objects.filter(pso=pool.pso).count() == EVENTS
