"""Where the lake's files lie, and writing them so a reader never sees half a file.

`OPENPSO_DATA_DIR/lake/<pso slug>/`:

    events/month=YYYY-MM/part.parquet
    contributing_factors/month=YYYY-MM/part.parquet
    actions/month=YYYY-MM/part.parquet
    providers/part.parquet
    denominators/part.parquet

Each file is written to a temporary name beside it and moved into place with `os.replace`,
which is atomic: readers (DuckDB, a second refresh) see the old file or the new one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from django.conf import settings

PART = "part.parquet"
_TMP = ".tmp"
_MONTH_DIR = re.compile(r"month=(\d{4})-(\d{2})")


def lake_root() -> Path:
    return Path(settings.DATA_DIR) / "lake"


def lake_dir(pso_slug: str) -> Path:
    """The lake of one PSO: PSOs are separate legal entities, and their pools stay apart."""
    return lake_root() / pso_slug


def partition_path(root: Path, table: str, month: dt.date) -> Path:
    return root / table / f"month={month:%Y-%m}" / PART


def table_path(root: Path, table: str) -> Path:
    return root / table / PART


def months_on_disk(root: Path, table: str) -> set[dt.date]:
    folder = root / table
    if not folder.is_dir():
        return set()
    found = set()
    for child in folder.iterdir():
        match = _MONTH_DIR.fullmatch(child.name)
        if match and (child / PART).exists():
            found.add(dt.date(int(match.group(1)), int(match.group(2)), 1))
    return found


def read(path: Path) -> Any | None:
    return pq.read_table(path) if path.exists() else None


def write(table: Any, path: Path) -> None:
    """Write `table` to `path` atomically; an empty table removes the file instead."""
    if table.num_rows == 0:
        remove(path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}{_TMP}")
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.parent.rmdir()  # the month folder, when nothing else is in it


def sweep(root: Path) -> int:
    """Remove the temporary files of writers killed mid-file (SIGKILL, power loss: `write`'s
    `finally` never ran), with month folders they alone were in. Call holding `refresh_lock`,
    so no live writer's file is taken. Returns how many were removed."""
    left = list(root.rglob(f".{PART}.*{_TMP}")) if root.is_dir() else []
    for path in left:
        remove(path)
    return len(left)


def digest(table: Any) -> str:
    """A digest of a table's content (schema and rows), to skip rewriting what did not change."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


@contextlib.contextmanager
def refresh_lock() -> Iterator[None]:
    """One refresh at a time across processes (the task worker and `openpso lake refresh`)."""
    root = lake_root()
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / ".refresh.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
