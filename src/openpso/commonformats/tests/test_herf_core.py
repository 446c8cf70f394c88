"""herf_core(), the view the report model and pages use, stays as it was."""

from openpso.commonformats.definitions import INCIDENT, NEAR_MISS, OTHER_CATEGORY, UNSAFE_CONDITION, herf_core


def test_the_event_types_and_categories_keep_their_codes_and_wording():
    core = herf_core()
    assert core["DE3"].choices() == [
        (INCIDENT, "Incident"),
        (NEAR_MISS, "Near Miss"),
        (UNSAFE_CONDITION, "Unsafe Condition"),
    ]
    assert core["DE21"].codes == {"A42", "A44", "A48", "A51", "A54", "A57", "A60", "A63", "A64", OTHER_CATEGORY}
    assert core["DE42"].choices() == [("M", "Male"), ("F", "Female"), ("UNK", "Unknown")]
    assert core["DE15"].max_length == 2000
    assert core["PIF/harm"].codes == {"LA20747-4", "LA20748-2", "LA20749-0", "LA21150-0", "LA21151-8", "LA4489-6"}


def test_categories_say_whether_they_accept_near_misses_and_unsafe_conditions():
    categories = herf_core()["DE21"]
    assert {c.code for c in categories.answers if c.near_miss} == {"A42", "A44", "A54", "A63", "A66"}
    assert {c.code for c in categories.answers if c.unsafe_condition} == {"A42", "A44", "A54"}
