"""The non-identification pipeline on single events: what stays, what goes, what is generalised."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from openpso.nonid.deid import VERSION, ScrubContext, Span
from openpso.nonid.pipeline import ProviderFacts, _with_first_names, nonidentify
from openpso.nonid.profiles import PSO_POOL, RELEASE
from openpso.nonid.pseudonyms import event_key

FACTS = ProviderFacts(
    id=41,
    pseudonym="P-QUILLFEATHER",
    provider_type="hospital",
    size_band="100-199",
    state="PA",
    context=ScrubContext.of(
        facility_names=["Quillfeather Memorial Hospital", "7 North Oncology"],
        staff_names=["Zebedee Quortle"],
    ),
)


def submission(**document: Any) -> SimpleNamespace:
    doc: dict[str, Any] = {
        "schema": "openpso-submission/1",
        "event_id": "2f1c2b9e-9d51-4c35-9d7e-0b8ad4f5a1c3",
        "provider_id": 41,
        "unit": {"id": 7, "name": "7 North Oncology", "unit_type": "oncology"},
        "event_type": "A3",
        "categories": ["A48"],
        "category_other": "",
        "discovered_at": "2025-03-14T07:22:00Z",
        "reported_at": "2025-03-14T09:05:00Z",
        "harm": "LA20749-0",
        "patient": {"age_years": 72, "sex": "F"},
        "modules": ["cfer-h-1.2/fall"],
        "answers": {},
        "narrative": "Patient slipped in the bathroom.",
    }
    doc.update(document)
    return SimpleNamespace(
        pk=uuid.uuid4(),
        provider_id=41,
        event_id=uuid.UUID(doc["event_id"]),
        event_month=dt.date(2025, 3, 1),
        method="push",
        document=doc,
    )


def pooled(profile=PSO_POOL, **document: Any):
    return nonidentify(submission(**document), profile=profile, facts=FACTS)


def test_the_provider_becomes_its_pseudonym_and_the_event_id_a_keyed_key():
    row, record = pooled()
    assert row.provider == "P-QUILLFEATHER"
    assert row.event_key == event_key(41, uuid.UUID("2f1c2b9e-9d51-4c35-9d7e-0b8ad4f5a1c3"))
    assert "2f1c2b9e" not in row.event_key.lower()
    assert record["fields"]["provider_id"] == "replaced_by_pseudonym"
    assert record["fields"]["event_id"] == "replaced_by_event_key"


def test_an_event_is_refused_when_its_provider_has_no_pool_pseudonym():
    with pytest.raises(ValueError, match="pseudonym"):
        nonidentify(submission(), profile=PSO_POOL, facts=dataclasses.replace(FACTS, pseudonym=""))


def test_the_pool_profile_keeps_the_month_and_the_peer_attributes():
    row, _ = pooled()
    assert (row.event_month, row.event_year) == ("2025-03", 2025)
    assert (row.provider_type, row.size_band, row.region) == ("hospital", "100-199", "northeast")


def test_the_release_profile_keeps_the_year_only_and_no_size_band():
    row, record = pooled(profile=RELEASE)
    assert (row.event_month, row.event_year) == (None, 2025)
    assert row.size_band is None
    assert row.region == "northeast"
    assert record["fields"]["discovered_at"] == "generalised_to_year"


def test_every_row_and_record_names_the_profile_and_the_engine():
    row, record = pooled()
    assert (row.profile, row.engine_version) == ("pso-pool/1", VERSION)
    assert (record["profile"], record["engine"]) == ("pso-pool/1", VERSION)


def test_an_age_over_89_becomes_90_plus():
    row, record = pooled(patient={"age_years": 97, "sex": "M"})
    assert (row.patient_age_years, row.patient_age_band) == (90, "90+")
    assert record["fields"]["patient.age_years"] == "aggregated_90_plus"


def test_an_age_of_89_stays():
    row, record = pooled(patient={"age_years": 89, "sex": "M"})
    assert (row.patient_age_years, row.patient_age_band) == (89, "85-89")
    assert "patient.age_years" not in record["fields"]


def test_the_release_profile_keeps_the_age_band_only():
    row, _ = pooled(profile=RELEASE, patient={"age_years": 47, "sex": "F"})
    assert (row.patient_age_years, row.patient_age_band) == (None, "45-64")


def test_a_zip_code_keeps_three_digits_where_the_area_is_large_enough():
    row, record = pooled(patient={"age_years": 40, "sex": "F", "zip": "19104-2203"})
    assert row.patient_zip3 == "191"
    assert record["fields"]["patient.zip"] == "generalised_to_zip3"


def test_a_zip_code_in_a_small_area_becomes_000():
    row, record = pooled(patient={"age_years": 40, "sex": "F", "zip": "03601"})
    assert row.patient_zip3 == "000"
    assert record["fields"]["patient.zip"] == "suppressed_000"


def test_the_release_profile_keeps_no_zip_code():
    row, _ = pooled(profile=RELEASE, patient={"age_years": 40, "sex": "F", "zip": "19104"})
    assert row.patient_zip3 is None


def test_the_unit_keeps_its_type_and_loses_its_name():
    row, record = pooled()
    assert row.unit_type == "oncology"
    assert record["fields"]["unit.name"] == "removed"
    assert "7 North" not in repr(row)


def test_a_unit_type_that_is_not_a_code_is_removed():
    row, record = pooled(unit={"id": 7, "name": "x", "unit_type": "Dr. Quortle's clinic"})
    assert row.unit_type is None
    assert record["fields"]["unit.unit_type"] == "removed_not_a_code"


def test_known_names_are_caught_in_any_case():
    row, record = pooled(narrative="zebedee quortle found her near 7 north oncology at quillfeather memorial hospital.")
    assert "quortle" not in row.narrative.lower()
    assert "quillfeather" not in row.narrative.lower()
    assert "7 north" not in row.narrative.lower()
    assert record["spans"]["narrative"]["STAFF"] >= 1


def test_dates_in_free_text_lose_their_year_too():
    row, _ = pooled(narrative="Fell on 03/14/2025; born 04/10/1931.")
    assert "2025" not in row.narrative
    assert "1931" not in row.narrative
    assert row.narrative.count("[DATE]") == 2


def test_every_free_text_field_is_scrubbed():
    row, record = pooled(
        location_detail="Room 712 at Quillfeather Memorial Hospital",
        category_other="Visitor Zebedee Quortle tripped",
        reporter_role="Charge nurse Zebedee Quortle",
    )
    for text in (row.location_detail, row.category_other, row.reporter_role):
        assert "Quortle" not in text
        assert "Quillfeather" not in text
    for name in ("location_detail", "category_other", "reporter_role"):
        assert record["fields"][name] == "scrubbed"


def test_the_reported_at_time_is_not_pooled():
    row, record = pooled()
    assert record["fields"]["reported_at"] == "removed"
    assert "09:05" not in repr(row)
    assert "2025-03-14" not in repr(row)


def test_codes_that_are_not_codes_are_removed():
    row, record = pooled(categories=["A48", "Fall near Dr. Quortle's office"], event_type="Zebedee", harm="LA20749-0")
    assert row.categories == ("A48",)
    assert row.event_type is None
    assert record["fields"]["categories"] == "removed_values_not_codes"
    assert record["fields"]["event_type"] == "removed_not_a_code"


def test_a_document_field_the_pipeline_does_not_know_is_removed():
    row, record = pooled(reporter_name="Zebedee Quortle")
    assert record["fields"]["reporter_name"] == "removed_unknown_field"
    assert "Quortle" not in repr(row)


def test_contributing_factors_keep_common_formats_codes_only():
    analysis = {"contributing_factors": [{"code": "OPSO-SIR-CF-STAFFING", "label": "Staffing"}, "Dr. Quortle"]}
    row, record = pooled(analysis=analysis)
    assert row.contributing_factors == ("OPSO-SIR-CF-STAFFING",)
    assert record["fields"]["analysis.contributing_factors"] == "removed_values_not_codes"


def test_action_dates_keep_the_month_and_the_year():
    action = {
        "action_type": "forcing_function",
        "strength": "stronger",
        "status": "done",
        "due_on": "2025-05-30",
        "implemented_on": "2025-05-02",
    }
    row, record = pooled(analysis={"contributing_factors": [], "actions": [action]})
    (pooled_action,) = row.actions
    assert (pooled_action.due_month, pooled_action.due_year) == ("2025-05", 2025)
    assert (pooled_action.implemented_month, pooled_action.implemented_year) == ("2025-05", 2025)
    assert record["fields"]["analysis.actions.0.due_on"] == "generalised_to_month"


def test_release_action_dates_keep_the_year_only():
    action = {"action_type": "training", "strength": "weaker", "status": "planned", "due_on": "2025-05-30"}
    row, _ = pooled(profile=RELEASE, analysis={"actions": [action]})
    assert (row.actions[0].due_month, row.actions[0].due_year) == (None, 2025)


def test_the_removal_record_counts_narrative_spans_by_type_and_holds_no_text():
    _, record = pooled(narrative="Zebedee Quortle called 215-555-0144 on 3/14.")
    assert record["spans"]["narrative"] == {"DATE": 1, "PHONE": 1, "STAFF": 1}
    assert "Quortle" not in repr(record)
    assert "555" not in repr(record)


def test_it_needs_no_database_when_given_the_provider_facts():
    # pytest-django refuses every query in a test without the db mark.
    row, _ = pooled()
    assert row.narrative


def test_a_first_name_left_before_a_caught_surname_goes_with_it():
    row, _ = pooled(narrative="Lowered to the floor by Gareth Edgerton, RN. Family (Caspian Wroblewski, brother) told.")
    assert "Gareth" not in row.narrative
    assert "Caspian" not in row.narrative


def test_roles_and_opening_verbs_before_a_name_stay():
    text = "Pharmacist Leibowitz checked it. Escorted Edgerton out. Contact: Hamish Quortle."
    spans = tuple(Span(text.index(w), text.index(w) + len(w), "STAFF") for w in ("Leibowitz", "Edgerton", "Quortle"))
    widened = {text[s.start : s.end] for s in _with_first_names(text, spans)}
    assert widened == {"Leibowitz", "Edgerton", "Hamish Quortle"}
