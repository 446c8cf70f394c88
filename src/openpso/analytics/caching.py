"""Built dashboards kept in Django's cache until the lake changes.

A dashboard is a few dozen queries and a dozen SVG renderings; its page, each panel's CSV and a
drill-down ask for the same one, so it is built once per (lake state, audience, scope, period)
and reused. The lake's state is the PSO's `LakeState.refreshed_at` together with the size and
modification time of every Parquet file (a synthetic or rebuilt lake changes files without a
refresh), so a stale dashboard is never served after the files change. The key holds the code's
stamp too (`CODE_STAMP`): the cache lives in files and outlasts a restart, so after an upgrade a
dashboard built by the old code (its labels, links, panels) would otherwise be served for a day.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

from django.core.cache import cache

import openpso
from openpso.analytics.engine import Lake
from openpso.lake.files import PART
from openpso.lake.models import LakeState
from openpso.organizations.models import Organization

T = TypeVar("T")
TIMEOUT = 24 * 3600  # a day; a changed lake changes the key long before
# What builds and labels a dashboard: the analytics package and the Common Formats labels it shows.
_CODE = [Path(__file__).parent, Path(__file__).parent.parent / "commonformats"]


def code_stamp() -> str:
    """The release and the size and time of every source file that builds a dashboard."""
    digest = hashlib.sha256(openpso.__version__.encode())
    for path in sorted(p for root in _CODE for p in root.rglob("*.py") if "tests" not in p.parts):
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:20]


CODE_STAMP = code_stamp()  # once per process: the code does not change under a running worker


def lake_stamp(lake: Lake, pso: Organization) -> str:
    refreshed = LakeState.objects.filter(pso=pso).values_list("refreshed_at", flat=True).first()
    digest = hashlib.sha256()
    for path in sorted([*lake.root.glob(f"*/*/{PART}"), *lake.root.glob(f"*/{PART}")]):
        stat = path.stat()
        digest.update(f"{path.relative_to(lake.root)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return f"{refreshed.isoformat() if refreshed else '-'}:{digest.hexdigest()[:20]}"


def cached(parts: tuple[Hashable, ...], stamp: str, build: Callable[[], T]) -> T:
    """`build()`'s result for these key parts and lake stamp, built at most once while it is cached."""
    key = "analytics:" + hashlib.sha256(repr((parts, stamp, CODE_STAMP)).encode()).hexdigest()
    found: T | None = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, TIMEOUT)
    return found
