"""Concurrent appends must queue on the chain head, never fork the chain."""

import threading

import pytest
from django.db import connection

from openpso.audit import trail

from .conftest import record_one

WRITERS, EACH = 8, 10


def _write(start: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        start.wait()
        for n in range(EACH):
            record_one(object_id=str(n))
    except BaseException as error:  # reported by the test thread
        errors.append(error)
    finally:
        connection.close()


@pytest.mark.skipif(connection.vendor == "sqlite", reason="the in-memory test database is one connection")
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_starting_from_no_head_extend_one_unbroken_chain():
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_write, args=(start, errors)) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert trail.verify_chain() == trail.ChainVerdict(True, WRITERS * EACH, None, "")
