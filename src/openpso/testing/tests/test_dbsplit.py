"""The PostgreSQL pass keeps every test that can depend on the database backend."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from openpso.testing.dbsplit import needs_database


def _item(
    tmp_path: Path, source: str, fixtures: tuple[str, ...] = (), marked: bool = False, browser: bool = False
) -> Any:
    module = tmp_path / "test_example.py"
    module.write_text(source, encoding="utf-8")
    return SimpleNamespace(
        path=module,
        fixturenames=("_fresh_cache", "request", *fixtures),
        get_closest_marker=lambda name: (
            object() if (marked and name == "django_db") or (browser and name == "browser") else None
        ),
    )


def test_a_pure_function_test_is_left_to_the_first_pass(tmp_path: Path) -> None:
    assert not needs_database(_item(tmp_path, "def test_x():\n    assert 1 + 1 == 2\n"), {})


@pytest.mark.parametrize("fixture", ["db", "transactional_db", "live_server"])
def test_a_test_asking_for_the_database_is_kept(tmp_path: Path, fixture: str) -> None:
    assert needs_database(_item(tmp_path, "def test_x(): pass\n", fixtures=(fixture,)), {})


def test_a_django_db_mark_is_kept(tmp_path: Path) -> None:
    assert needs_database(_item(tmp_path, "def test_x(): pass\n", marked=True), {})


@pytest.mark.parametrize(
    "source",
    [
        "import subprocess\n",
        "from django.core.management import call_command\n",
        "from django.db import connection\n",
        "import os\nURL = os.environ['DATABASE_URL']\n",
    ],
)
def test_a_module_that_can_reach_the_database_by_other_ways_is_kept(tmp_path: Path, source: str) -> None:
    assert needs_database(_item(tmp_path, source + "def test_x(): pass\n"), {})


def test_a_browser_story_is_left_to_the_first_pass_though_it_uses_the_database(tmp_path: Path) -> None:
    story = _item(tmp_path, "def test_x(): pass\n", fixtures=("live_server",), marked=True, browser=True)
    assert not needs_database(story, {})
