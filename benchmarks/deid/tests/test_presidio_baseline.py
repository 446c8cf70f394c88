import json

from benchmarks.deid import presidio_baseline
from benchmarks.deid.presidio_baseline import answer, redact


def test_spans_are_replaced_by_their_type_and_overlaps_by_the_longest_first():
    spans = [
        {"start": 5, "end": 20, "type": "EMAIL_ADDRESS"},
        {"start": 9, "end": 20, "type": "URL"},
        {"start": 0, "end": 4, "type": "PERSON"},
    ]
    assert redact("Jane ann@example.com hi", spans) == "<PERSON> <EMAIL_ADDRESS> hi"


def test_an_invalid_input_line_gets_an_error_line_under_its_id():
    assert json.loads(answer('{"id": "7"}'))["id"] == "7"
    assert "error" in json.loads(answer('{"id": "7"}'))
    assert json.loads(answer("not json")) == {"id": None, "error": json.loads(answer("not json"))["error"]}


def test_a_missing_model_is_reported_at_once_instead_of_hanging_the_pool(monkeypatch, capsys):
    monkeypatch.setattr(presidio_baseline, "MODEL", "no_such_spacy_model")
    assert presidio_baseline.main(["--jsonl"]) == 2
    assert "not installed: no_such_spacy_model" in capsys.readouterr().err
