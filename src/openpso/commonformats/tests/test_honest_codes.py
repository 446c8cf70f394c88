"""Invented codes are never passed off as AHRQ's (issue 15 item 8): the contributing-factor
list is an OpenPSO extension with a form version of its own, beside CFER-H and not in it, and
every OPSO- code is exported under OpenPSO's own code system with a note that says so."""

import json
import re
from pathlib import Path

import pytest

from openpso.commonformats.catalogue import DATA_DIR, catalogue, form
from openpso.commonformats.factors import EXTENSION_MARK, FACTORS_FORM, factor_item, factor_words
from openpso.commonformats.fhir import (
    AHRQ_ANSWER,
    EXT_CORE,
    EXT_EXTENSION_CODE,
    OPENPSO_EXTENSION,
    to_fhir_questionnaire,
)
from openpso.commonformats.model import EXTENSION_CODE, iter_items

OPSO = re.compile(r"OPSO-[A-Z0-9-]+")
# Codes the RCA² investigations, submissions and the lake already hold: they must keep working.
STORED_FACTORS = {
    "OPSO-SIR-CF-COMMUNICATION", "OPSO-SIR-CF-ENVIRONMENT", "OPSO-SIR-CF-HUMAN", "OPSO-SIR-CF-LEADERSHIP",
    "OPSO-SIR-CF-POLICIES", "OPSO-SIR-CF-STAFFING", "OPSO-SIR-CF-TRAINING", "OPSO-SIR-CF-PATIENT",
}  # fmt: skip


def test_the_contributing_factor_list_is_an_openpso_extension_under_its_own_version():
    factors = form(FACTORS_FORM)
    assert factors.extension
    assert factors.provisional
    assert (factors.family, factors.version) == ("openpso-ext", "1.0")
    assert "not an AHRQ Common Formats" in factors.title
    assert factor_item().codes >= STORED_FACTORS


def test_no_cfer_h_form_holds_the_contributing_factor_list():
    for key, definition in catalogue().items():
        if definition.family != "cfer-h":
            continue
        assert not definition.extension, key
        assert not any(i.link_id.startswith("CF/") for i in iter_items(definition)), key
        assert not (STORED_FACTORS & {o.code for i in iter_items(definition) for o in i.answers}), key


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_opso_code_is_exported_as_openpso_s_own_and_says_so(key):
    exported = to_fhir_questionnaire(form(key))

    def options(items):
        for item in items:
            yield from item.get("answerOption", [])
            yield from options(item.get("item", []))

    for option in options(exported["item"]):
        coding = option["valueCoding"]
        notes = [e.get("valueString") for e in option.get("extension", []) if e["url"] == EXT_EXTENSION_CODE]
        if OPSO.fullmatch(coding["code"]):
            assert coding["system"] == OPENPSO_EXTENSION, coding
            assert notes == [EXTENSION_CODE], coding
        else:
            assert coding["system"] != OPENPSO_EXTENSION, coding
            assert not notes, coding


def test_the_openpso_code_system_uri_claims_nothing_of_ahrq():
    assert "ahrq" not in OPENPSO_EXTENSION.lower()
    assert "openpso-extension" in OPENPSO_EXTENSION
    assert AHRQ_ANSWER != OPENPSO_EXTENSION


def test_v2_core_flags_are_exported_as_provisional():
    exported = json.dumps(to_fhir_questionnaire(form("cfer-h-2.0/generic")))
    assert EXT_CORE.endswith("core-provisional")
    assert EXT_CORE in exported


def test_factor_labels_mark_every_openpso_code_and_only_those():
    marked = factor_words(marked=True)
    for code, words in marked.items():
        assert words.endswith(EXTENSION_MARK) == bool(OPSO.fullmatch(code)), (code, words)
    assert not any(EXTENSION_MARK in w for w in factor_words().values())


# "Common Formats contributing-factor code", "Common Formats SIR contributing factors",
# "contributing_factors[].code | Common Formats (SIR) codes", "OPSO-… (Common Formats)".
_CLAIM = re.compile(
    r"Common\s+Formats\W+(?:\w+\W+)?(?:contributing|factor)"
    r"|(?:contributing[-_ ]factors?|OPSO-[A-Z0-9-]+)\W+(?:\w+\W+){0,4}?Common\s+Formats",
    re.IGNORECASE,
)


def _describes_opso_as_common_formats(text: str) -> list[str]:
    """Sentences that call an OPSO code or the factor list Common Formats without saying it is not."""
    bad = []
    for sentence in re.split(r"(?<=[.;])\s+|\n\s*\n|\n\|", text):
        for claim in _CLAIM.finditer(sentence):
            # The denial must be near the claim ("… code: OpenPSO extension, not AHRQ's").
            near = sentence[max(0, claim.start() - 60) : claim.end() + 90]
            if not re.search(r"\bnot\b", near):
                bad.append(" ".join(near.split()))
    return bad


@pytest.mark.parametrize(
    "claim",
    [
        "factor: Common Formats contributing-factor code (SIR)",
        "| `factor` | string | `analysis.contributing_factors[].code` | Common Formats (SIR) codes only |",
        "Codes: DE21, Common Formats SIR contributing factors, the RCA² action hierarchy.",
    ],
)
def test_the_check_finds_a_factor_code_called_common_formats(claim):
    assert _describes_opso_as_common_formats(claim)
    assert not _describes_opso_as_common_formats(claim.rstrip(".") + ", an OpenPSO extension, not AHRQ's")


def _repo() -> Path:
    return Path(__file__).resolve().parents[4]


@pytest.mark.parametrize(
    "relative",
    [
        "docs/lake.md",
        "docs/analytics.md",
        "docs/submissions.md",
        "docs/decisions/0008-common-formats-as-data.md",
        "src/openpso/lake/schema.py",
        "src/openpso/lake/aggregates.py",
        "src/openpso/lake/synth_mix.py",
        "src/openpso/analytics/measures.py",
        "src/openpso/analytics/dashboards/pso.py",
        "src/openpso/pses/rca/forms.py",
        "src/openpso/pses/rca/queries.py",
        "src/openpso/nonid/pipeline_answers.py",
        "src/openpso/nonid/pipeline_fields.py",
        "src/openpso/submissions/document.py",
    ],
)
def test_no_doc_or_label_calls_an_opso_code_or_the_factor_list_common_formats(relative):
    path = _repo() / relative
    assert path.exists(), relative
    assert _describes_opso_as_common_formats(path.read_text(encoding="utf-8")) == []


def test_no_data_file_calls_an_opso_code_a_common_formats_code():
    for path in sorted(DATA_DIR.glob("*/*.json")):
        for text in _strings(json.loads(path.read_text(encoding="utf-8"))):
            assert _describes_opso_as_common_formats(text) == [], path.name


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
