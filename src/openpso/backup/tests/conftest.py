"""Fixtures for the backup drills: data made through the real actions, and a fresh target."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.test import override_settings

from openpso.backup.postgres import libpq_env
from openpso.lake.refresh import refresh_lake
from openpso.reporting.models import EventReport
from openpso.submissions.push.actions import Channel, submit_events
from openpso.submissions.tests.helpers import file
from openpso.testing.cast import Cast


@dataclass
class Fresh:
    """Where a restore goes: its own data dir, keys dir and database, as a second installation."""

    env: dict[str, str]
    data_dir: Path
    keys_dir: Path
    database: str  # the SQLite file, or the PostgreSQL database name

    def openpso(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "openpso.cli", *args]
        return subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """The original installation's data dir: this test's own, so its lake holds only this test's files."""
    folder = tmp_path / "data"
    with override_settings(DATA_DIR=folder):
        yield folder


@pytest.fixture
def filed(cast: Cast, data_dir: Path) -> list[EventReport]:
    """Reports filed and submitted through the actions the pages and the API call, then pooled."""
    manager = cast.users["safety_manager"]
    reports = [file(manager, narrative=f"Fell near the bed. DRILL-NARRATIVE-{n}") for n in range(3)]
    submit_events(event_ids=[str(r.pk) for r in reports], provider_ids=[cast.orgs["p1"].pk], channel=Channel())
    refresh_lake()
    return reports


def _admin_connection() -> psycopg.Connection[Any]:
    params = {**connection.get_connection_params(), "dbname": "postgres", "autocommit": True}
    return psycopg.connect(**params)


@pytest.fixture
def make_fresh(tmp_path: Path) -> Iterator[Callable[[str], Fresh]]:
    """Fresh installations by name: a data dir, a keys dir and an empty database each
    (a new SQLite file, or a new database on the same PostgreSQL server, dropped afterwards)."""
    databases: list[str] = []

    def make(name: str) -> Fresh:
        data_dir, keys_dir = tmp_path / f"{name}-data", tmp_path / f"{name}-keys"
        env = {
            **os.environ,
            "OPENPSO_ENV": "test",
            "OPENPSO_DATA_DIR": str(data_dir),
            "OPENPSO_KEYS_DIR": str(keys_dir),
        }
        if connection.vendor == "sqlite":
            database = str(data_dir / "openpso.sqlite3")
            return Fresh({**env, "DATABASE_URL": f"sqlite:///{database}"}, data_dir, keys_dir, database)
        database = f"openpso_{name}_{secrets.token_hex(4)}"
        with _admin_connection() as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        databases.append(database)
        pg = libpq_env({**connection.settings_dict, "NAME": database})
        url = f"postgres://{pg.get('PGUSER', '')}@{pg.get('PGHOST', '')}:{pg.get('PGPORT', '5432')}/{database}"
        return Fresh({**env, **pg, "DATABASE_URL": url}, data_dir, keys_dir, database)

    yield make
    if databases:
        with _admin_connection() as admin:
            for database in databases:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def fresh(make_fresh: Callable[[str], Fresh]) -> Fresh:
    return make_fresh("restored")
