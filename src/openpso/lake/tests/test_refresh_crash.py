"""`openpso lake refresh` killed with SIGKILL after some month partitions are done, then run
again, leaves the lake one uninterrupted refresh leaves (issue 13, item 10): the same Parquet
rows in the same files, the same lake entries, and no stray file. A month's entries are saved
after its files, so a killed refresh redoes the months it had not finished. The killed refresh
scrubs on two worker processes (issue 14, item 7); they leave with it."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]

from openpso.lake.refresh import MONTH_PAUSE_ENV
from openpso.testing.crash import Site, Watch, assert_same, kill_midway, prepare, rows, snapshot

MONTHS, PER_MONTH = 4, 25
SEED = "openpso.lake.tests.test_refresh_crash:seed"
STATE = "openpso.lake.tests.test_refresh_crash:state"


def seed() -> dict[str, int]:
    """PER_MONTH complete reports in each of MONTHS months at t-p1, pushed to the PSO."""
    from django.utils import timezone

    from openpso.accounts.models import User
    from openpso.submissions.push.actions import ACCEPTED, Channel, submit_events
    from openpso.submissions.tests.helpers import file

    reporter = User.objects.get(email="reporter@cast.test")
    first = timezone.now().replace(day=1, hour=12, minute=0, second=0, microsecond=0)
    ids = []
    for _ in range(MONTHS):  # the MONTHS months before this one, days 2 to 21 of each
        first = (first - dt.timedelta(days=1)).replace(day=1)
        for n in range(PER_MONTH):
            ids.append(
                str(file(reporter, discovered_at=first + dt.timedelta(days=1 + n % 20), narrative=f"Fall {n}.").pk)
            )
    manager = User.objects.get(email="safety_manager@cast.test")
    provider_id = manager.memberships.get().organization_id
    sent = []
    for start in range(0, len(ids), 100):
        batch = ids[start : start + 100]
        # No refresh is queued (only openpso.flows does that); the test runs the command itself.
        sent += submit_events(event_ids=batch, provider_ids=[provider_id], channel=Channel(actor=manager))
    assert all(result.status == ACCEPTED for result in sent), {r.reason for r in sent}
    return {"submitted": len(sent)}


def state() -> dict[str, Any]:
    from openpso.lake.models import LakeEntry, LakeState

    return {
        # An entry's refreshed_at is the wall-clock time of the run; its submission id names the
        # same seeded submission in both installations (they were copied from one seed).
        "entries": rows(LakeEntry.objects.all(), leave_out=["id", "refreshed_at"]),
        # refreshed_at and last_summary (seconds taken, and what the last run did: after the kill
        # the second run rewrites the months the first had done) describe the run, not the lake.
        "state": rows(LakeState.objects.all(), leave_out=["id", "refreshed_at", "last_summary"]),
    }


def lake_contents(site: Site) -> dict[str, Any]:
    """Every file under the lake: a Parquet file by its rows (not its bytes), any other by name."""
    found: dict[str, Any] = {}
    for path in sorted(p for p in site.lake_dir.rglob("*") if p.is_file()):
        name = str(path.relative_to(site.lake_dir))
        found[name] = pq.read_table(path).to_pylist() if path.name.endswith(".parquet") else None
    return found


def processes_of(site: Site) -> set[int]:
    """Live processes running in `site` (its data dir in their environment): a forked worker
    inherits its parent's. A zombie counts as gone: it has exited, only its reaping is left."""
    marker = f"OPENPSO_DATA_DIR={site.data_dir}".encode()
    found = set()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if marker not in (proc / "environ").read_bytes().split(b"\0"):
                continue
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if state != "Z":
            found.add(int(proc.name))
    return found


def test_a_lake_refresh_killed_midway_then_run_again_leaves_the_lake_one_refresh_leaves(tmp_path: Path) -> None:
    reference, crashed = prepare(tmp_path, seed=SEED)
    command = ("lake", "refresh")
    reference.openpso(*command)
    total = reference.count("lake_lakeentry")
    assert total == MONTHS * PER_MONTH

    # A month's entries appear once its files are written: the kill comes after the first month,
    # during the test pause that follows it (without one, a fast machine finished all four months
    # between two looks at the table).
    running: set[int] = set()

    def first_month_done(watch: Watch) -> bool:
        if watch.site.count("lake_lakeentry") == 0:
            return False
        running.update(processes_of(crashed))  # the refresh and its workers, at the kill
        return True

    kill_midway(crashed, *command, when=first_month_done, env={MONTH_PAUSE_ENV: "5", "OPENPSO_LAKE_WORKERS": "2"})
    done_before = crashed.count("lake_lakeentry")
    assert 0 < done_before < total, f"the kill came at {done_before} of {total} lake entries, not mid-way"
    assert len(running) == 3, f"the refresh and two workers ran, not {len(running)} processes"
    deadline = time.monotonic() + 15
    while processes_of(crashed) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not processes_of(crashed), "a worker outlived the killed refresh"
    crashed.openpso(*command)

    expected, got = snapshot(reference, STATE), snapshot(crashed, STATE)
    assert_same(got, expected)
    wanted = lake_contents(reference)
    assert sum("/events/month=" in name for name in wanted) == MONTHS
    assert lake_contents(crashed) == wanted


def test_a_file_left_half_written_by_a_killed_refresh_is_removed_by_the_next(db: None) -> None:
    """A refresh killed inside `files.write` leaves its temporary file (the `finally` that
    removes it never runs); the next refresh, holding the lock, sweeps it away."""
    from openpso.lake.files import PART, lake_root
    from openpso.lake.refresh import refresh_lake

    month = lake_root() / "pso-of-the-sweep-test" / "events" / "month=2026-01"
    month.mkdir(parents=True)
    left = month / f".{PART}.99999.tmp"
    left.write_bytes(b"PAR1 half a file")

    refresh_lake()

    assert not left.exists()
    assert not month.exists(), "the month folder it alone was in stays behind"
