"""Street addresses written the European way (number after the street), hand-written examples."""

from __future__ import annotations

import pytest

from openpso.nonid.deid import find


def covered(text: str, value: str) -> bool:
    start = text.index(value)
    return any(s.start <= start and start + len(value) <= s.end for s in find(text, use_model=False))


def touched(text: str, value: str) -> bool:
    start = text.index(value)
    return any(s.start < start + len(value) and start < s.end for s in find(text, use_model=False))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a street-type ending glued to the name (Danish, German, Finnish, Swedish)
        ("Daughter's home is Kirkebakkevej 12, 2 tv, so send the letter there.", "Kirkebakkevej 12"),
        ("Pt staying with cousin at Lindenweg 14, Bremen until surgery.", "Lindenweg 14, Bremen"),
        ("family address: 48 Koivuranta-katu 7, apt 3", "48 Koivuranta-katu 7"),
        ("mail returned from hjortronvägen 9 (lower case as typed)", "hjortronvägen 9"),
        # a street-type word of its own after the name (Norwegian, Hungarian)
        ("Lives at Bjørkelund gate 33 with her sister.", "Bjørkelund gate 33"),
        ("son's flat is at Rákosfalva tér 4 in the city", "Rákosfalva tér 4"),
        # a prefix before the name (Portuguese, Polish, Italian)
        ("Visiting from Rua dos Pinheiros 210, Curitiba.", "Rua dos Pinheiros 210"),
        ("Cousin: ul. Wierzbowa 17, Apt 2", "ul. Wierzbowa 17"),
        ("Sent records to Via Giordanelli 5 at the family's request.", "Via Giordanelli 5"),
        ("he lives at calle de los olivos 8 with his wife", "calle de los olivos 8"),
        # the French way, number first
        ("Wife's address 14 rue des Tanneurs, Besançon", "14 rue des Tanneurs"),
        # a bare address line: number, a name no English list knows, number, unit
        ("Address on file: 221 Ohrawinkel 9 Apt. 4", "221 Ohrawinkel 9"),
        # spaced with tabs and no-break spaces (the cheap test before each number splits on them too)
        ("Family stays at Corso\u00a0Vittorio\tEmanuele 12 in the old town.", "Corso\u00a0Vittorio\tEmanuele 12"),
        ("Lives at Bjørkelund\u00a0gate\u00a033 with her sister.", "Bjørkelund\u00a0gate\u00a033"),
    ],
)
def test_addresses_with_the_number_after_the_street_are_found(text: str, value: str) -> None:
    assert covered(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Given Vancomycin 1 g via PEG 2 times.", "PEG 2"),
        ("Via Foley 16 Fr placed without difficulty.", "Foley 16"),
        ("BP 120 Systolic 80 on recheck", "Systolic 80"),
        ("Gate 4 at the loading dock was left open.", "Gate 4"),
        ("Placed on 2 L via nasal cannula at 0300.", "via nasal"),
        ("TRANSPORTED TO ER; CODE CALLED 911 AT SCENE.", "CALLED 911"),
        ("Tolerated 2 rue tablets", "rue tablets"),
    ],
)
def test_clinical_numbers_after_words_stay(text: str, value: str) -> None:
    assert not touched(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # where someone is, comes from or travels to: a town no English list knows
        ("Her husband is originally from Kavalari and speaks little English.", "Kavalari"),
        ("I'm in Tørvikbygd until Friday, said the daughter.", "Tørvikbygd"),
        ("Son flew to SKJERVØYA on Monday; call his mobile.", "SKJERVØYA"),
        ("Pt grew up in Ostrzeszów and moved to the US in 1990.", "Ostrzeszów"),
        # a mailing label: the town on the field after the street and unit
        ("Mail to:\nGrünwaldweg 3\nApt. 2\nMÜHLKIRCHEN\nGermany", "MÜHLKIRCHEN"),
    ],
)
def test_towns_after_a_travel_cue_or_on_a_label_are_found(text: str, value: str) -> None:
    assert covered(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Pt moved to MICU at 0200, then to LTACH next week.", "MICU"),
        ("Pt moved to MICU at 0200, then to LTACH next week.", "LTACH"),
        ("Wife is originally from Ohio.", "Ohio"),
        ("Mail to:\nGrünwaldweg 3\nApt. 2\nRETURN IF WORSE", "RETURN"),
    ],
)
def test_units_states_and_instructions_after_place_cues_stay(text: str, value: str) -> None:
    assert not touched(text, value)
