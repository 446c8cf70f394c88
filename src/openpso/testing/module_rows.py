"""Rows built once for a whole test module, under every test's own transaction.

pytest-django runs each database test in a transaction that is rolled back at its end. A module
fixture that builds its rows inside `module_transaction` puts them in an outer transaction, as
Django's `TestCase.setUpTestData` does: each test's transaction is then a savepoint in it, so a
test sees (and may change) the module's rows, what it changes is rolled back before the next
test, and the module's rows are rolled back after its last test. Use it where many tests would
otherwise build the same costly rows (a pool of submissions and its refreshed lake) one by one.

Files are the caller's business: what a test writes outside the database is not rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction


@contextmanager
def module_transaction(django_db_blocker: Any) -> Iterator[None]:
    """Open the outer transaction (the caller builds its rows under `django_db_blocker.unblock()`
    inside); roll it back when the module is done."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
