"""Every definition file loads, is well formed, and cannot pass an invented code off as AHRQ's."""

import json
import re

import pytest

from openpso.commonformats.catalogue import DATA_DIR, catalogue, find_item, form
from openpso.commonformats.loader import DefinitionError, load_file
from openpso.commonformats.model import ITEM_TYPES, iter_items

EXPECTED = {
    "cfer-h-1.2/herf",
    "cfer-h-1.2/pif",
    "cfer-h-1.2/sir",
    "cfer-h-1.2/blood",
    "cfer-h-1.2/device",
    "cfer-h-1.2/fall",
    "cfer-h-1.2/hai",
    "cfer-h-1.2/medication",
    "cfer-h-1.2/perinatal",
    "cfer-h-1.2/pressure-ulcer",
    "cfer-h-1.2/surgery-anesthesia",
    "cfer-h-1.2/vte",
    "cfer-h-2.0/generic",
    "openpso-ext/contributing-factors-1.0",
    "openpso-ext/ems-1.0",
}
# What a code that is not marked provisional may look like, by the standard it claims.
STANDARD_CODE = {"ahrq": r"A\d+|UNK|M|F", "loinc": r"LA\d+-\d", "nemsis": r"\d{7}"}
FORMS = sorted(EXPECTED)


def test_every_form_and_module_has_a_definition_file():
    assert set(catalogue()) == EXPECTED


@pytest.mark.parametrize("key", FORMS)
def test_each_definition_file_loads_and_its_link_ids_are_unique(key):
    definition = load_file(DATA_DIR / f"{key}.json")
    link_ids = [i.link_id for i in iter_items(definition)]
    assert len(link_ids) == len(set(link_ids))
    assert all(i.type in ITEM_TYPES for i in iter_items(definition))
    assert definition.source


@pytest.mark.parametrize("key", FORMS)
def test_no_answer_poses_as_a_standard_code_unless_it_is_one(key):
    for item in iter_items(form(key)):
        for option in item.answers:
            if option.provisional:
                assert option.system == "openpso" or re.fullmatch(STANDARD_CODE[option.system], option.code)
                continue
            assert option.system in STANDARD_CODE, (item.link_id, option.code)
            assert re.fullmatch(STANDARD_CODE[option.system], option.code), (item.link_id, option.code)
            if option.system == "nemsis":
                assert item.nemsis, f"{item.link_id}: a NEMSIS code needs the NEMSIS element it belongs to"


@pytest.mark.parametrize("key", FORMS)
def test_every_openpso_code_is_provisional_and_in_the_opso_namespace(key):
    for item in iter_items(form(key)):
        for option in item.answers:
            if option.system == "openpso":
                assert option.provisional, (item.link_id, option.code)
                assert option.code.startswith("OPSO-"), (item.link_id, option.code)
            if option.code.startswith("OPSO-"):
                assert option.system == "openpso"


@pytest.mark.parametrize("key", FORMS)
def test_every_skip_logic_reference_resolves(key):
    definition = form(key)
    for item in iter_items(definition):
        for condition in [*item.enable_when, *(c for o in item.answers for c in o.enable_when)]:
            target = find_item(definition, condition.question)
            assert target is not None, (item.link_id, condition.question)
            assert target.is_question, (item.link_id, condition.question)
            if target.answers and condition.operator != "exists":
                wanted = condition.answer if isinstance(condition.answer, tuple) else (condition.answer,)
                assert set(wanted) <= target.codes, (item.link_id, condition)


def test_forms_with_parts_not_from_an_official_source_say_so():
    official = {"cfer-h-1.2/herf", "cfer-h-1.2/medication"}
    for key in EXPECTED - official:
        assert form(key).provisional, key
    for key in official:
        definition = form(key)
        assert not definition.provisional
        assert not any(i.provisional or any(o.provisional for o in i.answers) for i in iter_items(definition))


def test_openpso_extensions_and_only_they_sit_under_openpso_ext():
    for key, definition in catalogue().items():
        assert definition.extension == key.startswith("openpso-ext/"), key
        assert definition.extension == (definition.family == "openpso-ext"), key
    assert form("openpso-ext/ems-1.0").extension


def test_identifying_items_are_flagged():
    herf = form("cfer-h-1.2/herf")
    for de in ("DE46", "DE47", "DE49", "DE34", "DE37", "DE40", "DE50", "DE52", "DE53"):
        assert herf.item(f"HERF/{de}").identifying, de
    assert not herf.item("HERF/DE3").identifying


def test_v2_generic_items_say_whether_they_are_core_and_v1_2_items_do_not():
    generic = form("cfer-h-2.0/generic")
    assert all(i.core is not None for i in generic.questions())
    assert {i.core for i in generic.questions()} == {True, False}
    assert all(i.core is None for i in form("cfer-h-1.2/medication").questions())


def test_a_core_flag_is_refused_unless_the_form_says_core_flags_are_provisional(tmp_path):
    items = [{"link_id": "X/q", "type": "string", "core": True}]
    with pytest.raises(DefinitionError, match="X/q: a core flag needs the form marked core_provisional"):
        load_file(_write(tmp_path, items))
    assert load_file(_write(tmp_path, items, core_provisional=True)).item("X/q").core is True
    assert all(d.core_provisional for d in catalogue().values() if any(i.core is not None for i in iter_items(d)))


def _write(tmp_path, items, **extra):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"key": "x/broken", "family": "x", "version": "1", "form_id": "X", "title": "X",
                                "source": "test", "items": items, **extra}))  # fmt: skip
    return path


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([{"link_id": "X/q", "type": "choice", "text": "Q"}], "X/q: a choice item needs answers"),
        ([{"link_id": "X/q", "type": "widget"}], "X/q: unknown item type 'widget'"),
        ([{"link_id": "X/q", "type": "string"}, {"link_id": "X/q", "type": "string"}], "X/q: duplicate link_id"),
        (
            [
                {
                    "link_id": "X/q",
                    "type": "choice",
                    "answers": [{"code": "A999999", "display": "Mine", "system": "openpso"}],
                }
            ],
            "X/q: answer 'A999999' does not look like a openpso code",
        ),
        (
            [{"link_id": "X/q", "type": "choice", "answers": [{"code": "OPSO-X-1", "display": "Mine"}]}],
            "X/q: answer 'OPSO-X-1' does not look like a ahrq code",
        ),
        (
            [
                {
                    "link_id": "X/q",
                    "type": "choice",
                    "answers": [{"code": "OPSO-X-1", "display": "Y", "system": "openpso"}],
                }
            ],
            "X/q: answer 'OPSO-X-1': an OpenPSO code must be marked provisional",
        ),
        ([{"link_id": "X/q", "type": "string", "colour": "red"}], "X/q: unknown keys ['colour']"),
        (
            [{"link_id": "X/q", "type": "string", "enable_when": [{"question": "X/p", "operator": "~"}]}],
            "X/q: unknown enable_when operator '~'",
        ),
    ],
)
def test_a_malformed_definition_fails_naming_the_file_and_the_link_id(tmp_path, items, expected):
    with pytest.raises(DefinitionError) as caught:
        load_file(_write(tmp_path, items))
    assert str(caught.value) == f"broken.json: {expected}"


def _catalogue_of(tmp_path, monkeypatch, items):
    from openpso.commonformats import catalogue as module

    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "broken.json").write_text(_write(tmp_path, items).read_text())
    monkeypatch.setattr(module, "DATA_DIR", tmp_path)
    module.catalogue.cache_clear()
    try:
        return module.catalogue()
    finally:
        monkeypatch.undo()
        module.catalogue.cache_clear()


def test_a_skip_logic_reference_to_a_missing_question_fails_naming_it(tmp_path, monkeypatch):
    nowhere = {"question": "X/nowhere", "operator": "exists", "answer": True}
    items = [{"link_id": "X/q", "type": "string", "enable_when": [nowhere]}]
    with pytest.raises(DefinitionError, match=r"broken.json: X/q: enable_when refers to unknown question 'X/nowhere'"):
        _catalogue_of(tmp_path, monkeypatch, items)


def test_skip_logic_that_loops_fails_naming_the_item(tmp_path, monkeypatch):
    items = [
        {
            "link_id": "X/a",
            "type": "string",
            "enable_when": [{"question": "X/b", "operator": "exists", "answer": True}],
        },
        {
            "link_id": "X/b",
            "type": "string",
            "enable_when": [{"question": "X/a", "operator": "exists", "answer": True}],
        },
    ]
    with pytest.raises(DefinitionError, match=r"broken.json: X/[ab]: enable_when forms a cycle"):
        _catalogue_of(tmp_path, monkeypatch, items)


def test_the_catalogue_loads_a_new_module_from_its_file_alone(tmp_path, monkeypatch):
    items = [{"link_id": "X/q", "type": "choice", "text": "Q", "answers": [{"code": "A15", "display": "Yes"}]}]
    loaded = _catalogue_of(tmp_path, monkeypatch, items)
    assert list(loaded) == ["x/broken"]
    assert loaded["x/broken"].item("X/q").codes == {"A15"}
