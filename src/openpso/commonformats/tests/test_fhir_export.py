"""Each definition exports as an R4-shaped Questionnaire, and a response to it reads back the same."""

import json
import re

import pytest

from openpso.commonformats.catalogue import catalogue, form
from openpso.commonformats.fhir import AHRQ_DATA_ELEMENT, EXT_EXTENSION_MODULE, LOINC, to_fhir_questionnaire
from openpso.commonformats.fhir_response import parse_questionnaire_response

from .helpers import response_from_export, sample_answers, walk_fhir

FORMS = sorted(catalogue())
R4_ITEM_TYPES = {
    "group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string", "text", "url",
    "choice", "open-choice", "attachment", "reference", "quantity",
}  # fmt: skip
R4_OPERATORS = {"exists", "=", "!=", ">", "<", ">=", "<="}
ANSWER_KEYS = {"answerBoolean", "answerDecimal", "answerInteger", "answerDate", "answerDateTime", "answerTime",
               "answerString", "answerCoding", "answerQuantity", "answerReference"}  # fmt: skip


def assert_r4_questionnaire(q):
    """The R4 rules a consumer relies on (resource shape and invariants que-1 … que-12)."""
    assert q["resourceType"] == "Questionnaire"
    assert q["status"] in {"draft", "active", "retired", "unknown"}
    assert re.fullmatch(r"[A-Za-z0-9\-.]{1,64}", q["id"])
    assert re.fullmatch(r"[A-Z][A-Za-z0-9_]{0,254}", q["name"])
    assert isinstance(q["url"], str)
    assert q["url"]
    items = walk_fhir(q["item"])
    link_ids = [i["linkId"] for i in items]
    assert len(link_ids) == len(set(link_ids)), "linkIds must be unique"
    for item in items:
        assert item["type"] in R4_ITEM_TYPES, item["linkId"]
        if item["type"] == "display":
            assert not {"item", "required", "repeats"} & set(item), item["linkId"]
        if item["type"] == "group":
            assert item.get("item"), f"{item['linkId']}: a group needs items"
        if "answerOption" in item:
            assert item["type"] in {"choice", "open-choice"}
            for option in item["answerOption"]:
                values = [k for k in option if k.startswith("value")]
                assert values == ["valueCoding"]
                assert option["valueCoding"]["system"]
                assert option["valueCoding"]["code"]
        if item["type"] in {"choice", "open-choice"}:
            assert item.get("answerOption"), item["linkId"]
        if "maxLength" in item:
            assert item["type"] in {"string", "text", "url", "open-choice"}
        for clause in item.get("enableWhen", []):
            assert clause["question"] in link_ids, (item["linkId"], clause["question"])
            assert clause["operator"] in R4_OPERATORS
            assert len([k for k in clause if k.startswith("answer")]) == 1
            assert next(k for k in clause if k.startswith("answer")) in ANSWER_KEYS
        if len(item.get("enableWhen", [])) > 1:
            assert item["enableBehavior"] in {"all", "any"}
        for code in item.get("code", []):
            assert code["system"]
            assert code["code"]


@pytest.mark.parametrize("key", FORMS)
def test_each_form_exports_as_an_r4_questionnaire(key):
    questionnaire = to_fhir_questionnaire(form(key))
    json.dumps(questionnaire)
    assert_r4_questionnaire(questionnaire)


@pytest.mark.parametrize("key", FORMS)
@pytest.mark.parametrize("pick", ["first", "last"])
def test_a_response_to_each_exported_form_reads_back_the_same_answers(key, pick):
    definition = form(key)
    answers = sample_answers(definition, pick=pick)
    response = response_from_export(to_fhir_questionnaire(definition), answers)
    parsed = parse_questionnaire_response(json.loads(json.dumps(response)))
    assert parsed.errors == []
    assert parsed.form_key == key
    assert parsed.answers == answers


def test_item_codes_carry_the_ahrq_data_element_and_loinc_codes():
    questionnaire = to_fhir_questionnaire(form("cfer-h-1.2/medication"))
    item = next(i for i in walk_fhir(questionnaire["item"]) if i["linkId"] == "Medication/DE270")
    assert {"system": AHRQ_DATA_ELEMENT, "code": "DE270"} in item["code"]
    assert {"system": LOINC, "code": "74076-1"} in item["code"]
    assert questionnaire["code"] == [{"system": LOINC, "code": "74080-3"}]


def test_skip_logic_and_constraints_are_exported():
    items = {i["linkId"]: i for i in walk_fhir(to_fhir_questionnaire(form("cfer-h-1.2/herf"))["item"])}
    assert items["HERF/DE3"]["required"] is True
    assert items["HERF/DE21"]["repeats"] is True
    assert items["HERF/DE15"]["maxLength"] == 2000
    assert [c["answerCoding"]["code"] for c in items["HERF/DE9a"]["enableWhen"]] == ["A3", "A6"]
    assert items["HERF/DE9a"]["enableBehavior"] == "any"
    assert items["HERF/DE21:other"]["enableWhen"][0]["answerCoding"]["code"] == "A66"


def test_the_ems_module_is_marked_as_an_extension_wherever_it_is_exported():
    questionnaire = to_fhir_questionnaire(form("openpso-ext/ems-1.0"))
    assert "OpenPSO extension" in questionnaire["title"]
    assert {"url": EXT_EXTENSION_MODULE, "valueBoolean": True} in questionnaire["extension"]
    assert "not an AHRQ Common Format" in questionnaire["useContext"][0]["valueCodeableConcept"]["text"]
    assert questionnaire["status"] == "draft"
    medication = to_fhir_questionnaire(form("cfer-h-1.2/medication"))
    assert {"url": EXT_EXTENSION_MODULE, "valueBoolean": False} in medication["extension"]
    assert medication["status"] == "active"


def test_only_r4_is_offered():
    with pytest.raises(ValueError, match="R4"):
        to_fhir_questionnaire(form("cfer-h-1.2/herf"), fhir_version="R5")
