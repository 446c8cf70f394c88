"""The clinical-notes-dev corpus loads whole, and our scorer agrees with the corpus's own score.py."""

import contextlib
import importlib.util
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.deid import corpora
from benchmarks.deid.score import SCOPES, Note, Prediction, Span, Tally

REFERENCE = corpora.DATA / "clinical-notes-dev" / "score.py"


def test_the_dev_set_has_240_notes_in_7_settings_and_1549_spans():
    notes = list(corpora.clinical_notes_dev())
    assert len(notes) == 240
    assert len({n.id for n in notes}) == 240
    assert sum(len(n.gold) for n in notes) == 1549
    assert Counter(n.setting for n in notes) == {
        "icu_nursing": 40,
        "ward_nursing": 30,
        "discharge_summary": 25,
        "ed_note": 25,
        "ems_pcr": 45,
        "nursing_home": 40,
        "pharmacy": 35,
    }
    by_type = Counter(g.type for n in notes for g in n.gold)
    assert by_type["AGE90"] == 47
    assert by_type["PATIENT"] == 321
    assert sum(1 for n in notes if not n.gold) == 37
    assert all(0 <= g.start < g.end <= len(n.text) for n in notes for g in n.gold)


def _reference_scores(tmp_path: Path, notes: list[Note], predictions: dict[str, list[Span]]) -> tuple[str, str]:
    """(span recall, char precision) lines as the corpus's own score.py prints them."""
    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold_path.write_text(
        "".join(
            json.dumps({"id": n.id, "setting": "x", "text": n.text, "spans": [g._asdict() for g in n.gold]}) + "\n"
            for n in notes
        )
    )
    pred_path.write_text(
        "".join(
            json.dumps({"id": i, "text": "", "spans": [s._asdict() for s in spans]}) + "\n"
            for i, spans in predictions.items()
        )
    )
    spec = importlib.util.spec_from_file_location("dev_set_score", REFERENCE)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        module.main(str(pred_path), str(gold_path))
    recall = re.search(r"span recall \(any overlap\): (\d+)/(\d+)", printed.getvalue())
    precision = re.search(r"char precision: (\d+)/(\d+)", printed.getvalue())
    assert recall, printed.getvalue()
    assert precision, printed.getvalue()
    return f"{recall[1]}/{recall[2]}", f"{precision[1]}/{precision[2]}"


def _our_scores(notes: list[Note], predictions: dict[str, list[Span]]) -> tuple[str, str]:
    tally = Tally(scope=SCOPES["clinical-notes-dev"])
    for note in notes:
        tally.add(note, Prediction(id=note.id, spans=tuple(predictions.get(note.id, ())), text=""))
    headline = sum(tally.hits.values()), sum(tally.total.values())
    return f"{headline[0]}/{headline[1]}", f"{tally.predicted_chars_in_gold}/{tally.predicted_chars}"


# Hand-made: a name with a title outside the span, a date, a phone missed, a vital sign taken for
# an identifier, overlapping predictions, a span with spaces and a trailing space, a note with no
# identifier but a false alarm, and a note the tool never answered.
CASES = [
    Note(id="a", text="Seen by Dr. Quill at 0300, BP 120/70.", gold=(Span(12, 17, "STAFF"),)),
    Note(
        id="b",
        text="son ezra  moss called 555-0100 on 4/2",
        gold=(Span(4, 14, "PATIENT"), Span(22, 30, "PHONE"), Span(34, 37, "DATE")),
    ),
    Note(id="c", text="Rested well overnight, no family at bedside.", gold=()),
    Note(id="d", text="Transferred to Birchwood House rm 12", gold=(Span(15, 30, "LOCATION"), Span(34, 36, "ID"))),
]
PREDICTIONS = {
    "a": [Span(8, 17, "PERSON"), Span(30, 36, "DATE")],  # "Dr. Quill" (title too), "120/70"
    "b": [Span(4, 8, "PERSON"), Span(6, 15, "PERSON"), Span(34, 37, "DATE")],  # overlap, trailing space
    "c": [Span(25, 31, "PERSON")],  # "family" on a note with no identifier
}


@pytest.mark.parametrize("upto", range(1, len(CASES) + 1))
def test_span_recall_and_char_precision_match_the_dev_set_scorer_on_hand_made_cases(tmp_path, upto):
    notes = CASES[:upto]
    predictions = {k: v for k, v in PREDICTIONS.items() if k in {n.id for n in notes}}
    assert _our_scores(notes, predictions) == _reference_scores(tmp_path, notes, predictions)
