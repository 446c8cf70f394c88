"""The release data as FHIR R5 AdverseEvent NDJSON, with the RCA² analysis as contributingFactor and
mitigatingAction (issue 17 item 2), and `openpso export` for both event formats."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from openpso.lake.exports import fhir_r5
from openpso.lake.exports.jobs import NDJSON_NAME
from openpso.lake.exports.run import export
from openpso.lake.tests.export_fixtures import build_small_pool

pytestmark = pytest.mark.django_db
SINCE = dt.date(2025, 1, 1)


@pytest.fixture
def pool():
    return build_small_pool()


def test_each_released_event_is_one_r5_adverse_event_line(pool, tmp_path):
    from fhir.resources.adverseevent import AdverseEvent  # R5: the package's root models

    result = export("fhir-ndjson", pso=pool.pso, since=SINCE, out=tmp_path)
    assert result.files == [tmp_path / NDJSON_NAME]
    lines = (tmp_path / NDJSON_NAME).read_text().splitlines()
    assert len(lines) == 3
    resources = {r["id"]: r for r in map(json.loads, lines)}
    for resource in resources.values():
        AdverseEvent.model_validate(resource)
        assert fhir_r5.check(resource) == []
    incident = resources["E-TESTEVENT0000000"]
    assert incident["occurrenceDateTime"] == "2025"
    assert incident["participant"][0]["actor"]["identifier"]["value"] == "P-TESTCODE0000"
    assert incident["contributingFactor"][0]["itemCodeableConcept"]["coding"][0]["code"] == "OPSO-SIR-CF-COMMUNICATION"
    action = incident["mitigatingAction"][0]
    assert action["itemCodeableConcept"]["coding"][0]["code"] == "forcing_function"
    assert {e["url"].rsplit(":", 1)[-1]: e.get("valueCode", e.get("valueString")) for e in action["extension"]} == {
        "rca2-strength": "stronger",
        "rca2-status": "done",
        "rca2-due": "2025",
        "rca2-implemented": "2025",
    }
    assert incident["contained"][0]["extension"][0]["valueString"] == "65-74"
    near_miss = resources["E-TESTEVENT0000001"]
    assert "mitigatingAction" not in near_miss
    assert near_miss["actuality"] == "potential"
    unsafe = resources["E-TESTEVENT0000002"]
    assert "contained" not in unsafe
    assert "reference" not in unsafe["subject"]
    text = (tmp_path / NDJSON_NAME).read_text()
    for leak in ("2025-03", "slipped", "found on the floor", "100-299", "med-surg"):
        assert leak not in text, leak


def test_an_r5_problem_names_the_element():
    (problem, *_) = fhir_r5.check({"resourceType": "AdverseEvent", "status": "done", "actuality": "actual"})
    assert problem.startswith("AdverseEvent.")


def test_the_command_writes_cda_documents_into_the_folder(pool, tmp_path, capsys):
    call_command("export", "--format", "cda", "--since", "2025-01-01", str(tmp_path))
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 3
    assert all(line.endswith(".xml") for line in out.splitlines())
    assert "3 event(s), 3 file(s), 3 new document version(s). Released under release/1" in err
    with pytest.raises(CommandError, match="--since: 'March' is not a date"):
        call_command("export", "--format", "fhir-ndjson", "--since", "March", str(tmp_path))
