import pytest
from django.core.exceptions import FieldError

from openpso.encryption import keyring
from openpso.encryption.fields import DecryptionError, decrypt, encrypt, key_id_of
from openpso.encryption.keyring import KeyMissingError
from openpso.encryption.tests.conftest import raw_row, report_pk_param
from openpso.reporting.models import EventReport

SECRET = "Mrs Jane Example, MRN 4471, got the wrong leg prepped"


def test_it_round_trips_through_the_database(make_report):
    report = make_report(narrative=SECRET, location_detail="Ward 7, bed 3", reporter_role="RN")
    loaded = EventReport.objects.get(pk=report.pk)
    assert loaded.narrative == SECRET
    assert loaded.location_detail == "Ward 7, bed 3"
    assert loaded.reporter_role == "RN"
    assert loaded.category_other == ""


def test_the_raw_column_holds_only_ciphertext_under_the_active_key(make_report):
    report = make_report(narrative=SECRET)
    active = keyring.load_keyring().active
    [(stored,)] = raw_row("reporting_eventreport", ["narrative"], "id", report_pk_param(report))
    assert SECRET not in stored
    assert "Jane" not in stored
    assert stored.startswith(f"enc2:{active}:")


def test_the_history_table_holds_only_ciphertext(make_report):
    report = make_report(narrative=SECRET)
    report.narrative = SECRET + " (updated)"
    report.save()
    rows = raw_row("reporting_historicaleventreport", ["narrative"], "id", report_pk_param(report))
    assert len(rows) == 2
    for (stored,) in rows:
        assert "Jane" not in stored
        assert stored.startswith("enc2:")
    assert {h.narrative for h in report.history.all()} == {SECRET, SECRET + " (updated)"}


def test_an_empty_field_stays_empty_in_the_raw_row(make_report):
    report = make_report()
    [(category_other,)] = raw_row("reporting_eventreport", ["category_other"], "id", report_pk_param(report))
    assert category_other == ""


def test_two_encryptions_of_the_same_text_differ():
    assert encrypt(SECRET) != encrypt(SECRET)
    assert decrypt(encrypt(SECRET)) == SECRET


def test_tampered_ciphertext_raises_naming_the_key_not_the_text():
    stored = encrypt(SECRET)
    key_id = key_id_of(stored)
    tampered = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
    with pytest.raises(DecryptionError) as caught:
        decrypt(tampered)
    assert key_id in str(caught.value)
    assert "Jane" not in str(caught.value)


def test_a_value_that_is_not_ciphertext_raises_without_quoting_it():
    for stored in ["Jane Example", "enc1:", "enc2:kabc", "enc2:kabc:", "enc3:kabc:token", "ENC2:kabc:token"]:
        with pytest.raises(DecryptionError) as caught:
            decrypt(stored)
        assert "Jane" not in str(caught.value)
    with pytest.raises(DecryptionError):
        key_id_of("Jane Example")


def test_a_value_under_a_key_missing_from_the_keyring_raises_a_clear_error(make_report):
    report = make_report(narrative=SECRET)
    old = keyring.load_keyring().active
    keyring.add_active_key()
    keyring.remove_key(old)
    with pytest.raises(KeyMissingError) as caught:
        EventReport.objects.get(pk=report.pk)
    assert caught.value.key_id == old
    assert old in str(caught.value)
    assert "not in the keyring" in str(caught.value)


@pytest.mark.parametrize(
    "lookup",
    ["narrative__contains", "narrative__icontains", "narrative__startswith", "narrative__in", "narrative__lower"],
)
def test_unsupported_lookups_raise_field_error(db, lookup):
    value = ["x"] if lookup.endswith("__in") else "x"
    with pytest.raises(FieldError):
        EventReport.objects.filter(**{lookup: value}).count()


def test_equality_with_a_value_raises_instead_of_matching_nothing(db):
    with pytest.raises(FieldError, match="narrative"):
        EventReport.objects.filter(narrative="heparin").count()


def test_blank_and_null_lookups_still_work(make_report):
    make_report(category_other="Wrong patient")
    make_report()
    assert EventReport.objects.filter(category_other="").count() == 1
    assert EventReport.objects.exclude(category_other="").count() == 1
    assert EventReport.objects.filter(narrative__isnull=True).count() == 0
