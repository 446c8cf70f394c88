"""Crash drills: a real `openpso` command killed with SIGKILL mid-way, then run
again, must leave exactly what one uninterrupted run leaves.

A drill works on installations (`Site`): a data dir (the SQLite file and the lake), a keys dir
and a database — the SQLite file, or, when the suite runs on PostgreSQL (`DATABASE_URL`), a
database of its own on that server, made from a template. `prepare` makes two identical
installations from one seed (so both hold the same rows, ids and keys): the reference runs the
command once; the crashed one is killed by `kill_midway` at a point the test proves is mid-way,
then runs the same command again. The test then compares what `Site.call` reads from each.

Every command runs as its own process with the installation's environment, as an operator
would run it; the migrated base with the shared cast is made once per test process.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import importlib
import itertools
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

_MARK = "CRASH-DRILL-RESULT "
_CALL = f"""
import importlib, json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpso.settings")
import django
django.setup()
module, name = sys.argv[1].split(":")
result = getattr(importlib.import_module(module), name)(*sys.argv[2:])
print({_MARK!r} + json.dumps(result, sort_keys=True, default=str))
"""
_names = itertools.count(1)
_databases: list[str] = []


def _server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(sql: str) -> None:
    """Run one statement on the server's maintenance database (CREATE/DROP DATABASE)."""
    url = _server_url()
    assert url is not None
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]  # names made here, not input


@atexit.register
def _drop_databases() -> None:
    for name in _databases:
        with contextlib.suppress(psycopg.Error):
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Site:
    """One installation of OpenPSO: where `openpso` finds its data, keys and database."""

    root: Path
    database: str | None = None  # a PostgreSQL database name; None: SQLite in the data dir

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def lake_dir(self) -> Path:
        return self.data_dir / "lake"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            OPENPSO_DATA_DIR=str(self.data_dir),
            OPENPSO_KEYS_DIR=str(self.root / "keys"),
            DJANGO_SETTINGS_MODULE="openpso.settings",
            PYTHONUNBUFFERED="1",  # progress lines reach the watcher as they are written
        )
        env.pop("DATABASE_URL", None)
        url = _server_url()
        if self.database is not None and url is not None:
            env["DATABASE_URL"] = _with_database(url, self.database)
        return env

    def openpso(self, *args: str, timeout: float = 180) -> str:
        """Run `openpso ARGS` to the end; its output, or a failure showing it."""
        done = subprocess.run(  # noqa: S603 - our own command
            [sys.executable, "-m", "openpso.cli", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"openpso {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        """Start `openpso ARGS`; `env` adds variables (e.g. a test pause, openpso.lib.test_pause)."""
        return subprocess.Popen(  # noqa: S603 - our own command
            [sys.executable, "-m", "openpso.cli", *args],
            env={**self.env(), **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def call(self, target: str, *args: str, timeout: float = 180) -> Any:
        """Call `module:function` with string ARGS inside this installation; what it returns, as JSON."""
        done = subprocess.run(  # noqa: S603 - our own code
            [sys.executable, "-c", _CALL, target, *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith(_MARK)]
        if done.returncode != 0 or not lines:
            raise AssertionError(f"{target} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return json.loads(lines[-1].removeprefix(_MARK))

    def count(self, table: str) -> int:
        """Rows in `table` now, read straight from the database while a command writes to it."""
        if self.database is None:
            with contextlib.closing(sqlite3.connect(self.data_dir / "openpso.sqlite3", timeout=20)) as conn:
                return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])  # noqa: S608 - a test's table
        url = _server_url()
        assert url is not None
        with psycopg.connect(_with_database(url, self.database)) as conn:
            row = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()  # type: ignore[arg-type]  # noqa: S608
            return int(row[0]) if row else 0

    def copy(self, root: Path) -> Site:
        """A second installation holding the same files, keys and rows."""
        shutil.copytree(self.root, root)
        if self.database is None:
            return Site(root)
        name = _new_database_name()
        _admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.database}"')
        return Site(root, name)


def _new_database_name() -> str:
    name = f"openpso_crash_{os.getpid()}_{next(_names)}"
    _databases.append(name)
    return name


def new_site(root: Path) -> Site:
    """An empty installation (no tables yet)."""
    root.mkdir(parents=True)
    if _server_url() is None:
        return Site(root)
    name = _new_database_name()
    _admin(f'CREATE DATABASE "{name}"')
    return Site(root, name)


@functools.cache
def _base() -> Site:
    """Migrated, with the shared test cast: made once per test process, copied by each drill."""
    root = Path(tempfile.mkdtemp(prefix="openpso-crash-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    site = new_site(root / "base")
    site.openpso("migrate", "--no-input", "-v", "0")
    site.call("openpso.testing.crash:build_cast")
    return site


def build_cast() -> dict[str, int]:
    from openpso.nonid.pseudonyms import key_fingerprint, provider_pseudonym
    from openpso.organizations.models import Organization, OrgKind
    from openpso.testing.cast import build_cast as build

    # The keys and the providers' pool codes exist before the installation is copied, as they do
    # in one that has run: else each copy would make its own event-key key and draw its own
    # random codes, and pool the same events under other keys and codes.
    key_fingerprint()
    orgs = build().orgs
    for provider in Organization.objects.filter(kind=OrgKind.PROVIDER, network__isnull=False):
        provider_pseudonym(provider)
    return {key: org.pk for key, org in orgs.items()}


def prepare(tmp_path: Path, *, seed: str | None = None) -> tuple[Site, Site]:
    """Two identical installations, the cast and `seed` (`module:function`) in each:
    (reference, crashed)."""
    seeded = _base().copy(tmp_path / "seeded")
    if seed is not None:
        seeded.call(seed)
    return seeded.copy(tmp_path / "reference"), seeded.copy(tmp_path / "crashed")


@dataclass
class Watch:
    """What a running command has shown so far: its output lines, and its installation."""

    site: Site
    lines: list[str] = field(default_factory=list)

    def printed(self, text: str) -> int:
        return sum(text in line for line in list(self.lines))


def kill_midway(
    site: Site, *args: str, when: Callable[[Watch], bool], timeout: float = 180, env: dict[str, str] | None = None
) -> Watch:
    """Start `openpso ARGS`, SIGKILL it as soon as `when(watch)` holds; fail if it ends first."""
    process = site.start(*args, env=env)
    watch = Watch(site)
    assert process.stdout is not None
    output = process.stdout

    def read() -> None:
        for line in output:  # each line as the command prints it (PYTHONUNBUFFERED)
            watch.lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    try:
        while not when(watch):
            if process.poll() is not None:
                reader.join(timeout=5)
                shown = "".join(watch.lines)
                raise AssertionError(f"openpso {' '.join(args)} ended before the kill point:\n{shown}")
            if time.monotonic() > deadline:
                raise AssertionError(f"openpso {' '.join(args)} did not reach the kill point in {timeout} s")
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=5)
    assert process.returncode == -signal.SIGKILL, f"ended by itself ({process.returncode}) before the kill"
    return watch


def snapshot(site: Site, state: str) -> dict[str, Any]:
    """What an installation holds, for comparing: `state` (`module:function`, run inside it)
    with the row count of every table, and the verdict of `openpso audit verify` on it."""
    return dict(site.call("openpso.testing.crash:_snapshot", state))


# Run inside an installation (through `Site.call`) -----------------------------------------------


def _snapshot(state: str) -> dict[str, Any]:
    from io import StringIO

    from django.apps import apps
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from openpso.audit.models import AuditEvent

    module, name = state.split(":")
    found = dict(getattr(importlib.import_module(module), name)())
    # Every table of every model: a stray row anywhere shows up.
    found["tables"] = {model._meta.db_table: model._default_manager.count() for model in apps.get_models()}
    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out)  # the command an operator runs
        found["audit_verify"] = out.getvalue().strip()
    except CommandError as exc:
        found["audit_verify"] = f"broken: {exc}"
    found["audit_events"] = AuditEvent.objects.count()
    return found


def rows(
    queryset: Iterable[Any], *, leave_out: Iterable[str] = (), natural: dict[str, Callable[[Any], Any]] | None = None
) -> list[Any]:
    """Each row's fields (decrypted, as the ORM reads them), sorted, for comparing two runs.

    `leave_out` names fields that must differ between two runs (say why at the call);
    `natural` replaces a field's value by one that does not (e.g. an id by what it names).
    """
    skip, swap = set(leave_out), natural or {}
    found = []
    for row in queryset:
        values = {}
        for f in row._meta.concrete_fields:
            if f.name in skip:
                continue
            values[f.name] = swap[f.name](row) if f.name in swap else f.value_from_object(row)
        found.append(json.dumps(values, sort_keys=True, default=str))
    return sorted(found)


def assert_same(got: dict[str, Any], expected: dict[str, Any]) -> None:
    """Two snapshots equal, part by part; on a difference, the rows only one of them has (not a
    long diff). The audit chain of each verifies, and so does its PSWP ledger."""
    for found in (got, expected):
        lines = found["audit_verify"].splitlines()
        assert lines[0] == f"audit chain intact: {found['audit_events']} events", found["audit_verify"]
        assert lines[1].startswith("PSWP ledger consistent: "), found["audit_verify"]
    assert got.keys() == expected.keys()
    for part in sorted(got):
        if got[part] == expected[part]:
            continue
        if isinstance(expected[part], list):
            only_got = [row for row in got[part] if row not in expected[part]]
            only_expected = [row for row in expected[part] if row not in got[part]]
            raise AssertionError(
                f"{part} differ ({len(got[part])} rows after the crash, {len(expected[part])} in one run):\n"
                f"only after the crash: {only_got[:3]}\nonly in one run: {only_expected[:3]}"
            )
        if isinstance(expected[part], dict):
            keys = got[part].keys() | expected[part].keys()
            pairs = {k: (got[part].get(k), expected[part].get(k)) for k in sorted(keys)}
            raise AssertionError(
                f"{part} differ (after the crash, in one run): { {k: v for k, v in pairs.items() if v[0] != v[1]} }"
            )
        raise AssertionError(f"{part} differ: {got[part]!r} after the crash, {expected[part]!r} in one run")
