import pytest
from django.db import connection

from openpso.encryption import keyring, rotation
from openpso.encryption.fields import key_id_of
from openpso.encryption.tests.conftest import raw_row, report_pk_param
from openpso.reporting.models import EventReport

TEXTS = ["Wrong-site prep caught at time-out", "Pump programmed at 10x rate", "Fall from bed, no harm"]


def stored_key_ids(report: EventReport) -> set[str]:
    """Key ids of every non-empty stored value for this report, live and history rows."""
    pk = report_pk_param(report)
    columns = ["narrative", "category_other", "location_detail", "reporter_role"]
    ids: set[str] = set()
    for table in ["reporting_eventreport", "reporting_historicaleventreport"]:
        for row in raw_row(table, columns, "id", pk):
            ids |= {key_id_of(value) for value in row if value}
    return ids


@pytest.fixture
def reports(make_report):
    made = [make_report(narrative=text, location_detail=f"Unit {i}") for i, text in enumerate(TEXTS)]
    made[0].reporter_role = "Pharmacist"
    made[0].save()  # a second history row for the first report
    return made


def test_encrypted_fields_are_discovered_including_history():
    found = {model._meta.label: names for model, names in rotation.encrypted_fields()}
    expected = ["category_other", "narrative", "location_detail", "reporter_role", "answers"]
    assert found["reporting.EventReport"] == expected
    assert found["reporting.HistoricalEventReport"] == expected
    assert found["reporting.ReportDraft"] == ["payload"]


def test_rotation_reencrypts_live_and_history_rows_under_the_new_key(reports):
    old = keyring.load_keyring().active
    new = keyring.add_active_key().active
    result = rotation.reencrypt_all(batch_size=2)
    assert result.active_key == new
    assert result.failures == []
    counts = {t.table: (t.rows, t.values) for t in result.tables}
    # 3 reports: narrative + location each, plus reporter_role on the first.
    assert counts["reporting_eventreport"] == (3, 7)
    # 4 history rows: 3 creations + 1 change (with the role).
    assert counts["reporting_historicaleventreport"] == (4, 9)
    for report in reports:
        assert stored_key_ids(report) == {new}
    keyring.remove_key(old)  # nothing needs the old key any more
    assert sorted(r.narrative for r in EventReport.objects.all()) == sorted(TEXTS)
    history = EventReport.history.filter(id=reports[0].pk)
    assert {h.narrative for h in history} == {TEXTS[0]}
    assert {h.reporter_role for h in history} == {"", "Pharmacist"}


def test_rotation_writes_no_history_rows(reports):
    before = EventReport.history.count()
    keyring.add_active_key()
    rotation.reencrypt_all()
    assert EventReport.history.count() == before


def test_after_rotation_usage_shows_only_the_new_key(reports):
    old = keyring.load_keyring().active
    assert rotation.stale_key_usage() == {old: 16}
    new = keyring.add_active_key().active
    rotation.reencrypt_all()
    assert rotation.stale_key_usage() == {new: 16}


def test_a_second_run_has_nothing_to_do(reports):
    keyring.add_active_key()
    rotation.reencrypt_all()
    again = rotation.reencrypt_all()
    assert (again.rows, again.values) == (0, 0)


def test_an_interrupted_rotation_leaves_everything_readable_and_a_rerun_completes(reports, monkeypatch):
    old = keyring.load_keyring().active
    new = keyring.add_active_key().active
    real_batch = rotation._reencrypt_batch
    calls: list[int] = []

    def crash_after_first_batch(*args, **kwargs):
        if calls:
            raise RuntimeError("simulated crash")
        result = real_batch(*args, **kwargs)
        if result[1].values:  # tables with nothing stale (e.g. no drafts) do not count as a batch
            calls.append(result[1].values)
        return result

    monkeypatch.setattr(rotation, "_reencrypt_batch", crash_after_first_batch)
    with pytest.raises(RuntimeError, match="simulated crash"):
        rotation.reencrypt_all(batch_size=1)
    usage = rotation.stale_key_usage()
    done = calls[0]  # one row's values (which row comes first depends on its random history id)
    assert usage[new] == done
    assert usage[old] == 16 - done
    assert sorted(r.narrative for r in EventReport.objects.all()) == sorted(TEXTS)
    assert len([h.narrative for h in EventReport.history.all()]) == 4

    monkeypatch.setattr(rotation, "_reencrypt_batch", real_batch)
    result = rotation.reencrypt_all(batch_size=1)
    assert result.values == 16 - done
    assert rotation.stale_key_usage() == {new: 16}
    assert sorted(r.narrative for r in EventReport.objects.all()) == sorted(TEXTS)


def test_an_undecryptable_value_is_reported_and_the_rest_rotated(reports):
    table = "reporting_eventreport"
    pk = report_pk_param(reports[1])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reporting_eventreport SET narrative = %s WHERE id = %s", ["plain text by mistake", pk])
    new = keyring.add_active_key().active
    result = rotation.reencrypt_all()
    assert [(f.table, f.field) for f in result.failures] == [(table, "narrative")]
    assert "plain text" not in result.failures[0].reason
    assert rotation.stale_key_usage() == {new: 15, rotation.NOT_CIPHERTEXT: 1}


def test_usage_names_keys_missing_from_the_keyring(reports):
    old = keyring.load_keyring().active
    keyring.add_active_key()
    keyring.remove_key(old)
    assert rotation.stale_key_usage() == {old: 16}
