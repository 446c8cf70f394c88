"""Which questions apply, given the answers so far (enable_when)."""

from openpso.commonformats.answers import enabled, option_allowed
from openpso.commonformats.catalogue import form

MEDICATION = form("cfer-h-1.2/medication")
HERF = form("cfer-h-1.2/herf")


def _on(link_id, answers, definition=MEDICATION):
    return enabled(definition.item(link_id), answers)


def test_a_follow_up_shows_only_for_the_answer_that_introduces_it():
    assert _on("Medication/DE273", {"Medication/DE270": "A1197"})
    assert not _on("Medication/DE273", {"Medication/DE270": "A1200"})
    assert not _on("Medication/DE273", {})


def test_a_question_is_hidden_when_an_enclosing_item_is():
    # DE294 (which incorrect dose) hangs under DE291, which applies only to an incorrect action.
    answers = {"Medication/DE288": "A1263", "Medication/DE291": "A1275"}
    assert not _on("Medication/DE294", answers)
    assert _on("Medication/DE294", {**answers, "Medication/DE288": "A1257"})


def test_a_repeating_answer_enables_a_follow_up_when_it_includes_the_code():
    fall = form("cfer-h-1.2/surgery-anesthesia")
    answers = {"Surgery/event_type": ["OPSO-SURG-EV-WRONG-SITE", "OPSO-SURG-EV-RFO"]}
    assert enabled(fall.item("Surgery/rfo"), answers)
    assert not enabled(fall.item("Surgery/rfo"), {"Surgery/event_type": ["OPSO-SURG-EV-WRONG-SITE"]})


def test_not_equal_holds_for_an_unanswered_question_and_all_must_hold():
    assert _on("Medication/DE288", {})
    assert _on("Medication/DE288", {"Medication/DE270": "A1197"})
    assert not _on("Medication/DE288", {"Medication/DE270": "A1213"})


def test_in_enables_for_any_listed_answer():
    assert _on("HERF/DE9a", {"HERF/DE3": "A6"}, HERF)
    assert not _on("HERF/DE9a", {"HERF/DE3": "A9"}, HERF)


def test_exists_enables_once_the_question_has_an_answer():
    pif = form("cfer-h-1.2/pif")
    assert not enabled(pif.item("PIF/age_unit"), {})
    assert enabled(pif.item("PIF/age_unit"), {"PIF/age": 3})


def test_an_answer_to_a_question_that_does_not_apply_does_not_count():
    # DE276 looks at DE273, which does not apply unless the substance is a medication.
    assert not _on("Medication/DE276", {"Medication/DE270": "A1200", "Medication/DE273": "A1221"})
    assert _on("Medication/DE276", {"Medication/DE270": "A1197", "Medication/DE273": "A1221"})


def test_a_condition_on_another_forms_question_applies_only_when_that_answer_is_given():
    assert _on("Medication/DE336", {})
    assert not _on("Medication/DE336", {"HERF/DE3": "A6"})
    assert _on("Medication/DE336", {"HERF/DE3": "A3"})


def test_some_categories_are_offered_only_for_incidents():
    fall = HERF.item("HERF/DE21").answer("A48")
    medication = HERF.item("HERF/DE21").answer("A54")
    assert option_allowed(fall, {"HERF/DE3": "A3"}, form=HERF)
    assert not option_allowed(fall, {"HERF/DE3": "A6"}, form=HERF)
    assert option_allowed(medication, {"HERF/DE3": "A9"}, form=HERF)


def test_the_neonate_section_shows_for_a_perinatal_incident_only():
    answers = {"HERF/DE3": "A3", "HERF/DE21": ["A57"], "HERF/Hidden": "A15"}
    assert _on("HERF/DE40", answers, HERF)
    assert not _on("HERF/DE40", {**answers, "HERF/DE21": ["A48"]}, HERF)
    assert not _on("HERF/DE40", {**answers, "HERF/Hidden": "A18"}, HERF)
