"""The API's per-caller rate windows in files (openpso.lib.api_throttle.WindowFiles)."""

from __future__ import annotations

import threading
from pathlib import Path

from openpso.lib.api_throttle import WindowFiles, _wait


def test_a_caller_gets_limit_requests_a_period_then_again_once_the_oldest_has_passed(tmp_path: Path) -> None:
    files = WindowFiles(tmp_path)
    taken = [files.take("user:1", now=100.0 + n, limit=3, period=60)[0] for n in range(4)]
    assert taken == [True, True, True, False]
    assert files.take("user:1", now=160.5, limit=3, period=60)[0]  # the request at 100 has left the window
    assert not files.take("user:1", now=160.6, limit=3, period=60)[0]


def test_each_caller_has_a_window_of_its_own(tmp_path: Path) -> None:
    files = WindowFiles(tmp_path)
    for n in range(2):
        files.take("user:1", now=100.0 + n, limit=2, period=60)
    assert not files.take("user:1", now=103.0, limit=2, period=60)[0]
    assert files.take("apikey:1", now=103.0, limit=2, period=60)[0]


def test_concurrent_requests_never_take_more_than_the_limit(tmp_path: Path) -> None:
    files = WindowFiles(tmp_path)
    results: list[bool] = []
    start = threading.Barrier(16)

    def one() -> None:
        start.wait()
        results.append(files.take("user:1", now=100.0, limit=5, period=60)[0])

    threads = [threading.Thread(target=one) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 5


def test_the_window_file_is_rewritten_in_place(tmp_path: Path) -> None:
    files = WindowFiles(tmp_path)
    files.take("user:1", now=100.0, limit=5, period=60)
    (path,) = tmp_path.iterdir()
    inode = path.stat().st_ino
    files.take("user:1", now=101.0, limit=5, period=60)
    assert [p.stat().st_ino for p in tmp_path.iterdir()] == [inode]
    assert path.stat().st_size == 2 * 8


def test_a_torn_file_counts_only_its_whole_entries(tmp_path: Path) -> None:
    files = WindowFiles(tmp_path)
    files.take("user:1", now=100.0, limit=5, period=60)
    (path,) = tmp_path.iterdir()
    path.write_bytes(path.read_bytes() + b"\x01\x02\x03")
    allowed, window = files.take("user:1", now=101.0, limit=5, period=60)
    assert allowed
    assert window == [101.0, 100.0]


def test_a_cleared_store_starts_afresh(tmp_path: Path) -> None:
    files = WindowFiles(tmp_path / "windows")
    files.take("user:1", now=100.0, limit=1, period=60)
    files.clear()
    assert files.take("user:1", now=101.0, limit=1, period=60)[0]


def test_the_wait_is_ninjas_the_time_until_the_oldest_request_leaves_the_window() -> None:
    assert _wait([130.0, 110.0, 100.0], now=140.0, limit=3, period=60) == 20.0
    assert _wait([], now=140.0, limit=3, period=60) == 15.0
