"""The national database export: one CDA R2 document per released event, valid against the CDA R2
schema, carrying the PSO-assigned provider code, coded answers and succession (issue 17 item 5)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from openpso.lake.exports import cda, validate
from openpso.lake.exports.run import export
from openpso.lake.tests.export_fixtures import build_small_pool, write_pool
from openpso.nonid.models import Release

pytestmark = pytest.mark.django_db
SINCE = dt.date(2025, 1, 1)
NS = {"v3": "urn:hl7-org:v3"}


@pytest.fixture
def pool():
    return build_small_pool()


def parsed(path):
    from lxml import etree  # type: ignore[import-untyped]

    return etree.parse(str(path)).getroot()


def test_documents_stay_valid_when_another_library_takes_the_empty_prefix(pool, tmp_path, monkeypatch):
    """ElementTree's prefix registry is process-wide: any library may register its own default
    namespace (CI, 2026-12-07: the documents came out as `ns0:` and `xsi:type="CD"` failed)."""
    monkeypatch.setattr(ET, "_namespace_map", dict(ET._namespace_map))  # type: ignore[attr-defined]
    ET.register_namespace("", "http://example.org/another-library")
    result = export("cda", pso=pool.pso, since=SINCE, out=tmp_path)
    for path in result.files:
        assert validate.problems(path.read_bytes()) == [], path.name
        assert b"<ClinicalDocument " in path.read_bytes()


def test_each_released_event_is_one_cda_document_the_schema_accepts(pool, tmp_path):
    result = export("cda", pso=pool.pso, since=SINCE, out=tmp_path)
    assert (result.events, len(result.files), result.new_versions) == (3, 3, 3)
    for path in result.files:
        assert validate.problems(path.read_bytes()) == [], path.name
    text = (tmp_path / "E-TESTEVENT0000000-v1.xml").read_text()
    root = parsed(tmp_path / "E-TESTEVENT0000000-v1.xml")
    author = root.find("v3:author/v3:assignedAuthor/v3:id", NS)
    assert author.get("extension") == "P-TESTCODE0000"
    assert author.get("root") == cda.provider_code_root("export-pso")
    assert root.find("v3:versionNumber", NS).get("value") == "1"
    assert root.find("v3:relatedDocument", NS) is None
    # Common Formats answers as coded entries, with LOINC codes where the Common Formats have them.
    codes = {(c.get("code"), c.get("codeSystem")) for c in root.iter("{urn:hl7-org:v3}code", "{urn:hl7-org:v3}value")}
    loinc = "2.16.840.1.113883.6.1"
    assert {("74079-5", loinc), ("74560-4", loinc), ("LA20749-0", loinc), ("LA20278-0", loinc)} <= codes
    assert ("OPSO-FALL-ASSISTED", cda.ANSWER_SYSTEMS["openpso"][0]) in codes
    # Template ids say they are provisional, in the XML itself.
    templates = root.findall(".//v3:templateId", NS)
    assert templates
    assert all("PROVISIONAL" in t.get("assigningAuthorityName") for t in templates)
    assert "PSOPPC guide" in text
    # Release data: the year only, the age band only, no free text, no size band.
    assert "2025-03" not in text
    assert "202503" not in text
    assert "202504" not in text
    assert 'value="2025"' in text
    assert "65-74" in text
    assert ">71<" not in text
    assert 'value="71"' not in text
    for leak in ("found on the floor", "slipped", "Room", "RN", "100-299", "med-surg", "036"):
        assert leak not in re.sub(r"<!--.*?-->", "", text), leak


def test_an_unsafe_condition_has_no_patient(pool, tmp_path):
    export("cda", pso=pool.pso, since=SINCE, out=tmp_path)
    root = parsed(tmp_path / "E-TESTEVENT0000002-v1.xml")
    role = root.find("v3:recordTarget/v3:patientRole", NS)
    assert role.find("v3:id", NS).get("nullFlavor") == "NA"
    assert role.find("v3:patient", NS) is None


def test_a_changed_event_is_resubmitted_as_a_version_that_replaces_the_first(pool, tmp_path):
    first = export("cda", pso=pool.pso, since=SINCE, out=tmp_path / "q1")
    old = parsed(tmp_path / "q1" / "E-TESTEVENT0000000-v1.xml")
    changed = [dataclasses.replace(pool.events[0], harm="LA20748-2"), *pool.events[1:]]
    write_pool(pool.pso, pool.providers, [f"P-TESTCODE{n:04d}" for n in range(6)], changed)
    again = export("cda", pso=pool.pso, since=SINCE, out=tmp_path / "q2")
    assert (first.new_versions, again.new_versions) == (3, 1)
    new = parsed(tmp_path / "q2" / "E-TESTEVENT0000000-v2.xml")
    assert new.find("v3:setId", NS).get("root") == old.find("v3:setId", NS).get("root")
    assert new.find("v3:versionNumber", NS).get("value") == "2"
    related = new.find("v3:relatedDocument", NS)
    assert related.get("typeCode") == "RPLC"
    assert related.find("v3:parentDocument/v3:id", NS).get("root") == old.find("v3:id", NS).get("root")
    assert new.find("v3:id", NS).get("root") != old.find("v3:id", NS).get("root")
    # Unchanged events come out as the same documents: same id, version and bytes.
    same = "E-TESTEVENT0000001-v1.xml"
    assert (tmp_path / "q2" / same).read_bytes() == (tmp_path / "q1" / same).read_bytes()
    assert validate.problems((tmp_path / "q2" / "E-TESTEVENT0000000-v2.xml").read_bytes()) == []


def test_the_export_is_recorded_as_a_release_with_its_profile_and_k(pool, tmp_path):
    result = export("cda", pso=pool.pso, since=SINCE, out=tmp_path)
    assert result.release_id is not None
    release = Release.objects.get(pk=result.release_id)
    assert (release.profile, release.k_required, release.k_measured) == ("release/1", 5, 6)
    assert result.line.startswith("Released under release/1: dates to the year")


def test_nothing_pooled_since_the_date_exports_nothing(pool, tmp_path):
    result = export("cda", pso=pool.pso, since=timezone.localdate() + dt.timedelta(days=2), out=tmp_path)
    assert (result.events, result.files, result.release_id) == (0, [], None)


def test_a_schema_error_names_the_element_and_why():
    broken = b'<ClinicalDocument xmlns="urn:hl7-org:v3"><realmCode code="US"/><title>x</title></ClinicalDocument>'
    (problem, *_) = validate.problems(broken)
    assert problem.startswith("/ClinicalDocument/title: Element 'title': This element is not expected.")
    assert "typeId" in problem
