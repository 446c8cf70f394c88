"""Which event modules a report needs, from its categories and the provider's type."""

from openpso.commonformats.catalogue import catalogue, form, modules_for
from openpso.commonformats.definitions import herf_core


def _keys(**kwargs):
    return [m.key for m in modules_for(**kwargs)]


def test_each_v1_2_category_but_other_brings_in_its_module():
    categories = sorted(herf_core()["DE21"].codes - {"A66"})
    modules = modules_for(categories=categories)
    assert len(modules) == 9
    assert all(any(c in m.triggers.categories for c in categories) for m in modules)


def test_modules_come_in_the_order_of_the_categories():
    assert _keys(categories=["A54", "A48"]) == ["cfer-h-1.2/medication", "cfer-h-1.2/fall"]
    assert _keys(categories=["A48", "A54"]) == ["cfer-h-1.2/fall", "cfer-h-1.2/medication"]


def test_other_and_unknown_categories_bring_no_module():
    assert _keys(categories=["A66", "A999"]) == []


def test_an_ems_agency_gets_the_ems_module_after_the_category_modules():
    assert _keys(categories=["A54"], provider_type="ems_agency") == ["cfer-h-1.2/medication", "openpso-ext/ems-1.0"]
    assert _keys(categories=[], provider_type="hospital") == []


def test_another_version_has_no_v1_2_modules():
    assert _keys(categories=["A54"], version="2.0") == []


def test_ems_event_kinds_map_onto_common_formats_categories_that_exist():
    categories = herf_core()["DE21"].codes
    kinds = form("openpso-ext/ems-1.0").item("EMS/event_kind")
    mapped = {o.mapped("HERF/DE21") for o in kinds.answers} - {None}
    assert mapped
    assert mapped <= categories
    assert kinds.answer("OPSO-EMS-EV-MEDICATION").mapped("HERF/DE21") == "A54"
    report_types = form("openpso-ext/ems-1.0").item("EMS/report_type")
    assert {o.mapped("HERF/DE3") for o in report_types.answers} == {"A3", "A6", None}


def test_every_module_is_triggered_by_something():
    for definition in catalogue().values():
        if definition.kind == "module":
            assert definition.triggers.categories or definition.triggers.provider_types, definition.key
