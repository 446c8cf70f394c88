"""pytest plugin (`-p openpso.testing.dbsplit`): `--database-tests-only` runs only the tests whose
outcome can depend on the database backend.

`make test` runs the suite twice, on SQLite and on PostgreSQL. A test that never touches the
database (the de-identification engine, the statistics, the lake on DuckDB, template filters)
gives the same answer on both, so the PostgreSQL pass skips it and the suite's time goes to
what the second backend can actually break.

A test counts as database-dependent when it asks for the database (a `django_db` mark or one
of pytest-django's database fixtures, `live_server` included) or when its module could reach
a database some other way: it starts processes (which read `DATABASE_URL`), calls management
commands, or names the backend. pytest-django refuses database access to any other test, so
what is skipped cannot have touched the database in-process.

The browser stories (`browser` mark) are left to the first pass as well: they drive, through
Chromium, the same views and actions that the Django-client tests run on PostgreSQL, so what
the second backend could break in them is already exercised there; they are the suite's slowest
tests (57 stories, about 190 s of the pass on two cores).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

_DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)
# Words in a test module that mean it may reach a database without asking pytest-django.
_REACHES_DATABASE = re.compile(
    r"subprocess|Popen|DATABASE_URL|postgres|connection|call_command|django_db_blocker|run_cli|openpso\.cli"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        default=False,
        help="run only the tests whose outcome can depend on the database backend, browser stories "
        "excepted (the PostgreSQL pass)",
    )


def _module_reaches_database(path: Path, cache: dict[Path, bool]) -> bool:
    if path not in cache:
        try:
            cache[path] = bool(_REACHES_DATABASE.search(path.read_text(encoding="utf-8")))
        except OSError:
            cache[path] = True
    return cache[path]


def needs_database(item: pytest.Item, cache: dict[Path, bool]) -> bool:
    if item.get_closest_marker("browser") is not None:
        return False
    if item.get_closest_marker("django_db") is not None:
        return True
    if _DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        return True
    return _module_reaches_database(Path(item.path), cache)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--database-tests-only"):
        return
    cache: dict[Path, bool] = {}
    kept: list[pytest.Item] = []
    skipped: list[pytest.Item] = []
    for item in items:
        (kept if needs_database(item, cache) else skipped).append(item)
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = kept
