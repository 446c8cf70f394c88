"""QuestionnaireResponses to HL7's renderings of HERF-1.2 and F8-1.2 and to the LOINC-coded form."""

import copy

from openpso.commonformats.answers import CONTRADICTORY, UNKNOWN_CODE, UNKNOWN_LINK_ID
from openpso.commonformats.fhir_response import UNKNOWN_QUESTIONNAIRE, parse_questionnaire_response

from .helpers import SAMPLE_QR, sdc, walk_fhir

AHRQ = "http://example.org/AHRQ/form/question_identifier#"


def _coding(link_id, code):
    return {"valueCoding": {"system": f"{AHRQ}{link_id}-cs", "code": code}}


def _find(qr, link_id):
    return next(i for i in walk_fhir(qr["item"]) + _answer_items(qr) if i["linkId"] == link_id)


def _answer_items(qr):
    out = []
    for item in walk_fhir(qr["item"]):
        for answer in item.get("answer", []):
            out.extend(walk_fhir(answer.get("item", [])))
    return out


def test_the_hl7_sample_response_to_the_loinc_form_parses_into_medication_answers():
    parsed = parse_questionnaire_response(sdc(SAMPLE_QR))
    assert parsed.errors == []
    assert parsed.form_key == "cfer-h-1.2/medication"
    assert parsed.answers == {
        "Medication/DE2": "456",
        "Medication/DE30": "2016-03-14",
        "Medication/DE270": "A1197",
        "Medication/DE273": "A1218",
        "Medication/DE288": "A1257",
        "Medication/DE291": "A585",
        "Medication/DE315": "A1398",
        "Medication/SEC02/74078-7": [
            {
                "Medication/DE318": "Acetaminophen",
                "Medication/DE330": "Tablet",
                "Medication/DE333": "A18",
                "Medication/DE336": "A15",
            }
        ],
    }


def test_an_unknown_loinc_answer_is_named_by_the_senders_link_id():
    qr = copy.deepcopy(sdc(SAMPLE_QR))
    _find(qr, "74080-3/74063-9")["answer"][0]["valueCoding"]["code"] = "LA99999-9"
    parsed = parse_questionnaire_response(qr)
    assert [(e.link_id, e.code) for e in parsed.errors] == [("74080-3/74063-9", UNKNOWN_CODE)]
    assert "LA99999-9" in parsed.errors[0].message


def test_an_answer_to_a_question_that_does_not_apply_is_named_by_the_senders_link_id():
    qr = copy.deepcopy(sdc(SAMPLE_QR))
    _find(qr, "74080-3/74076-1")["answer"][0]["valueCoding"]["code"] = "LA20335-8"  # biological, not a medication
    parsed = parse_questionnaire_response(qr)
    assert [(e.link_id, e.code) for e in parsed.errors] == [("74080-3/74075-3", CONTRADICTORY)]
    assert "74080-3/74075-3 (Medication/DE273) is answered but does not apply" in parsed.errors[0].message


def _herf_response(**answers):
    items = [
        {"linkId": "HERF/header", "item": [{"linkId": "HERF/DE2", "answer": [{"valueString": "E-77"}]}]},
        {
            "linkId": "HERF/SEC01",
            "item": [
                {"linkId": "HERF/DE3", "answer": [_coding("HERF/DE3", answers.get("DE3", "A6"))]},
                {"linkId": "HERF/DE15", "answer": [{"valueString": "Line one."}, {"valueString": "Line two."}]},
                {"linkId": "HERF/DE18", "answer": [{"valueString": "Ward 3"}]},
                {"linkId": "HERF/DE21", "answer": [_coding("HERF/DE21", c) for c in answers.get("DE21", ["A54"])]},
            ],
        },
        {
            "linkId": "HERF/SEC01.1",
            "item": [
                {"linkId": "HERF/DE9a", "answer": [{"valueString": "05/15/2014"}]},
                {"linkId": "HERF/DE9b", "answer": [{"valueString": "1430"}]},
            ],
        },
        {"linkId": "HERF/SEC04", "item": [{"linkId": "HERF/DE33", "answer": [_coding("HERF/DE33", "A15")]}]},
    ]
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "http://hl7.org/fhir/uv/sdc/Questionnaire/HERF-1.2",
        "status": "completed",
        "item": items,
    }


def test_a_response_to_hl7s_herf_reads_its_dates_lines_and_codes():
    parsed = parse_questionnaire_response(_herf_response())
    assert parsed.errors == []
    assert parsed.form_key == "cfer-h-1.2/herf"
    assert parsed.answers["HERF/DE9a"] == "2014-05-15"
    assert parsed.answers["HERF/DE9b"] == "14:30"
    assert parsed.answers["HERF/DE15"] == "Line one.\nLine two."
    assert parsed.answers["HERF/DE21"] == ["A54"]


def test_an_unknown_code_in_a_herf_response_is_named():
    parsed = parse_questionnaire_response(_herf_response(DE3="A7"))
    assert (("HERF/DE3", UNKNOWN_CODE)) in [(e.link_id, e.code) for e in parsed.errors]


def test_a_category_that_contradicts_the_event_type_is_named():
    parsed = parse_questionnaire_response(_herf_response(DE3="A6", DE21=["A48"]))
    assert [(e.link_id, e.code) for e in parsed.errors] == [("HERF/DE21", CONTRADICTORY)]


def test_a_patient_answer_on_a_near_miss_is_contradictory():
    response = _herf_response(DE3="A6")
    response["item"].append(
        {"linkId": "HERF/SEC02", "item": [{"linkId": "HERF/DE46", "answer": [{"valueString": "X"}]}]}
    )
    parsed = parse_questionnaire_response(response)
    assert [(e.link_id, e.code) for e in parsed.errors] == [("HERF/DE46", CONTRADICTORY)]
    assert "X" not in parsed.errors[0].message


def test_an_answer_to_an_item_the_form_does_not_have_is_named():
    response = _herf_response()
    response["item"].append({"linkId": "HERF/DE999", "answer": [{"valueString": "?"}]})
    parsed = parse_questionnaire_response(response)
    assert [(e.link_id, e.code) for e in parsed.errors] == [("HERF/DE999", UNKNOWN_LINK_ID)]


def test_a_response_to_hl7s_f8_uses_our_codes_directly():
    response = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "http://hl7.org/fhir/uv/sdc/Questionnaire/F8-1.2",
        "status": "completed",
        "item": [
            {"linkId": "Medication/DE270", "answer": [{**_coding("Medication/DE270", "A1209")}]},
            {"linkId": "Medication/DE288", "answer": [_coding("Medication/DE288", "A1260")]},
        ],
    }
    parsed = parse_questionnaire_response(response)
    assert parsed.form_key == "cfer-h-1.2/medication"
    assert parsed.answers == {"Medication/DE270": "A1209", "Medication/DE288": "A1260"}
    assert [e.code for e in parsed.errors] == ["required"]  # the product details are required
    assert parsed.errors[0].link_id == "Medication/SEC02/74078-7"


def test_an_unknown_questionnaire_is_refused():
    parsed = parse_questionnaire_response(
        {"resourceType": "QuestionnaireResponse", "questionnaire": "http://example.org/other", "item": []}
    )
    assert parsed.form_key == ""
    assert [(e.link_id, e.code) for e in parsed.errors] == [("questionnaire", UNKNOWN_QUESTIONNAIRE)]
