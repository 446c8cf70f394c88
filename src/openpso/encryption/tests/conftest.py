import datetime as dt
from typing import Any

import pytest
from django.db import connection

from openpso.encryption import keyring


@pytest.fixture(autouse=True)
def fresh_keys_dir(settings, tmp_path):
    """Each test gets its own keyring, so no test depends on keys another one made."""
    settings.KEYS_DIR = tmp_path / "keys"
    keyring._cache.clear()
    yield settings.KEYS_DIR
    keyring._cache.clear()


@pytest.fixture
def provider(db):
    from openpso.organizations.models import Organization

    pso = Organization.objects.create(slug="pso", name="Test PSO", kind="pso")
    return Organization.objects.create(
        slug="general", name="General Hospital", kind="provider", provider_type="hospital", network=pso
    )


@pytest.fixture
def make_report(provider):
    from openpso.reporting.models import EventReport

    def make(narrative="Patient received 10x heparin dose; caught at bedside.", **fields):
        now = dt.datetime(2025, 3, 4, 10, 30, tzinfo=dt.UTC)
        values = {
            "provider": provider,
            "event_type": "A6",
            "categories": ["A54"],
            "discovered_at": now,
            "narrative": narrative,
            "reported_at": now,
            "pswp_status_at": now,
            **fields,
        }
        return EventReport.objects.create(**values)

    return make


def raw_row(table: str, columns: list[str], where_column: str, value: Any) -> list[tuple[Any, ...]]:
    """Stored column values read with plain SQL, bypassing the field's decryption."""
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        sql = f"SELECT {cols} FROM {qn(table)} WHERE {qn(where_column)} = %s"  # noqa: S608 (quoted names)
        cursor.execute(sql, [value])
        return list(cursor.fetchall())


def report_pk_param(report: Any) -> Any:
    # UUID primary keys are stored as 32 hex chars on SQLite, as uuid on PostgreSQL.
    return report.pk.hex if connection.vendor == "sqlite" else report.pk
