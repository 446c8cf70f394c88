"""Our HERF and Medication definitions against HL7's renderings of the AHRQ forms (issue 3, item 2).

Every question and answer code in HERF-1.2 and F8-1.2 must exist here with the same code and
meaning, and every LOINC code of the LOINC-coded Medication form must sit on the matching item.
"""

import pytest

from openpso.commonformats import sdc_build
from openpso.commonformats.catalogue import form
from openpso.commonformats.model import iter_items

from .helpers import F8_SDC, HERF_SDC, LOINC_SDC, normalise, sdc, walk_fhir

RENDERINGS = [(HERF_SDC, "cfer-h-1.2/herf"), (F8_SDC, "cfer-h-1.2/medication")]


def _questions(questionnaire):
    return [i for i in walk_fhir(questionnaire["item"]) if i["type"] not in {"group", "display"}]


@pytest.mark.parametrize(("rendering", "key"), RENDERINGS)
def test_every_question_of_the_hl7_rendering_exists_with_the_same_wording(rendering, key):
    definition = form(key)
    questions = _questions(sdc(rendering))
    assert questions
    for source in questions:
        ours = definition.item(source["linkId"])
        assert ours.is_question, source["linkId"]
        same = normalise(ours.text) == normalise(source["text"]) or ours.source_text == source["text"]
        assert same, f"{source['linkId']}: {ours.text!r} vs {source['text']!r}"


@pytest.mark.parametrize(("rendering", "key"), RENDERINGS)
def test_every_answer_code_of_the_hl7_rendering_exists_with_the_same_meaning(rendering, key):
    definition = form(key)
    codes_checked = 0
    for link_id, concepts in sdc_build.code_systems(sdc(rendering)).items():
        ours = definition.item(link_id)
        for concept in concepts:
            option = ours.answer(concept["code"])
            same = normalise(option.display) == normalise(concept["display"])
            assert same or option.source_display == concept["display"], f"{link_id} {concept['code']}"
            if concept.get("definition"):
                assert normalise(option.definition) == normalise(concept["definition"])
            codes_checked += 1
    assert codes_checked > (20 if key.endswith("herf") else 100)


def test_the_code_systems_walked_are_the_ones_the_items_point_at():
    for rendering, _ in RENDERINGS:
        questionnaire = sdc(rendering)
        value_sets = {"#" + c["id"]: c for c in questionnaire["contained"] if c["resourceType"] == "ValueSet"}
        systems = sdc_build.code_systems(questionnaire)
        for item in _questions(questionnaire):
            if "answerValueSet" in item:
                include = value_sets[item["answerValueSet"]]["compose"]["include"][0]["system"]
                assert include.endswith(f"#{item['linkId']}-cs")
                assert item["linkId"] in systems


def test_the_medication_definition_has_every_item_of_f8():
    ours = {i.link_id for i in iter_items(form("cfer-h-1.2/medication"))}
    dropped = {"Medication/SEC04", "Medication/SEC04.0", "Medication/SEC05", "Medication/SEC05.0"}
    dropped |= {"Medication/footer", "Medication/footer.0"}  # OMB and "form complete" furniture
    source = {i["linkId"] for i in walk_fhir(sdc(F8_SDC)["item"])}
    assert source - dropped <= ours
    assert len(_questions(sdc(F8_SDC))) == 31


def test_every_loinc_item_code_of_the_loinc_medication_form_is_on_our_definition():
    definition = form("cfer-h-1.2/medication")
    ours = {i.loinc for i in iter_items(definition) if i.loinc} | {definition.loinc_panel}
    codes = set()
    for item in walk_fhir(sdc(LOINC_SDC)["item"]):
        match = sdc_build._LOINC_CODE.search(item["linkId"])
        if match and item["type"] != "display":
            codes.add(match.group(1))
    assert codes
    assert codes <= ours, codes - ours


def test_every_loinc_answer_code_of_the_loinc_medication_form_is_on_the_matching_item():
    definition = form("cfer-h-1.2/medication")
    loinc = sdc(LOINC_SDC)
    value_sets = {"#" + v["id"]: v for v in loinc["contained"]}
    rendering = definition.renderings[1]
    checked = 0
    for item in walk_fhir(loinc["item"]):
        if "answerValueSet" not in item:
            continue
        ours = definition.item(rendering.ours(item["linkId"]))
        for concept in value_sets[item["answerValueSet"]]["compose"]["include"][0]["concept"]:
            option = ours.answer_by_loinc(concept["code"])
            assert option is not None, (item["linkId"], concept["code"])
            assert normalise(option.display) == normalise(concept["display"])
            checked += 1
    assert checked == 107


def test_the_loinc_form_skip_logic_matches_ours_where_it_names_one_of_our_questions():
    definition = form("cfer-h-1.2/medication")
    rendering = definition.renderings[1]
    for item in walk_fhir(sdc(LOINC_SDC)["item"]):
        if item["type"] == "display" or item["linkId"].endswith("/Other/Specify") or "enableWhen" not in item:
            continue
        if item["linkId"] == "Medication/SEC03":
            continue  # keyed on an answer of the wrong question in the LOINC rendering; see the notes
        ours = definition.item(rendering.ours(item["linkId"]))
        theirs = {
            (rendering.ours(c["question"]), c["operator"], ours_code(definition, rendering, c))
            for c in item["enableWhen"]
        }
        mine = {(c.question, c.operator, c.answer) for c in ours.enable_when}
        assert theirs <= mine, item["linkId"]


def ours_code(definition, rendering, clause):
    question = definition.item(rendering.ours(clause["question"]))
    return question.answer_by_loinc(clause["answerCoding"]["code"]).code


@pytest.mark.parametrize(
    ("name", "build"), [("herf.json", "herf_definition"), ("medication.json", "medication_definition")]
)
def test_the_committed_definitions_are_what_the_generator_makes(name, build):
    expected = sdc_build.dump(getattr(sdc_build, build)())
    assert (sdc_build.OUT_DIR / name).read_text(encoding="utf-8") == expected
