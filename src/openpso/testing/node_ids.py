"""Every collected test has its own node id.

pytest 9 builds a test's id from its original name and its parametrization. Schemathesis names
each API operation's test `name[GET /path]` but gives it no parametrization, so all the
operations of one fuzz test shared one id, and pytest-xdist, which schedules and reports by id,
ran only the first of them: under `make test` the fuzzing checked 2 of its 58 operations.
"""

from __future__ import annotations

from typing import Any


def give_each_test_its_own_id(items: list[Any]) -> None:
    """Put a test's `[...]` suffix back into its id where pytest left it out; a duplicate id
    that remains stops the run (a UsageError naming it)."""
    import pytest

    seen: set[str] = set()
    for item in items:
        original = getattr(item, "originalname", None)
        name = item.name
        if original and name.startswith(original + "[") and name.endswith("]") and "[" not in item.nodeid:
            item._id = item.parent.id.child(original).with_params(name[len(original) + 1 : -1])
        if item.nodeid in seen:
            raise pytest.UsageError(f"two tests share the node id {item.nodeid}: pytest-xdist would run one of them")
        seen.add(item.nodeid)
